"""Small views shared by the input panels: a digit image, probability bars, a saliency overlay.

Images arrive the way the engine holds them — (784,) or (28, 28), float in
[0, 1] or uint8 — and are shown pixel for pixel (nearest-neighbour scaling),
so what a user sees is exactly what the network gets.
"""

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from mnistbench.gui.widgets.palette import NEUTRAL, hex_of

HIGHLIGHT = QColor(*NEUTRAL.answer)  # the network's answer
BAR = QColor(*NEUTRAL.bar)  # every other class


def to_gray8(image):
    """(784,) or (H, W), float [0, 1] or uint8 -> uint8 (H, W); 784 values become 28x28."""
    image = np.asarray(image)
    if image.ndim == 1:
        side = int(round(np.sqrt(image.size)))
        image = image.reshape(side, side)
    if image.dtype != np.uint8:
        image = np.round(np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)
    return np.ascontiguousarray(image)


def gray_qimage(image):
    """A QImage (Grayscale8) that owns a copy of the pixels."""
    pixels = to_gray8(image)
    height, width = pixels.shape
    return QImage(pixels.tobytes(), width, height, width, QImage.Format_Grayscale8).copy()


def heat_overlay(background, heat):
    """Grey input with a black-red-yellow-white heat map on top: QImage RGB888.

    background: the input, (784,) or (28, 28) in [0, 1]; heat: same shape, any
    non-negative scale (normalised here so the strongest pixel is white-hot).
    """
    gray = to_gray8(background).astype(np.float64) / 255
    heat = np.asarray(heat, dtype=np.float64).reshape(gray.shape)
    heat = heat / heat.max() if heat.max() > 0 else heat
    hot = np.stack([np.clip(3 * heat, 0, 1), np.clip(3 * heat - 1, 0, 1), np.clip(3 * heat - 2, 0, 1)], -1)
    alpha = np.sqrt(heat)[..., None]
    rgb = (0.45 * gray[..., None] * (1 - alpha) + hot * alpha)
    pixels = np.ascontiguousarray(np.round(rgb * 255).astype(np.uint8))
    height, width = gray.shape
    return QImage(pixels.tobytes(), width, height, 3 * width, QImage.Format_RGB888).copy()


class DigitView(QLabel):
    """A 28x28 image shown large and sharp; `image()` gives back the uint8 pixels shown."""

    def __init__(self, side=140, tooltip="", parent=None):
        super().__init__(parent)
        self._side = side
        self._pixels = None
        self.setFixedSize(side + 2, side + 2)
        self.setAlignment(Qt.AlignCenter)
        self.setStyleSheet(f"background: {hex_of(NEUTRAL.paper)}; border: 1px solid {hex_of(NEUTRAL.frame)};")
        self.setToolTip(tooltip)

    def sizeHint(self):
        return QSize(self._side + 2, self._side + 2)

    def minimumSizeHint(self):
        return self.sizeHint()

    def set_image(self, image):
        """Show `image` ((784,) or (H, W)); None shows an empty black square."""
        if image is None:
            self._pixels = None
            self.clear()
            return
        self._pixels = to_gray8(image)
        self.set_qimage(gray_qimage(self._pixels))

    def set_qimage(self, qimage):
        """Show a ready-made QImage (e.g. a heat overlay), scaled without smoothing."""
        pixmap = QPixmap.fromImage(qimage).scaled(self._side, self._side, Qt.KeepAspectRatio,
                                                  Qt.FastTransformation)
        self.setPixmap(pixmap)

    def image(self):
        return self._pixels


class ProbabilityBars(QWidget):
    """One horizontal bar per class with its probability; the top class is highlighted."""

    def __init__(self, n_classes=10, parent=None):
        super().__init__(parent)
        self._probabilities = np.zeros(n_classes)
        self._names = [str(i) for i in range(n_classes)]
        self._known = False
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setToolTip("The network's output for each digit (probabilities sum to 1)")

    def set_probabilities(self, probabilities):
        """probabilities (n_classes,), or None to show empty bars."""
        self._known = probabilities is not None
        if self._known:
            self._probabilities = np.asarray(probabilities, dtype=np.float64).copy()
        self.update()

    def set_class_names(self, names):
        """Row labels (e.g. Fashion-MNIST's "Ankle boot"); None labels the rows 0, 1, …"""
        names = list(names) if names else [str(i) for i in range(len(self._probabilities))]
        self._names = names
        if len(names) != len(self._probabilities):
            self._probabilities, self._known = np.zeros(len(names)), False
        self.updateGeometry()
        self.update()

    def probabilities(self):
        return self._probabilities.copy() if self._known else None

    def sizeHint(self):
        return QSize(220, 20 * len(self._probabilities))

    def minimumSizeHint(self):
        return QSize(100, 14 * len(self._probabilities))

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        text = self.palette().color(QPalette.WindowText)
        rows = len(self._probabilities)
        row_height = self.height() / rows
        label_width = max(18, max(self.fontMetrics().horizontalAdvance(n) for n in self._names) + 6)
        value_width = 52
        bar_space = max(1.0, self.width() - label_width - value_width)
        top = int(self._probabilities.argmax()) if self._known else -1
        for i, p in enumerate(self._probabilities if self._known else np.zeros(rows)):
            y = i * row_height
            painter.setPen(text)
            name = self._names[i] if i < len(self._names) else str(i)
            painter.drawText(QRectF(0, y, label_width - 4, row_height), Qt.AlignRight | Qt.AlignVCenter, name)
            painter.setPen(Qt.NoPen)
            painter.setBrush(HIGHLIGHT if i == top else BAR)
            painter.drawRect(QRectF(label_width, y + 2, bar_space * float(p), row_height - 4))
            painter.setPen(HIGHLIGHT if i == top else text)
            value = f"{100 * p:.1f}%" if self._known else "–"
            painter.drawText(QRectF(label_width + bar_space, y, value_width, row_height),
                             Qt.AlignRight | Qt.AlignVCenter, value)
        painter.end()


def centred(widget):
    """An HBox holding `widget` in the middle: keeps fixed-size views from being squeezed."""
    row = QHBoxLayout()
    row.addStretch()
    row.addWidget(widget)
    row.addStretch()
    return row


def preview_network():
    """A network for a panel's stand-alone preview: the bundled best one, else a small random one."""
    from mnistbench.engine.network import Network
    from mnistbench.errors import MnistbenchError
    from mnistbench.netfile import BUNDLED_NETWORKS, load_network

    bundled = BUNDLED_NETWORKS / "best-mnist.nn"
    try:
        return load_network(bundled)
    except MnistbenchError:
        return Network([784, 64, 10], activation="relu", loss="cross_entropy", init="he", seed=0)
