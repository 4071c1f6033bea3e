"""Exporting the curves panel: PNG, SVG and CSV, from its Export button, the plots' own menu
and the window's File menu (``export_*_dialog``).

A mixin of CurvesPanel (which has ``graphics``, ``plots``, ``cursors``, the
``current`` and ``previous`` series and ``redraw``); kept apart so the panel
module is the live drawing.
"""

import logging

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 (pg.exporters)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from mnistbench.gui.panels.curves.curves_data import write_curves_csv, write_view_svg
from mnistbench.gui.panels.curves.curves_ranges import cache_pixmaps

logger = logging.getLogger(__name__)


class CurvesExportMixin:
    def _add_export_actions(self, menu):
        """Export entries for the Export button and the plots' own context menu (a list)."""
        for text, ask_and_export in (("Export PNG…", self.export_png_dialog),
                                     ("Export SVG…", self.export_svg_dialog),
                                     ("Export CSV…", self.export_csv_dialog)):
            action = QAction(text, self)
            action.triggered.connect(lambda _=False, run=ask_and_export: run())
            menu.append(action) if isinstance(menu, list) else menu.addAction(action)

    def export_png_dialog(self) -> bool:
        """Ask for a file name, then export; the window's File menu calls these three too."""
        return self._export_with_dialog(self.export_png, "PNG image (*.png)")

    def export_svg_dialog(self) -> bool:
        return self._export_with_dialog(self.export_svg, "SVG drawing (*.svg)")

    def export_csv_dialog(self) -> bool:
        return self._export_with_dialog(self.export_csv, "CSV table (*.csv)")

    def export_png(self, path):
        self._ensure_size()
        pg.exporters.ImageExporter(self.graphics.scene()).export(str(path))

    def export_svg(self, path):
        """Axes and legends painted as vectors, not from their pixmap caches."""
        self._ensure_size()
        self._set_pixmap_caches(False)
        try:
            write_view_svg(self.graphics, path, "mnistbench training curves")
        finally:
            self._set_pixmap_caches(True)

    def _set_pixmap_caches(self, enabled):
        for plot in self.plots.values():
            for item in (plot.legend, plot.getAxis("left"), plot.getAxis("bottom")):
                cache_pixmaps(item, enabled)

    def _ensure_size(self):
        """Before an export: curves up to date, no crosshair, a real size even if never shown."""
        self.redraw()
        for line in self.cursors.values():
            line.hide()
        if self.graphics.width() < 50 or self.graphics.height() < 50:
            self.graphics.resize(800, 500)  # never shown yet: give the picture a size

    def export_csv(self, path):
        columns = ["epoch_position", *self.current, "run"]
        write_curves_csv(path, [("previous", self.previous), ("current", self.current)], columns)

    def _export_with_dialog(self, export, pattern) -> bool:
        """True when a file was written; a refused file is one log line."""
        path, _ = QFileDialog.getSaveFileName(self, "Export curves", "", pattern)
        if not path:
            return False
        try:
            export(path)
        except OSError as error:
            logger.error("%s: could not export the curves (%s)", path, error.strerror or error)
            return False
        logger.info("exported the curves to %s", path, extra={"success": True})
        return True
