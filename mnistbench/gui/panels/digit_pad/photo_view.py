"""An opened photo with the digits' boxes and readings; drag a rectangle to crop it by hand."""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from mnistbench.gui.widgets.digit_views import gray_qimage
from mnistbench.gui.widgets.palette import NEUTRAL

BOX_COLOUR = QColor(*NEUTRAL.answer)
CROP_COLOUR = QColor(*NEUTRAL.crop)
MIN_DRAG = 6  # px on screen: a shorter drag is a click, which clears the crop


class PhotoView(QWidget):
    """Shows an image scaled to fit; boxes and the crop are in the image's own pixels."""

    sig_crop_changed = Signal(object)  # (top, left, bottom, right) in image pixels, or None for no crop

    def __init__(self, width=280, height=210, parent=None):
        super().__init__(parent)
        self.setFixedSize(width, height)
        self.setCursor(Qt.CrossCursor)
        self.setToolTip("Drag a rectangle around the digit when the automatic choice is wrong; click to undo")
        self._pixmap = None
        self._image_shape = None  # (height, width) of the original image
        self._boxes = []  # (box (top, left, bottom, right), text)
        self._crop = None
        self._drag_start = None
        self._drag_now = None

    def set_image(self, gray, original_shape):
        """Show uint8 (h, w) `gray`, which stands for an image of `original_shape` (h, w); None hides it."""
        self._boxes, self._crop = [], None
        if gray is None:
            self._pixmap, self._image_shape = None, None
        else:
            self._pixmap = QPixmap.fromImage(gray_qimage(np.asarray(gray)))
            self._image_shape = tuple(original_shape[:2])
        self.update()

    def has_image(self):
        return self._pixmap is not None

    def set_boxes(self, boxes):
        """[(box in image pixels, caption), ...] drawn over the image."""
        self._boxes = list(boxes)
        self.update()

    def crop(self):
        return self._crop

    def set_crop(self, crop):
        """Set (or clear, with None) the crop rectangle in image pixels, and announce it."""
        self._crop = None if crop is None else tuple(int(v) for v in crop)
        self.update()
        self.sig_crop_changed.emit(self._crop)

    # --- geometry: image pixels <-> widget pixels ---------------------------
    def _frame(self):
        """(scale, x0, y0): widget = image * scale + offset, the image fitted and centred."""
        height, width = self._image_shape
        scale = min(self.width() / width, self.height() / height)
        return scale, (self.width() - width * scale) / 2, (self.height() - height * scale) / 2

    def _to_widget(self, box):
        scale, x0, y0 = self._frame()
        top, left, bottom, right = box
        return QRectF(x0 + left * scale, y0 + top * scale, (right - left) * scale, (bottom - top) * scale)

    def _to_image(self, point):
        scale, x0, y0 = self._frame()
        height, width = self._image_shape
        return (min(max((point.y() - y0) / scale, 0), height), min(max((point.x() - x0) / scale, 0), width))

    # --- painting and dragging ----------------------------------------------
    def paintEvent(self, event):
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(*NEUTRAL.paper))
        if self._pixmap is not None:
            painter.drawPixmap(self._to_widget((0, 0) + self._image_shape), self._pixmap, QRectF(self._pixmap.rect()))
            painter.setPen(QPen(BOX_COLOUR, 2))
            for box, caption in self._boxes:
                rect = self._to_widget(box)
                painter.drawRect(rect)
                painter.drawText(rect.topLeft() + QPointF(2, -3), caption)
            crop = self._crop
            if self._drag_start is not None and self._drag_now is not None:
                (y0, x0), (y1, x1) = self._to_image(self._drag_start), self._to_image(self._drag_now)
                crop = (min(y0, y1), min(x0, x1), max(y0, y1), max(x0, x1))
            if crop is not None:
                painter.setPen(QPen(CROP_COLOUR, 2, Qt.DashLine))
                painter.drawRect(self._to_widget(crop))
        painter.end()

    def mousePressEvent(self, event):
        if event.button() == Qt.LeftButton and self._pixmap is not None:
            self._drag_start = self._drag_now = event.position()

    def mouseMoveEvent(self, event):
        if self._drag_start is not None:
            self._drag_now = event.position()
            self.update()

    def mouseReleaseEvent(self, event):
        if event.button() != Qt.LeftButton or self._drag_start is None:
            return
        start, end = self._drag_start, event.position()
        self._drag_start = self._drag_now = None
        if abs(end.x() - start.x()) < MIN_DRAG or abs(end.y() - start.y()) < MIN_DRAG:
            self.set_crop(None)
            return
        (y0, x0), (y1, x1) = self._to_image(start), self._to_image(end)
        self.set_crop((min(y0, y1), min(x0, x1), max(y0, y1), max(x0, x1)))
