"""Training curves: loss and classification error on log axes, against epochs, examples seen or
seconds; the current network's run live, earlier and chosen runs beside it (curves_runs).

Reports only append to NumPy buffers; a single-shot timer pushes the buffers
into curves that were created once, so a fast training loop never makes the
GUI thread redraw per batch (STYLE.md, pyqtgraph scrollingPlots). Every redraw
takes time from training, which needs the same GIL (docs/architecture.md), so
redraws get 3 % of the time (at most 4 a second; 2 to 3 while a 784-128-10
network trains) and none while the panel is out of view.
While a run streams in, curves_ranges sets the view ranges now and then
(pyqtgraph's auto-range would refit and re-lay out the log axes on every
redraw), and the axes and legend repaint from pixmaps: a redraw costs little
more than the new points. The training curves are smoothed as in TensorBoard
(a slider; the raw values faint behind), extended only by the new points.

This module takes the reports in; its parts live beside it: the widgets
(curves_plots), the timed drawing (curves_drawing), the read-out and crosshair
(curves_readout), exports (curves_export) and the other runs' overlays (curves_runs).
"""

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from mnistbench.gui.panels.curves.curves_data import BatchErrors
from mnistbench.gui.panels.curves.curves_drawing import REDRAW_MS, CurvesDrawingMixin
from mnistbench.gui.panels.curves.curves_export import CurvesExportMixin
from mnistbench.gui.panels.curves.curves_plots import FLOORS, SERIES, CurvesPlotsMixin
from mnistbench.gui.panels.curves.curves_ranges import RangeFollower
from mnistbench.gui.panels.curves.curves_readout import CurvesReadoutMixin
from mnistbench.gui.panels.curves.curves_runs import CurvesRunsMixin
from mnistbench.gui.panels.curves.run_curves import AXES, LivePositions, empty_series


class CurvesPanel(CurvesPlotsMixin, CurvesDrawingMixin, CurvesRunsMixin, CurvesReadoutMixin, CurvesExportMixin,
                  QWidget):
    """Loss (top) and error (bottom) against epochs, examples or seconds, x axes linked."""

    series_specs = SERIES

    def __init__(self, parent=None):
        super().__init__(parent)
        self.current = empty_series()  # the current network's run
        self.current_row = None  # RunRow of what it is (for its legend label), or None
        self.live = False  # reports are streaming into the current run
        self.x_axis = "epoch"  # a key of run_curves.AXES
        self.smoothed = {}  # Series -> its Smoothed values (training series of every run)
        self._batch_errors = BatchErrors()
        self._positions = LivePositions()  # where live reports sit on the axes (and the run's end)
        self._planned_epochs = None
        self._epoch_losses = []  # the current curve's per-epoch training losses: whose network it is
        self._drawn = {}  # curve -> (series, size) it last showed; reset when buffers restart
        self._in_view, self._stale = True, False  # out of view (a tab behind, closed): no redraws
        self._epoch_ends = []  # x of each epoch mark
        self._timer = QTimer(self, singleShot=True, interval=REDRAW_MS, timeout=self._redraw_live)
        self._redraw_cost_ms = None  # what a redraw and its paints take (averaged): sets the next wait
        self._build_plots()
        self._init_runs()
        self._build_controls()
        self.ranges = RangeFollower(self.plots, self._shown_data, FLOORS, self)
        self._runs_changed()

    # -- inputs ------------------------------------------------------------------------
    def start_run(self, continued=False, planned_epochs=None, row=None):
        """A continued run extends the current curve; a new one keeps the current beside it as an earlier run.

        ``planned_epochs`` (if known) fixes the x range for the whole run at once; ``row`` (a RunRow)
        says what the run is, for its legend label, and (its id) which stored run it is.
        """
        if not continued:
            self._archive_current()
        for series in self.current.values():  # a replayed history goes on in batches: smoothed as they are
            series.per_epoch = False
        self._batch_errors.restart()  # the engine counts samples from 0 again
        self._positions = LivePositions(self._positions.last if continued else (0.0, 0.0, 0.0))
        self.current_row = row if row is not None else self.current_row
        self._drop_chosen_copies()  # the run's id (row.id, from its recorder) may be a chosen run's
        self.live, self._planned_epochs = True, planned_epochs
        self._runs_changed()
        self.ranges.start(self._planned_end())
        self._mark_dirty()

    def _start_empty_current(self):
        self.current, self.current_row, self._epoch_losses = empty_series(), None, []
        self.smoothed = {}
        self._positions = LivePositions()
        self._remove_epoch_marks()

    def add_batch(self, report):
        self.add_batches([report])

    def add_batches(self, reports):
        """Batch reports in order (the window passes the bundles they cross threads in).

        Each batch's own error is kept, not the engine's running one (which restarts each epoch).
        """
        positions = [self._positions.of_batch(report) for report in reports]
        self.current["train_loss"].extend(positions, [report.loss for report in reports])
        self.current["train_error"].extend(positions, [self._batch_errors.error_of(report) for report in reports])
        self._mark_dirty()

    def add_evaluation(self, report):
        position = self._positions.of_evaluation(report)
        self.current["validation_loss"].append(position, report.validation_loss)
        self.current["validation_error"].append(position, report.validation_error)
        self._mark_dirty()

    def add_epoch(self, report):
        """An epoch mark: a dotted vertical line at the end of the epoch."""
        self._epoch_ends.append(self._positions.of_epoch_end(report))  # drawn with the next redraw
        self._epoch_losses.append(report.train_loss)
        self._planned_epochs = self._planned_epochs or report.epochs
        self.ranges.end_of_epoch(self._planned_end())
        self._mark_dirty()

    def end_run(self):
        """The run ended: draw what is left and let pyqtgraph fit the finished curves."""
        self.live = False
        self._timer.stop()
        self._stale = False
        self._push_data()
        self.ranges.fit()

    def clear(self):
        """No runs at all (a live run keeps its curve)."""
        if not self.live:
            self._start_empty_current()
            self._drawn = {}
        self.clear_runs()
        self.ranges.planned_end = None

    def set_x_axis(self, axis):
        """Plot against epochs, examples seen or seconds (a key of run_curves.AXES)."""
        self.x_axis = axis
        self.axis_choice.setCurrentIndex(list(AXES).index(axis))
        self.plots["error"].setLabel("bottom", AXES[axis])
        self._drawn = {}
        if self.live:
            self.ranges.start(self._planned_end())
        self.redraw()
        if not self.live:
            self.ranges.user_ranged = False
            self.ranges.fit()

    def _planned_end(self):
        """Where the live run will end on the x axis, when that can be known."""
        if self._planned_epochs is None or self.x_axis == "seconds":
            return None
        offset = self._positions.offset
        if self.x_axis == "epoch":
            return offset[0] + self._planned_epochs
        per_epoch = self._positions.examples_per_epoch
        return None if per_epoch is None else offset[1] + self._planned_epochs * per_epoch

    def _remove_epoch_marks(self):
        self._epoch_ends = []
        for marks in self.epoch_marks.values():
            marks.set_positions([])



def _preview():
    """Train a small network on synthetic strokes and watch the curves (python -m …)."""
    from mnistbench.engine.config import TrainingConfig
    from mnistbench.engine.network import Network
    from mnistbench.engine.training import TrainingCallbacks, train
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    panel = CurvesPanel()
    panel.resize(900, 600)
    rng = np.random.default_rng(0)
    templates = rng.random((10, 784)) < 0.15
    labels = rng.integers(0, 10, 3000)
    inputs = np.clip(templates[labels] * 0.8 + rng.random((3000, 784)) * 0.5, 0, 1).astype(np.float32)
    net = Network([784, 32, 10], activation="relu", output="softmax", loss="cross_entropy", init="he")
    callbacks = TrainingCallbacks(on_batch=panel.add_batch, on_evaluation=panel.add_evaluation,
                                  on_epoch=panel.add_epoch)
    for continued in (False, True):
        panel.start_run(continued)
        train(net, inputs[:2500], labels[:2500], TrainingConfig(epochs=2, learning_rate=3e-4),
              validation=(inputs[2500:], labels[2500:]), callbacks=callbacks)
    panel.redraw()
    return run_preview(panel)


if __name__ == "__main__":
    raise SystemExit(_preview())
