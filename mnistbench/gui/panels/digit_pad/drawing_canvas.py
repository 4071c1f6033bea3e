"""A square canvas to write a digit on with mouse or pen: white ink on black, like MNIST.

The drawing is a list of strokes over an optional background (a loaded image),
so undo removes whole strokes and redraws the rest. Pixels are kept in a
Grayscale8 QImage of ``side`` logical pixels, whatever room the dock gives: it
is shown as the largest square that fits (never under ``MIN_SIDE``) and the
mouse is mapped back, so strokes, brush sizes and boxes stay in image pixels.
`pixels()` hands them out as a uint8 (side, side) array for preprocessing.
"""

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mnistbench.gui.widgets.palette import NEUTRAL

SIDE = 280  # image pixels: ten canvas pixels per MNIST pixel
MIN_SIDE = 150  # px on screen: smaller is hard to write on
INK, PAPER = QColor(*NEUTRAL.ink), QColor(*NEUTRAL.paper)
BOX_COLOUR = QColor(*NEUTRAL.answer)  # the boxes of digits read as a number


@dataclass
class Stroke:
    width: float  # brush diameter in canvas pixels at full pressure
    erase: bool
    points: list = field(default_factory=list)  # (QPointF, pressure in 0..1)


class DrawingCanvas(QWidget):
    """Draw with the left button or a pen; each change emits sig_drawing_changed."""

    sig_drawing_changed = Signal()  # ink was added or removed (payload: none; read pixels())
    sig_stroke_finished = Signal()  # the pen or mouse button went up

    def __init__(self, side=SIDE, parent=None):
        super().__init__(parent)
        self._side = side
        self.setMinimumSize(MIN_SIDE, MIN_SIDE)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setCursor(Qt.CrossCursor)
        self.brush_size = 22.0
        self.eraser = False
        self._strokes = []
        self._background = None  # QImage (Grayscale8, side x side) or None
        self._image = QImage(side, side, QImage.Format_Grayscale8)
        self._drawing = False
        self._boxes = []  # ((top, left, bottom, right), caption) shown over the drawing, not part of it
        self._redraw()

    def sizeHint(self):
        return QSize(self._side, self._side)

    def drawing_side(self) -> int:
        """On-screen px of the square the drawing is shown in."""
        return min(self.width(), self.height())

    def _square(self):
        """(x0, y0, scale): screen = image * scale + (x0, y0), the drawing centred in the widget."""
        side = self.drawing_side()
        return (self.width() - side) / 2, (self.height() - side) / 2, side / self._side

    def _to_image(self, position):
        x0, y0, scale = self._square()
        return QPointF((position.x() - x0) / scale, (position.y() - y0) / scale)

    # --- what the canvas holds ----------------------------------------------
    def pixels(self):
        """uint8 (side, side): 0 paper, 255 full ink."""
        width, height = self._image.width(), self._image.height()
        buffer = np.frombuffer(self._image.constBits(), dtype=np.uint8)
        return buffer.reshape(height, self._image.bytesPerLine())[:, :width].copy()

    def is_empty(self):
        return not self._strokes and self._background is None

    def stroke_count(self):
        return len(self._strokes)

    def set_background(self, ink):
        """Start over from an image: uint8 (h, w) white ink on black, fitted into the central 5/7."""
        height, width = ink.shape
        source = QImage(np.ascontiguousarray(ink).tobytes(), width, height, width,
                        QImage.Format_Grayscale8).copy()
        side = self._side
        box = round(side * 5 / 7)  # where MNIST's 20 of 28 pixels would be
        scaled = source.scaled(box, box, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        self._background = QImage(side, side, QImage.Format_Grayscale8)
        self._background.fill(PAPER)
        painter = QPainter(self._background)
        painter.drawImage((side - scaled.width()) // 2, (side - scaled.height()) // 2, scaled)
        painter.end()
        self._strokes.clear()
        self._redraw()

    def set_boxes(self, boxes):
        """Show [(box (top, left, bottom, right) in canvas pixels, caption), ...] over the drawing."""
        if boxes != self._boxes:
            self._boxes = list(boxes)
            self.update()

    def undo(self):
        """Remove the last stroke (a loaded background stays)."""
        if self._strokes:
            self._strokes.pop()
            self._redraw()

    def clear(self):
        """Remove every stroke and the background."""
        if not self.is_empty():
            self._strokes.clear()
            self._background = None
            self._redraw()

    # --- painting -----------------------------------------------------------
    def _redraw(self):
        self._image.fill(PAPER)
        painter = QPainter(self._image)
        if self._background is not None:
            painter.drawImage(0, 0, self._background)
        painter.end()
        for stroke in self._strokes:
            for i in range(len(stroke.points)):
                self._paint_segment(stroke, i)
        self.update()
        self.sig_drawing_changed.emit()

    def _paint_segment(self, stroke, i):
        """Paint stroke.points[i], joined to the point before it (a dot when it is the first)."""
        point, pressure = stroke.points[i]
        previous = stroke.points[i - 1][0] if i else point
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.Antialiasing)
        pen = QPen(PAPER if stroke.erase else INK, max(1.0, stroke.width * pressure))
        pen.setCapStyle(Qt.RoundCap)
        pen.setJoinStyle(Qt.RoundJoin)
        painter.setPen(pen)
        painter.drawLine(previous, point)
        painter.end()

    def paintEvent(self, event):
        x0, y0, scale = self._square()
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.Window))  # around the square (opaque widget)
        painter.setRenderHint(QPainter.SmoothPixmapTransform)
        painter.drawImage(QRectF(x0, y0, self._side * scale, self._side * scale), self._image)
        painter.setPen(BOX_COLOUR)
        for (top, left, bottom, right), caption in self._boxes:
            painter.drawRect(QRectF(x0 + left * scale, y0 + top * scale, (right - left) * scale,
                                    (bottom - top) * scale))
            painter.drawText(QPointF(x0 + left * scale + 2, y0 + max(12, top * scale - 3)), caption)
        painter.end()

    # --- input --------------------------------------------------------------
    def _begin(self, position, pressure):
        self._strokes.append(Stroke(self.brush_size, self.eraser))
        self._drawing = True
        self._extend(position, pressure)

    def _extend(self, position, pressure):
        stroke = self._strokes[-1]
        stroke.points.append((QPointF(position), float(pressure)))
        self._paint_segment(stroke, len(stroke.points) - 1)
        self.update()
        self.sig_drawing_changed.emit()

    def _end(self):
        if self._drawing:
            self._drawing = False
            self.sig_stroke_finished.emit()

    def mousePressEvent(self, event):
        if event.button() == Qt.LeftButton:
            self._begin(self._to_image(event.position()), 1.0)

    def mouseMoveEvent(self, event):
        if self._drawing and event.buttons() & Qt.LeftButton:
            self._extend(self._to_image(event.position()), 1.0)

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.LeftButton:
            self._end()

    def tabletEvent(self, event):
        """A pen: the stroke's width follows its pressure (never thinner than a third)."""
        pressure = 1 / 3 + 2 / 3 * event.pressure()
        kind = event.type()
        if kind == event.Type.TabletPress:
            self._begin(self._to_image(event.position()), pressure)
        elif kind == event.Type.TabletMove and self._drawing:
            self._extend(self._to_image(event.position()), pressure)
        elif kind == event.Type.TabletRelease:
            self._end()
        event.accept()
