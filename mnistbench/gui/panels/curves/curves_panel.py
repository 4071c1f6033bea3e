"""Live training curves: loss and classification error on log axes, against epochs.

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
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QMenu, QSizePolicy, QSlider, QToolButton,
                               QVBoxLayout, QWidget)

from mnistbench.gui.panels.curves.curves_data import BatchErrors, Series, Smoothed, Values, for_log_axis
from mnistbench.gui.panels.curves.curves_export import CurvesExportMixin
from mnistbench.gui.panels.curves.curves_ranges import (EpochMarks, LogAxis, RangeFollower, TimedGraphicsLayout,
                                                        cache_pixmaps, style_plot)
from mnistbench.gui.panels.curves.curves_readout import CurvesReadoutMixin, ReadoutLabel

# Redraws take time from training (the GIL), so they get a share of the GUI thread's time: a
# redraw (with its paints) that took 10 ms waits 333 ms for the next. Long runs (more points)
# and busy machines redraw less often.
REDRAW_SHARE = 0.03
REDRAW_MS, MAX_REDRAW_MS = 250, 2000  # at most 4 redraws a second, at least one every 2 s
FLOORS = {"loss": 1e-6, "error": 1e-4}  # log axes cannot show 0: clip to these
SMOOTHING = 0.9  # TensorBoard's smoothing weight at start (0 none, 0.999 the most)
# name -> (plot, label, colour, width, smoothed). No symbols on the validation points: pyqtgraph
# paints scatter symbols in Python, which took half of every redraw.
SERIES = {
    "train_loss": ("loss", "training loss", "#1f77b4", 1, True),
    "validation_loss": ("loss", "validation loss", "#d62728", 2, False),
    "train_error": ("error", "training error", "#1f77b4", 1, True),
    "validation_error": ("error", "validation error", "#d62728", 2, False),
}
LEGEND = (("train_loss", "training (smoothed)"), ("validation_loss", "validation (subset)"))
LEGEND_COLUMN_PX = 175  # a legend entry's width: a narrow panel puts the entries on more rows
PREVIOUS_PEN = pg.mkPen(QColor(120, 120, 120, 90), width=1)
RAW_ALPHA = 60  # the raw values behind a smoothed curve


class CurvesPanel(CurvesReadoutMixin, CurvesExportMixin, QWidget):
    """Loss (top) and error (bottom) against fractional epochs, x axes linked."""

    series_specs = SERIES

    def __init__(self, parent=None):
        super().__init__(parent)
        self.current = {name: Series() for name in SERIES}
        self.previous = {name: Series(16) for name in SERIES}
        self.smoothed = {}  # Series -> its Smoothed values (training series of both runs)
        self._batch_errors = BatchErrors()
        self._offset = 0.0  # epochs of earlier runs that this (continued) run extends
        self._last_x = 0.0
        self._batches_per_epoch = None
        self._drawn = {}  # curve -> (series, size) it last showed; reset when buffers restart
        self._in_view, self._stale = True, False  # out of view (a tab behind, closed): no redraws
        self._epoch_ends = []  # x of each epoch mark
        self._timer = QTimer(self, singleShot=True, interval=REDRAW_MS, timeout=self._redraw_live)
        self._redraw_cost_ms = None  # what a redraw and its paints take (averaged): sets the next wait
        self._build_plots()
        self._build_controls()
        self.ranges = RangeFollower(self.plots, self._shown_data, FLOORS, self)

    def _build_plots(self):
        self.graphics = TimedGraphicsLayout()
        self.graphics.setBackground("w")
        self.legend = pg.LegendItem(offset=None, colCount=3, labelTextColor="#222")  # above, not on, the data
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
        self.cursors = {kind: pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888", width=1))
                        for kind in self.plots}
        for kind, line in self.cursors.items():
            line.hide()
            self.plots[kind].addItem(line, ignoreBounds=True)
        self.graphics.scene().sigMouseMoved.connect(self._show_values_at)
        self.graphics.sig_mouse_left.connect(self.hide_values)
        self.graphics.sig_resizing.connect(self._fit_legend)
        self.graphics.scene().contextMenu = []  # pyqtgraph's own "Export..." dialog: ours instead
        self._add_export_actions(self.graphics.scene().contextMenu)

    def _add_curves(self):
        """Each series' curve, its previous run's behind it, and a smoothed one's raw values faint."""
        self.curves, self.previous_curves, self.raw_curves = {}, {}, {}
        for name, (kind, _label, colour, width, smoothed) in SERIES.items():
            self.previous_curves[name] = self.plots[kind].plot(pen=PREVIOUS_PEN, connect="finite")
            if smoothed:  # context, not data to fit: the view ranges follow the smoothed curve
                faint = QColor(colour)
                faint.setAlpha(RAW_ALPHA)
                self.raw_curves[name] = pg.PlotDataItem(pen=pg.mkPen(faint, width=1), connect="finite")
                self.plots[kind].addItem(self.raw_curves[name], ignoreBounds=True)
            self.curves[name] = self.plots[kind].plot(pen=pg.mkPen(colour, width=width), connect="finite")
        for name, text in LEGEND:
            self.legend.addItem(self.curves[name], text)

    def _build_controls(self):
        self.values_label = ReadoutLabel()
        self.smoothing = QSlider(Qt.Horizontal, minimum=0, maximum=999, value=round(1000 * SMOOTHING),
                                 minimumWidth=50, maximumWidth=120,
                                 toolTip="Smoothing of the training curves, as in TensorBoard: "
                                 "0 shows each batch, 0.999 a long moving average")
        self.smoothing_value = QLabel(f"{SMOOTHING:.3f}")
        self.smoothing.valueChanged.connect(self._smoothing_changed)
        self.show_previous = QCheckBox("Previous run", checked=True)
        self.show_previous.setToolTip("Show the last finished run dimmed in grey for comparison")
        self.show_previous.toggled.connect(self._set_previous_visible)
        export = QToolButton(text="Export ▾", popupMode=QToolButton.InstantPopup)
        export.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        export.setToolTip("Save the curves as a PNG or SVG picture, or their numbers as CSV")
        export.setMenu(QMenu(export))
        self._add_export_actions(export.menu())
        top = QHBoxLayout()
        top.addWidget(QLabel("Smoothing"))
        top.addWidget(self.smoothing)
        top.addWidget(self.smoothing_value)
        top.addWidget(self.show_previous)
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
    def start_run(self, continued=False, planned_epochs=None):
        """A continued run extends the curves; a new one keeps the last run dimmed behind it.

        ``planned_epochs`` (if known) fixes the x range for the whole run at once.
        """
        if continued:
            self._offset = self._last_x
            self._batch_errors.restart()  # the engine counts samples from 0 again
        else:
            if self.current["train_loss"].size or self.current["validation_loss"].size:
                self.previous = {name: series.copy() for name, series in self.current.items()}
            for series in self.current.values():
                series.clear()
            self._batch_errors.restart()
            self.smoothed = {}  # the cleared buffers start again
            self._remove_epoch_marks()
            self._offset = self._last_x = 0.0
            self._drawn = {}
        self.ranges.start(None if planned_epochs is None else self._offset + planned_epochs)
        self._mark_dirty()

    def add_batch(self, report):
        self.add_batches([report])

    def add_batches(self, reports):
        """Batch reports in order (the window passes the bundles they cross threads in).

        Each batch's own error is kept, not the engine's running one (which restarts each epoch).
        """
        self._batches_per_epoch = reports[-1].batches_per_epoch
        x = [self._position(report.epoch, report.batch) for report in reports]
        self.current["train_loss"].extend(x, [report.loss for report in reports])
        self.current["train_error"].extend(x, [self._batch_errors.error_of(report) for report in reports])
        self._last_x = max(self._last_x, x[-1])
        self._mark_dirty()

    def add_evaluation(self, report):
        x = self._position(report.epoch, report.batch)
        self.current["validation_loss"].append(x, report.validation_loss)
        self.current["validation_error"].append(x, report.validation_error)
        self._last_x = max(self._last_x, x)
        self._mark_dirty()

    def add_epoch(self, report):
        """An epoch mark: a dotted vertical line at the end of the epoch."""
        x = self._offset + report.epoch
        self.ranges.end_of_epoch(self._offset + report.epochs)
        self._epoch_ends.append(x)  # drawn with the next redraw, not a repaint of its own
        self._last_x = max(self._last_x, x)
        self._mark_dirty()

    def end_run(self):
        """The run ended: draw what is left and let pyqtgraph fit the finished curves."""
        self._timer.stop()
        self._stale = False
        self._push_data()
        self.ranges.fit()

    def clear(self):
        for series in (*self.current.values(), *self.previous.values()):
            series.clear()
        self.smoothed = {}
        self._batch_errors.restart()
        self._remove_epoch_marks()
        self._offset = self._last_x = 0.0
        self._drawn = {}
        self.ranges.planned_end = None
        self._mark_dirty()

    def _position(self, epoch, batch):
        """Fractional epochs since the first run of these curves."""
        if not self._batches_per_epoch:
            return self._offset + epoch
        return self._offset + epoch - 1 + batch / self._batches_per_epoch

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
        weight = self.smoothing_weight
        for name, (kind, _label, _colour, _width, smoothed) in SERIES.items():
            for series, curve in ((self.current[name], self.curves[name]),
                                  (self.previous[name], self.previous_curves[name])):
                if self._drawn.get(curve) != (series, series.size):  # only curves that grew
                    y = self._smoothed(series).of(series, weight) if smoothed else series.y
                    curve.setData(series.x.copy(), for_log_axis(y, FLOORS[kind]))
                    self._drawn[curve] = (series, series.size)
            raw = self.raw_curves.get(name)
            if raw is not None:
                self._push_raw(raw, self.current[name], kind, weight > 0)
        for marks in self.epoch_marks.values():
            if marks.positions != self._epoch_ends:
                marks.set_positions(self._epoch_ends)
        self._update_previous_legend()

    def _push_raw(self, curve, series, kind, shown):
        """The raw values, faint behind their smoothed curve (none without smoothing)."""
        curve.setVisible(shown)
        if shown and self._drawn.get(curve) != (series, series.size):
            positive = np.where(series.y > 0, series.y, np.nan)  # a perfect batch is a gap, not a spike
            curve.setData(series.x.copy(), for_log_axis(positive, FLOORS[kind]))
            self._drawn[curve] = (series, series.size)

    def _smoothed(self, series):
        if series not in self.smoothed:
            self.smoothed = {s: v for s, v in self.smoothed.items()
                             if any(s is run[n] for run in (self.current, self.previous) for n in run)}
            self.smoothed[series] = Smoothed()
        return self.smoothed[series]

    def _shown_data(self):
        """For the ranges: [(series, plot kind)] on show (previous run too if shown), last x, run start."""
        runs = [self.current, self.previous] if self.show_previous.isChecked() else [self.current]
        weight = self.smoothing_weight
        shown = [(Values(run[name].x, self._smoothed(run[name]).of(run[name], weight)) if spec[4] else run[name],
                  spec[0]) for run in runs for name, spec in SERIES.items()]  # what is drawn, as drawn
        return shown, self._last_x, self._offset

    def _update_previous_legend(self):
        has_previous = self.previous["train_loss"].size > 0 and self.show_previous.isChecked()
        listed = any(label.text == "previous run" for _item, label in self.legend.items)
        if has_previous and not listed:
            self.legend.addItem(self.previous_curves["train_loss"], "previous run")
            cache_pixmaps(self.legend, True)
        elif listed and not has_previous:
            self.legend.removeItem("previous run")

    def _set_previous_visible(self, visible):
        for curve in self.previous_curves.values():
            curve.setVisible(visible)
        self._update_previous_legend()


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
