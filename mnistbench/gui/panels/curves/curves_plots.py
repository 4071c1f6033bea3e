"""The curves panel's widgets: the loss and error plots with their legend, curves, epoch marks and
crosshair lines, and the controls above them (smoothing, x axis, Export).

A mixin of CurvesPanel, which calls ``_build_plots`` then ``_build_controls`` once; the curves
are created here once and only fed with ``setData`` afterwards (curves_drawing).
"""

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QFontMetricsF
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QMenu, QSizePolicy, QSlider, QToolButton,
                               QVBoxLayout)

from mnistbench.gui.panels.curves.curves_ranges import EpochMarks, LogAxis, TimedGraphicsLayout, style_plot
from mnistbench.gui.panels.curves.curves_readout import ReadoutLabel
from mnistbench.gui.panels.curves.run_curves import AXES
from mnistbench.gui.widgets.palette import NEUTRAL

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
LEGEND_SAMPLE_PX = 60  # an entry's line sample and margins, beside its label
RAW_ALPHA = 60  # the raw values behind a smoothed curve


class CurvesPlotsMixin:
    """Of CurvesPanel: builds ``graphics``, ``legend``, ``plots``, ``curves``, ``raw_curves``,
    ``epoch_marks``, ``cursors`` and the controls; needs the panel's hover, export and run slots."""

    def _build_plots(self):
        self.graphics = TimedGraphicsLayout()
        self.graphics.setBackground("w")
        self.legend = pg.LegendItem(offset=None, colCount=3, labelTextColor=NEUTRAL.plot_text)  # above the data
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

    def _fit_legend(self, width=None):
        """As many legend columns as the plots' width holds: the legend never spills past them.

        A column is as wide as the widest entry (a run labelled by several settings is long).
        """
        width = self.graphics.width() if width is None else width
        widest = max((QFontMetricsF(label.item.font()).horizontalAdvance(label.text)
                      for _sample, label in self.legend.items), default=0)
        entry = int(widest) + LEGEND_SAMPLE_PX
        columns = max(1, min(3, width // max(LEGEND_COLUMN_PX, entry)))
        wrap = max(60, width - LEGEND_SAMPLE_PX) if entry > width else -1  # -1: one line, as long as it is
        for _sample, label in self.legend.items:
            if label.item.textWidth() != wrap:  # only when it changes: each change repaints the label
                label.item.setTextWidth(wrap)
                label.updateMin()
                label.item.update()
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
