"""Exporting the curves panel: PNG, SVG and CSV, from its Export button, the plots' own menu
and the window's File menu (``export_*_dialog``), all through the workbench's export helper.

A mixin of CurvesPanel (which has ``graphics``, ``plots``, ``legend``, ``cursors``,
``shown_runs`` and ``redraw``); kept apart so the panel
module is the live drawing.
"""

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction

from mnistbench.gui.panels.curves.curves_data import clip_polyline, write_curves_csv
from mnistbench.gui.panels.curves.curves_ranges import cache_pixmaps
from mnistbench.gui.widgets.export_dialog import ExportFormat, ExportSource, export_file
from mnistbench.gui.widgets.export_pictures import PngOptions, PngOptionsDialog, write_png, write_svg

WHAT = "training curves"


class CurvesExportMixin:
    export_source = ExportSource()  # the network and run: names the files, titles the pictures

    def set_export_source(self, source: ExportSource) -> None:
        self.export_source = source

    def _add_export_actions(self, menu):
        """Export entries for the Export button and the plots' own context menu (a list)."""
        for text, ask_and_export in (("Export PNG…", self.export_png_dialog),
                                     ("Export SVG…", self.export_svg_dialog),
                                     ("Export CSV…", self.export_csv_dialog)):
            action = QAction(text, self)
            action.triggered.connect(lambda _=False, run=ask_and_export: run())
            menu.append(action) if isinstance(menu, list) else menu.addAction(action)

    def export_png_dialog(self) -> bool:
        """Ask for a file name (and the PNG's size), then export; the File menu calls these three too."""
        return export_file(self, WHAT, [ExportFormat("PNG image", ".png", self._ask_and_export_png)],
                           self.export_source) is not None

    def export_svg_dialog(self) -> bool:
        return export_file(self, WHAT, [ExportFormat("SVG drawing", ".svg", self.export_svg)],
                           self.export_source) is not None

    def export_csv_dialog(self) -> bool:
        return export_file(self, WHAT, [ExportFormat("CSV table", ".csv", self.export_csv)],
                           self.export_source) is not None

    def _ask_and_export_png(self, path):
        self._ensure_size()
        options = PngOptionsDialog.ask(self, self._picture_size())
        if options is None:
            return False
        self.export_png(path, options)
        return True

    def export_png(self, path, options: PngOptions = None):
        """The plots as on screen, titled; ``options`` default to the on-screen size at 96 dpi."""
        self._ensure_size()
        size = self._picture_size()
        self._paint_picture(lambda: write_png(path, size, self._paint, self._title(),
                                              options or PngOptions(size.width(), 96)))

    def export_svg(self, path):
        """The plots as vectors (any SVG renderer draws them as Qt does), titled; curves cut to the plots."""
        self._ensure_size()
        size = self._picture_size()
        for plot in self.plots.values():  # the cut curves are drawn whole, as they are
            plot.setClipToView(False)
            plot.setDownsampling(False)
        drawn = self._clip_curves_to_views()
        try:
            self._paint_picture(lambda: write_svg(path, size, self._paint, self._title()))
        finally:
            for curve, (x, y) in drawn.items():
                curve.setData(x, y)
            for plot in self.plots.values():
                plot.setClipToView(True)
                plot.setDownsampling(auto=True, mode="peak")

    def _clip_curves_to_views(self):
        """Each shown curve cut to its plot's view (SVG has no clipping from Qt); {curve: its data}."""
        drawn = {}
        for kind, plot in self.plots.items():
            x_range, y_range = plot.vb.viewRange()  # y in decades: the axes are logarithmic
            for curve in plot.listDataItems():
                if curve.isVisible() and curve.xData is not None and len(curve.xData) > 1:
                    x, y = curve.xData, curve.yData
                    drawn[curve] = (x, y)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        cut_x, cut_y = clip_polyline(x, np.log10(y), x_range, y_range)
                    curve.setData(cut_x, 10.0 ** cut_y)
        return drawn

    def export_csv(self, path):
        """The raw values (not smoothed, not clipped for the log axes) of every run shown, by its label."""
        columns = ["epoch_position", "examples_seen", "seconds", *self.current, "run"]
        write_curves_csv(path, [(label, run) for label, _colour, run, _curves in self.shown_runs()], columns)

    def _title(self):
        return self.export_source.title("Training curves")

    def _picture_size(self) -> QSize:
        return self.graphics.viewport().size()

    def _paint(self, painter, target):
        view = self.graphics
        view.scene().render(painter, target, view.mapToScene(view.viewport().rect()).boundingRect())

    def _paint_picture(self, write):
        """Axes and legend painted afresh (not from their screen pixmaps), whatever the scale."""
        self._set_pixmap_caches(False)
        try:
            write()
        finally:
            self._set_pixmap_caches(True)

    def _set_pixmap_caches(self, enabled):
        cache_pixmaps(self.legend, enabled)
        for plot in self.plots.values():
            for item in (plot.getAxis("left"), plot.getAxis("bottom")):
                cache_pixmaps(item, enabled)

    def _ensure_size(self):
        """Before an export: curves up to date, no crosshair, a real size even if never shown."""
        self.redraw()
        for line in self.cursors.values():
            line.hide()
        if self.graphics.width() < 50 or self.graphics.height() < 50:
            self.graphics.resize(800, 500)  # never shown yet: give the picture a size
