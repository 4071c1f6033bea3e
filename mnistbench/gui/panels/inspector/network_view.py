"""The inspector's drawing view: zoom with the wheel, pan by dragging, fitted until the user zooms."""

import logging

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsView

from mnistbench.gui.widgets.file_drops import accept_file_drag, local_paths

logger = logging.getLogger(__name__)
ZOOM_LIMITS = (0.05, 40.0)
TEXT_GROWTH = 2.2  # largest enlargement of titles and output labels when zoomed out


class NetworkView(QGraphicsView):
    """Zoom with the wheel, pan by dragging; stays fitted to the window until the user zooms.

    Files dropped on the drawing are passed on (``sig_files_dropped``): the
    scene has no item that takes them, and QGraphicsView would refuse them.
    """

    sig_files_dropped = Signal(list)  # local paths dropped on the drawing

    def __init__(self, scene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.SmartViewportUpdate)
        self.fitted = True  # refit on resize until the user zooms

    def zoom(self, factor):
        current = self.transform().m11()
        factor = float(np.clip(current * factor, *ZOOM_LIMITS)) / current
        self.scale(factor, factor)
        self.fitted = False
        self._keep_text_readable()

    def fit(self):
        """Show the whole network."""
        self.fitInView(self.sceneRect(), Qt.KeepAspectRatio)
        self.fitted = True
        self._keep_text_readable()

    def text_scale(self):
        """How much the main labels grow at this zoom: up to TEXT_GROWTH, so they stay about 80 % of their size."""
        return float(np.clip(0.8 / self.transform().m11(), 1.0, TEXT_GROWTH))

    def _keep_text_readable(self):
        self.scene().set_text_scale(self.text_scale())

    def wheelEvent(self, event):
        self.zoom(1.0015 ** event.angleDelta().y())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self.fitted:
            self.fit()

    # --- drag and drop: an exception escaping here can kill the process ------
    def dragEnterEvent(self, event):
        accept_file_drag(event)

    def dragMoveEvent(self, event):
        self.dragEnterEvent(event)

    def dropEvent(self, event):
        try:
            paths = local_paths(event)
            event.acceptProposedAction()
            if paths:
                self.sig_files_dropped.emit(paths)
            else:
                logger.warning("dropped something that is not a local file or folder")
        except Exception:  # noqa: BLE001 — a drop must never crash the workbench
            logger.exception("drop refused by the inspector")
