"""The network drawing of the step-through view: each neuron coloured by its a or its δ at the current step.

The columns come from ``gui/widgets/network_layout`` (the inspector's layout),
so hit-testing a click is arithmetic. Items are built once per architecture
and only refilled per step. δ uses blue (negative) and orange (positive),
which colour-blind readers tell apart; activations are grey levels.
"""

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from mnistbench.gui.widgets.network_layout import activation_range, layout, levels
from mnistbench.gui.widgets.palette import NEUTRAL

BACKGROUND = QColor(*NEUTRAL.dark_background)
NOT_YET = np.array(NEUTRAL.not_yet, dtype=np.float32)  # a value not computed at this step
TEXT_PX = 13  # captions and class labels, in screen pixels at any zoom
TEXT_ROOM = (20, 15)  # scene units around the columns (the view adds the labels' room in pixels)
POSITIVE = np.array(NEUTRAL.delta_positive, dtype=np.float32)  # orange: δ > 0
NEGATIVE = np.array(NEUTRAL.delta_negative, dtype=np.float32)  # blue: δ < 0
CURRENT = QColor(*NEUTRAL.selection)  # the frame around the step's layer
SELECTED = QColor(*NEUTRAL.selected)


def value_colours(kind, values, activation_name):
    """uint8 (n, 3): grey levels for activations, blue/orange by δ's sign and size (scaled to the layer's max)."""
    if kind == "a":
        grey = levels(values, *activation_range(values, activation_name)) * 255
        return np.repeat(grey[:, None], 3, axis=1).astype(np.uint8)
    t = np.clip(values / max(float(np.max(np.abs(values))), 1e-12), -1, 1)[:, None]
    rgb = np.where(t >= 0, POSITIVE, NEGATIVE) * np.abs(t) + NOT_YET * (1 - np.abs(t))
    return rgb.round().astype(np.uint8)


class BackpropScene(QGraphicsScene):
    """Columns of neurons; ``show_values`` colours them, ``select`` rings one."""

    sig_neuron_clicked = Signal(int, int)  # (drawn layer, neuron index) of a clicked neuron

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackgroundBrush(BACKGROUND)
        self.columns, self.architecture, self.build_count = [], None, 0
        self._pixmaps, self._circles, self._captions, self._frame, self._ring = [], [], [], None, None
        self._links = []

    def set_architecture(self, layer_sizes, activations, class_names=()):
        """Build the items for a network shape (only when it changed)."""
        architecture = (tuple(layer_sizes), tuple(activations), tuple(class_names))
        if architecture == self.architecture:
            return
        self.clear()
        self.architecture, self.build_count = architecture, self.build_count + 1
        self.activation_names = ["input", *activations]
        self.columns = layout(layer_sizes)
        self._pixmaps, self._circles, self._captions, self._output_texts = [], [], [], []
        for geom in self.columns:
            self._build_column(geom, geom.layer == len(layer_sizes) - 1)
        self.class_names = class_names
        self._links = [self.addPath(QPainterPath(), QPen(QColor(*colour.astype(int)), 2)) for colour in
                       (POSITIVE, NEGATIVE)]
        self._frame = self.addRect(QRectF(), QPen(CURRENT, 3))
        self._ring = self.addRect(QRectF(), QPen(SELECTED, 2))
        self._ring.setVisible(False)
        last = self.columns[-1]
        top = min(geom.y for geom in self.columns) - TEXT_ROOM[1]  # room for the captions above the columns
        bottom = max(geom.y + geom.height for geom in self.columns) + 15
        self.setSceneRect(QRectF(-15, top, last.x + last.width + TEXT_ROOM[0], bottom - top))

    def _build_column(self, geom, is_output):
        self._captions.append(_screen_text(self, geom.x, geom.y - 8, above=True))
        if geom.compact:
            pixmap = self.addPixmap(QPixmap())
            pixmap.setPos(geom.x, geom.y)
            pixmap.setScale(geom.cell)
            pixmap.setTransformationMode(Qt.FastTransformation)
            self._pixmaps.append(pixmap)
            self._circles.append([])
            return
        self._pixmaps.append(None)
        circles = []
        for j in range(geom.n):
            circles.append(self.addEllipse(QRectF(*geom.rect(j)), QPen(QColor(*NEUTRAL.outline_on_dark), 1)))
            if is_output:
                cx, cy = geom.centre(j)
                self._output_texts.append(_screen_text(self, cx + geom.radius + 6, cy))
        self._circles.append(circles)

    def show_values(self, shown, current_layer):
        """``shown[l]`` is ("a" | "delta", values (n_l,)) or None; frame the step's layer."""
        for geom, values, name in zip(self.columns, shown, self.activation_names):
            kind = values[0] if values else None
            rgb = (value_colours(kind, values[1], name) if values
                   else np.repeat(NOT_YET[None].astype(np.uint8), geom.n, axis=0))
            self._paint(geom, rgb)
            caption = {"a": "a", "delta": "δ", None: "·"}[kind]
            label = "input" if geom.layer == 0 else f"layer {geom.layer} ({name})"
            _set_text(self._captions[geom.layer], f"{label}: {caption}")
        self._label_outputs(shown[-1])
        frame = self.columns[current_layer]
        self._frame.setRect(QRectF(frame.x - 6, frame.y - 6, frame.width + 12, frame.height + 12))

    def _label_outputs(self, shown):
        """Each output's class and its value (a or δ) beside its circle."""
        names = self.class_names
        for j, text in enumerate(self._output_texts):
            name = names[j] if j < len(names) else str(j)
            value = f"{shown[1][j]:+.3g}" if shown and shown[0] == "delta" else (
                f"{shown[1][j]:.3g}" if shown else "")
            _set_text(text, f"{name}  {value.replace('-', '−')}")

    def _paint(self, geom, rgb):
        pixmap = self._pixmaps[geom.layer]
        if pixmap is not None:
            grid = np.full((geom.rows * geom.columns, 3), NOT_YET, dtype=np.uint8)
            grid[:geom.n] = rgb
            grid = np.ascontiguousarray(grid.reshape(geom.rows, geom.columns, 3))
            image = QImage(grid.data, geom.columns, geom.rows, 3 * geom.columns, QImage.Format_RGB888)
            pixmap.setPixmap(QPixmap.fromImage(image.copy()))
            return
        for circle, (r, g, b) in zip(self._circles[geom.layer], rgb.tolist()):
            circle.setBrush(QBrush(QColor(r, g, b)))

    def select(self, layer, j):
        """Ring neuron j of ``layer`` (None hides the ring)."""
        if layer is None or not self.columns:
            if self._ring is not None:
                self._ring.setVisible(False)
            return
        x, y, w, h = self.columns[layer].rect(j)
        self._ring.setRect(QRectF(x - 2, y - 2, w + 4, h + 4))
        self._ring.setVisible(True)

    def show_links(self, layer, j, other_layer, terms):
        """Lines from neuron j of ``layer`` to the sources of its largest terms in ``other_layer``:
        orange where the term (a product) is positive, blue where it is negative."""
        paths = [QPainterPath(), QPainterPath()]
        x, y = self.columns[layer].centre(j)
        for k, _, _, product in terms:
            path = paths[0 if product >= 0 else 1]
            path.moveTo(x, y)
            path.lineTo(*self.columns[other_layer].centre(k))
        for item, path in zip(self._links, paths):
            item.setPath(path)

    def mousePressEvent(self, event):
        point = event.scenePos()
        for geom in self.columns:
            j = geom.index_at(point.x(), point.y())
            if j >= 0:
                self.sig_neuron_clicked.emit(geom.layer, j)
                event.accept()
                return
        super().mousePressEvent(event)


def _screen_text(scene, x, y, above=False):
    """A label drawn at a fixed size on screen, whatever the drawing's scale (it was 4 px high in a
    small dock): anchored at (x, y) of the scene, its bottom there when ``above``, else its middle."""
    text = scene.addSimpleText("")
    text.setBrush(QColor(*NEUTRAL.text_on_dark))
    font = QFont()
    font.setPixelSize(TEXT_PX)
    text.setFont(font)
    text.setFlag(QGraphicsItem.ItemIgnoresTransformations)
    text.setPos(x, y)
    text.setData(0, above)
    return text


def _set_text(text, value):
    text.setText(value)
    height = text.boundingRect().height()
    text.setTransform(QTransform.fromTranslate(0, -height if text.data(0) else -height / 2))

