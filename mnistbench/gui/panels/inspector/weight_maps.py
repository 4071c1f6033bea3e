"""Colour maps for the inspector, and the gallery of first-layer weight maps.

A first-layer neuron has one weight per input pixel, so its 784 weights form
a 28x28 picture of what it looks for. The gallery paints every such picture
into ONE image (a grid of maps) so hundreds of neurons cost one blit.
Colours: the palette's positive and negative (green/red, or blue/orange when
colour-blind safe), black zero — the same as the connections in the drawing.
"""

import math
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.palette import NEUTRAL

SIDE = 28  # an MNIST image is 28x28 pixels
GAP = 2  # pixels between maps in the gallery image
GAP_COLOUR = NEUTRAL.gap


def signed_colours():
    """(positive, negative) of the palette in use, float32 (3,) each."""
    colours = palette.current()
    return np.array(colours.positive, np.float32), np.array(colours.negative, np.float32)


@lru_cache(maxsize=4)
def _diverging_table(positive, negative):
    """511 colours from full negative through black to full positive (a lookup beats per-pixel maths)."""
    t = np.linspace(-1.0, 1.0, 511, dtype=np.float32)[:, None]
    table = np.where(t >= 0, t * np.float32(positive), -t * np.float32(negative)).round().astype(np.uint8)
    table.flags.writeable = False
    return table


def diverging_rgb(values, scale=None):
    """Values -> uint8 (..., 3): black at 0, the palette's positive up to +scale, negative down to -scale."""
    values = np.asarray(values, dtype=np.float32)
    if scale is None:
        scale = float(np.max(np.abs(values))) if values.size else 1.0
    index = np.clip(values * np.float32(255.0 / max(scale, 1e-12)) + np.float32(255.5), 0, 510)
    colours = palette.current()
    return _diverging_table(colours.positive, colours.negative)[index.astype(np.intp)]


def weight_qcolor(weight, scale, alpha=255):
    """One weight as a QColor on a dark background (for pens and table cells)."""
    r, g, b = diverging_rgb(np.array([weight]), scale)[0]
    return QColor(int(r), int(g), int(b), alpha)


def rgb_image(rgb):
    """uint8 (h, w, 3) -> a QImage that owns its pixels."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format_RGB888).copy()


MAX_MAPS = 1024  # maps drawn at most: 65,535 took seconds and a 177 MB image, too small to see anyway


def grid_columns(count):
    """How many maps per row make a roughly square grid."""
    return max(1, math.ceil(math.sqrt(count)))


def weight_grid_rgb(weights):
    """weights (n, 784) -> uint8 (H, W, 3): one 28x28 map per neuron, each scaled to its own range."""
    count = len(weights)
    cols = grid_columns(count)
    rows = -(-count // cols)
    step = SIDE + GAP
    scale = np.maximum(np.abs(weights).max(axis=1), 1e-12)
    cells = np.empty((rows * cols, step, step, 3), dtype=np.uint8)
    cells[:] = GAP_COLOUR
    cells[:count, :SIDE, :SIDE] = diverging_rgb(weights / scale[:, None], 1.0).reshape(count, SIDE, SIDE, 3)
    grid = cells.reshape(rows, cols, step, step, 3).transpose(0, 2, 1, 3, 4).reshape(rows * step, cols * step, 3)
    return np.ascontiguousarray(grid[:-GAP, :-GAP])


class WeightMapGallery(QWidget):
    """Every first-layer neuron's weight map in one grid; a click picks a neuron."""

    sig_map_clicked = Signal(int)  # index of the first-layer neuron whose map was clicked

    def __init__(self, parent=None):
        super().__init__(parent)
        self._image, self._pending = QImage(), None  # the grid image is made when first painted
        self._count = self._total = 0  # maps drawn, first-layer neurons
        self._selected = -1
        self.tile = 0  # pixels per 28x28 map; 0: the maps fill the tab
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setToolTip("What each first-layer neuron looks for: weights in the positive colour excite "
                        "it, those in the negative colour inhibit it. Click a map to inspect that neuron.")

    @property
    def map_count(self):
        return self._count

    def set_weights(self, weights):
        """First-layer weights (n, 784); anything else (no 28x28 input) empties the gallery.

        Only remembered here: the image is made when the gallery is next painted,
        so a hidden gallery costs nothing per epoch while training runs.
        """
        weights = np.asarray(weights)
        valid = weights.ndim == 2 and weights.shape[1] == SIDE * SIDE and len(weights) > 0
        self._total = len(weights) if valid else 0
        self._image, self._pending = QImage(), (
            np.asarray(weights[:MAX_MAPS], dtype=np.float32) if valid else None)  # seconds for 65,535
        self._count = min(self._total, MAX_MAPS)
        self._selected = self._selected if self._selected < self._count else -1
        self._apply_tile()

    def set_tile_size(self, pixels):
        """Draw each map ``pixels`` wide (the tab scrolls), or 0 to fit them all in the tab."""
        self.tile = max(0, int(pixels))
        self._apply_tile()

    def _apply_tile(self):
        if self.tile and self._count:
            cols = grid_columns(self._count)
            rows = -(-self._count // cols)
            factor = self.tile / SIDE
            self.setMinimumSize(round((cols * (SIDE + GAP) - GAP) * factor),
                                round((rows * (SIDE + GAP) - GAP) * factor))
        else:
            self.setMinimumSize(120, 120)
        self.updateGeometry()
        self.update()

    def map_side(self):
        """Pixels of one map as drawn now."""
        target = self._target()
        return 0 if target.isNull() else round(SIDE * target.width() / self._image.width())

    def set_selected(self, index):
        """Outline one map (-1 for none)."""
        self._selected = index if 0 <= index < self._count else -1
        self.update()

    def image(self):
        """The grid of all maps (made now if the weights changed since the last paint)."""
        if self._pending is not None:
            self._image, self._pending = rgb_image(weight_grid_rgb(self._pending)), None
        return self._image

    def sizeHint(self):
        return QSize(260, 260)

    def _target(self):
        """Where the grid image is drawn: as large as fits, aspect kept, at the top."""
        if self.image().isNull():
            return QRect()
        size = self._image.size().scaled(self.size(), Qt.KeepAspectRatio)
        return QRect(QPoint((self.width() - size.width()) // 2, 0), size)  # top-aligned

    def map_rect(self, index):
        """The widget rectangle of one map (for tests and the selection outline)."""
        target, cols = self._target(), grid_columns(self._count)
        factor = target.width() / self._image.width()
        row, col = divmod(index, cols)
        step = (SIDE + GAP) * factor
        return QRect(round(target.x() + col * step), round(target.y() + row * step),
                     round(SIDE * factor), round(SIDE * factor))

    def index_at(self, pos):
        """The map under a widget position, or -1."""
        target = self._target()
        if target.isNull() or not target.contains(pos):
            return -1
        factor = target.width() / self._image.width()
        col = int((pos.x() - target.x()) / factor) // (SIDE + GAP)
        row = int((pos.y() - target.y()) / factor) // (SIDE + GAP)
        index = row * grid_columns(self._count) + col
        return index if index < self._count else -1

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(*GAP_COLOUR))
        if self.image().isNull():
            painter.setPen(QColor(*NEUTRAL.text_on_dark))
            painter.drawText(self.rect(), Qt.AlignCenter | Qt.TextWordWrap,
                             "No weight maps: the network's input is not a 28x28 image.")
            return
        painter.drawImage(self._target(), self._image)
        if self._total > self._count:
            painter.setPen(QColor(*NEUTRAL.text_on_dark))
            painter.drawText(self.rect(), Qt.AlignBottom | Qt.AlignHCenter | Qt.TextWordWrap,
                             f"The first {self._count:,} of {self._total:,} neurons' maps")
        if self._selected >= 0:
            painter.setPen(QPen(QColor(*NEUTRAL.selection), 2))
            painter.drawRect(self.map_rect(self._selected).adjusted(-1, -1, 1, 1))

    def mousePressEvent(self, event):
        index = self.index_at(event.position().toPoint())
        if event.button() == Qt.LeftButton and index >= 0:
            self.set_selected(index)
            self.sig_map_clicked.emit(index)

    def event(self, event):
        """Hover tooltip names the neuron under the mouse."""
        if event.type() == event.Type.ToolTip:
            index = self.index_at(event.pos())
            if index >= 0:
                QToolTip.showText(event.globalPos(), f"first-layer neuron {index}: click to inspect", self)
                return True
        return super().event(event)
