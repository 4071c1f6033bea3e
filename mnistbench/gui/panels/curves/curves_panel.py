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
"""

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QMenu, QSizePolicy, QSlider, QToolButton,
                               QVBoxLayout, QWidget)

from mnistbench.gui.panels.curves.curves_data import BatchErrors, Smoothed, Values, for_log_axis
from mnistbench.gui.panels.curves.curves_export import CurvesExportMixin
from mnistbench.gui.panels.curves.curves_ranges import (EpochMarks, LogAxis, RangeFollower, TimedGraphicsLayout,
                                                        style_plot)
from mnistbench.gui.panels.curves.curves_readout import CurvesReadoutMixin, ReadoutLabel
from mnistbench.gui.panels.curves.curves_runs import CurvesRunsMixin
from mnistbench.gui.panels.curves.run_curves import AXES, LivePositions, empty_series
from mnistbench.gui.widgets.palette import NEUTRAL

# Redraws take time from training (the GIL), so they get a share of the GUI thread's time: a
# redraw (with its paints) that took 10 ms waits 333 ms for the next. Long runs (more points)
# and busy machines redraw less often.
REDRAW_SHARE = 0.03
REDRAW_MS, MAX_REDRAW_MS = 250, 2000  # at most 4 redraws a second, at least one every 2 s
FLOORS = {"loss": 1e-6, "error": 1e-4}  # log axes cannot show 0: clip to these
SMOOTHING = 0.9  # TensorBoard's smoothing weight at start (0 none, 0.999 the most)
# name -> (plot, label, width, smoothed, dashed); the colour is the run's. No symbols on the
# validation points: pyqtgraph paints scatter symbols in Python, which took half of every redraw.
SERIES = {
    "train_loss": ("loss", "training loss", 1, True, False),
    "validation_loss": ("loss", "validation loss", 2, False, True),
    "train_error": ("error", "training error", 1, True, False),
    "validation_error": ("error", "validation error", 2, False, True),
}
LEGEND_COLUMN_PX = 175  # a legend entry's width: a narrow panel puts the entries on more rows
RAW_ALPHA = 60  # the raw values behind a smoothed curve


class CurvesPanel(CurvesRunsMixin, CurvesReadoutMixin, CurvesExportMixin, QWidget):
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

    def _build_plots(self):
        self.graphics = TimedGraphicsLayout()
        self.graphics.setBackground("w")
        self.legend = pg.LegendItem(offset=None, colCount=3, labelTextColor=NEUTRAL.plot_text)  # above, not on, the data
        self.graphics.addItem(self.legend, row=0, col=0)
        self.plots = {kind: self.graphics.addPlot(row=row, col=0, axisItems={"left": LogAxis("left")})
                      for row, kind in enumerate(("loss", "error"), start=1)}
        self.plots["error"].setXLink(self.plots["loss"])
        self.legend.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        for row in (1, 2):
            self.graphics.ci.layout.setRowStretchFactor(row, 1)  # the plots share the height equally
        for kind, plot in self.plots.items():
            style_plot(plot, "loss" if kind == "loss" else "classification error")
        self.plots["error"].setLabel("bottom", "epoch")
        self._add_curves()
        self._set_pixmap_caches(True)
        self.epoch_marks = {kind: EpochMarks() for kind in self.plots}
        for kind, marks in self.epoch_marks.items():
            self.plots[kind].addItem(marks, ignoreBounds=True)
        self.cursors = {kind: pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(NEUTRAL.plot_cursor, width=1))
                        for kind in self.plots}
        for kind, line in self.cursors.items():
            line.hide()
            self.plots[kind].addItem(line, ignoreBounds=True)
        self.graphics.scene().sigMouseMoved.connect(self._show_values_at)
        self.graphics.sig_mouse_left.connect(self.hide_values)
        self.graphics.sig_resizing.connect(self._fit_legend)
        self.graphics.scene().contextMenu = []  # pyqtgraph's own "Export..." dialog: ours instead
        self._add_export_actions(self.graphics.scene().contextMenu)
        clear = QAction("Clear earlier runs", self, toolTip="Only the current network's curve stays")
        clear.triggered.connect(self.clear_runs)
        self.graphics.scene().contextMenu.append(clear)

    def _add_curves(self):
        """Each series' curve for the current run, and a smoothed one's raw values faint behind it."""
        self.curves, self.raw_curves = {}, {}
        for name, (kind, _label, _width, smoothed, _dashed) in SERIES.items():
            if smoothed:  # context, not data to fit: the view ranges follow the smoothed curve
                self.raw_curves[name] = pg.PlotDataItem(connect="finite")
                self.plots[kind].addItem(self.raw_curves[name], ignoreBounds=True)
            self.curves[name] = self._new_curve(kind, None)

    def _new_curve(self, kind, pen, below=False):
        """A curve in a plot; ``below`` the current run's (an overlay)."""
        curve = pg.PlotDataItem(pen=pen, connect="finite")
        if below:
            curve.setZValue(-1)
        self.plots[kind].addItem(curve)
        return curve

    @staticmethod
    def _raw_pen(colour):
        faint = QColor(colour)
        faint.setAlpha(RAW_ALPHA)
        return pg.mkPen(faint, width=1)

    def _build_controls(self):
        self.values_label = ReadoutLabel()
        self.smoothing = QSlider(Qt.Horizontal, minimum=0, maximum=999, value=round(1000 * SMOOTHING),
                                 minimumWidth=50, maximumWidth=120,
                                 toolTip="Smoothing of the training curves, as in TensorBoard: "
                                 "0 shows each batch, 0.999 a long moving average")
        self.smoothing_value = QLabel(f"{SMOOTHING:.3f}")
        self.smoothing.valueChanged.connect(self._smoothing_changed)
        self.axis_choice = QComboBox(toolTip="What the x axis counts: epochs, examples seen, or seconds "
                                     "of training")
        self.axis_choice.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.axis_choice.setMinimumContentsLength(5)  # "examples" elided a little: the dock stays narrow
        for key, title in AXES.items():
            self.axis_choice.addItem(title.split()[0], key)
        self.axis_choice.currentIndexChanged.connect(lambda _i: self.set_x_axis(self.axis_choice.currentData()))
        export = QToolButton(text="Export ▾", popupMode=QToolButton.InstantPopup)
        export.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        export.setToolTip("Save the curves as a PNG or SVG picture, or their numbers as CSV")
        export.setMenu(QMenu(export))
        self._add_export_actions(export.menu())
        top = QHBoxLayout()
        top.addWidget(QLabel("Smoothing"))
        top.addWidget(self.smoothing)
        top.addWidget(self.smoothing_value)
        top.addWidget(self.axis_choice)
        top.addStretch(1)
        top.addWidget(export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.values_label)
        layout.addWidget(self.graphics, 1)

    def _fit_legend(self, width):
        """As many legend columns as the plots' width holds: the legend never spills past them."""
        columns = max(1, min(3, width // LEGEND_COLUMN_PX))
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)
            self.legend.updateGeometry()
            self.graphics.ci.layout.invalidate()

    @property
    def smoothing_weight(self) -> float:
        return self.smoothing.value() / 1000

    def _smoothing_changed(self, _value):
        self.smoothing_value.setText(f"{self.smoothing_weight:.3f}")
        self._drawn = {}  # every smoothed curve again, at once: the user is watching
        self.redraw()

    # -- inputs ------------------------------------------------------------------------
    def start_run(self, continued=False, planned_epochs=None, row=None):
        """A continued run extends the current curve; a new one keeps the current beside it as an earlier run.

        ``planned_epochs`` (if known) fixes the x range for the whole run at once; ``row`` (a RunRow)
        says what the run is, for its legend label.
        """
        if not continued:
            self._archive_current()
        for series in self.current.values():  # a replayed history goes on in batches: smoothed as they are
            series.per_epoch = False
        self._batch_errors.restart()  # the engine counts samples from 0 again
        self._positions = LivePositions(self._positions.last if continued else (0.0, 0.0, 0.0))
        self.current_row = row if row is not None else self.current_row
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

    # -- drawing -----------------------------------------------------------------------
    @property
    def _redraw_interval(self):
        """Milliseconds until the next redraw, so that redraws take REDRAW_SHARE of the time."""
        if self._redraw_cost_ms is None:
            return REDRAW_MS
        return int(min(MAX_REDRAW_MS, max(REDRAW_MS, self._redraw_cost_ms / REDRAW_SHARE)))

    def _mark_dirty(self):
        if not self._timer.isActive():
            self._timer.start(self._redraw_interval)

    def set_in_view(self, in_view):
        """The window says whether the panel can be seen; out of view, new points wait."""
        self._in_view = in_view
        if in_view and self._stale:
            self._stale = False
            self._mark_dirty()

    def _redraw_live(self):
        """The timer's redraw: new points, then ranges that follow them unless the user took over."""
        if not self._in_view:
            self._stale = True
            return
        began = time.thread_time()
        self._push_data()
        self.ranges.live()
        # what this redraw and the paints since the last one took from the GUI thread
        cost_ms = 1000 * (time.thread_time() - began + self.graphics.take_paint_seconds())
        previous = cost_ms if self._redraw_cost_ms is None else self._redraw_cost_ms
        self._redraw_cost_ms = (previous + cost_ms) / 2  # one slow redraw (new axes) weighs half

    def redraw(self):
        """Curves and, during a run, ranges up to date now (for tests and exports)."""
        self._push_data()
        self.ranges.refresh()

    def _push_data(self):
        """Curves that grew (or whose axis or smoothing changed) get their points; the others are left."""
        weight = self.smoothing_weight
        for _label, _colour, run, curves in self.shown_runs():
            for name, (kind, _text, _width, smoothed, _dashed) in SERIES.items():
                series, curve = run[name], curves[name]
                if self._drawn.get(curve) != (series, series.size):
                    x, y = self._drawable(series, kind, self.as_drawn(series, smoothed))
                    curve.setData(x, y)
                    self._drawn[curve] = (series, series.size)
        for name, raw in self.raw_curves.items():
            series = self.current[name]
            self._push_raw(raw, series, SERIES[name][0], weight > 0 and not series.per_epoch)
        column = self.current["train_loss"].AXIS_COLUMNS[self.x_axis]
        ends = [position[column] for position in self._epoch_ends]
        for marks in self.epoch_marks.values():
            if marks.positions != ends:
                marks.set_positions(ends)

    def _drawable(self, series, kind, y):
        """(x on the chosen axis, y for the log axis), without points the axis cannot place."""
        x = series.x_on(self.x_axis)
        known = np.isfinite(x)
        return x[known], for_log_axis(y[known], FLOORS[kind])

    def _push_raw(self, curve, series, kind, shown):
        """The raw values, faint behind their smoothed curve (none without smoothing)."""
        curve.setVisible(shown)
        if shown and self._drawn.get(curve) != (series, series.size):
            positive = np.where(series.y > 0, series.y, np.nan)  # a perfect batch is a gap, not a spike
            curve.setData(*self._drawable(series, kind, positive))
            self._drawn[curve] = (series, series.size)

    def as_drawn(self, series, smoothed):
        """A series' values as its curve shows them: smoothed if its kind is, unless epoch averages."""
        if not smoothed or series.per_epoch:
            return series.y
        return self._smoothed(series).of(series, self.smoothing_weight)

    def _smoothed(self, series):
        if series not in self.smoothed:
            runs = [run for _label, _colour, run, _curves in self.shown_runs()]
            self.smoothed = {s: v for s, v in self.smoothed.items() if any(s is run[n] for run in runs for n in run)}
            self.smoothed[series] = Smoothed()
        return self.smoothed[series]

    def _shown_data(self):
        """For the ranges: [(values as drawn, plot kind)] of every run, last x, where the live run started."""
        column = self.current["train_loss"].AXIS_COLUMNS[self.x_axis]
        shown = []
        for _label, _colour, run, _curves in self.shown_runs():
            for name, (kind, _text, _width, smoothed, _dashed) in SERIES.items():
                series = run[name]
                y = self.as_drawn(series, smoothed)
                shown.append((Values(series.x_on(self.x_axis), y), kind))
        return shown, self._positions.last[column], self._positions.offset[column]


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
