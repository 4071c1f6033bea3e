"""The parts of the network drawing that sit on top of the neurons.

``OutputColumn``: class labels, probability bars and the verdict box beside
the output neurons (the palette's right, wrong, or unknown when the truth is not known).
``SelectionOverlay``: the selected neuron's highlight, its bias ring, and the
lines into it — bucketed by sign and strength into eight path items, each
cached as a pixmap because antialiased lines are slow to redraw on every input.
"""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsSimpleTextItem

from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.network_layout import strongest
from mnistbench.gui.panels.inspector.weight_maps import signed_colours
from mnistbench.gui.widgets.palette import NEUTRAL

TEXT = QColor(*NEUTRAL.text_on_dark)
DIM_TEXT = QColor(*NEUTRAL.dim_text_on_dark)
HIGHLIGHT = QColor(*NEUTRAL.selection)
LEVELS = 4  # connection strength buckets per sign
BAR_WIDTH = 90.0  # output probability bar at 100 %
NAME_ROOM = 40.0  # class name before the bar; a longer name (Fashion-MNIST) pushes the bars right
ROW_TEXT_HEIGHT = 24.0  # scene units an output row's text needs (16 px font and a gap)


def add_text(scene, text, x, y, size=13, colour=TEXT, centred=False):
    """A simple text item at (x, y), or centred on x."""
    item = QGraphicsSimpleTextItem(text)
    font = QFont()
    font.setPixelSize(size)
    item.setFont(font)
    item.setBrush(colour)
    item.setPos(x - (item.boundingRect().width() / 2 if centred else 0), y)
    scene.addItem(item)
    return item


class OutputColumn:
    """Labels, bars and the verdict for the output layer's geometry `geom`."""

    def __init__(self, scene, geom):
        self.geom, self.labels, self.bars, self.values = geom, [], [], []
        left = geom.x + geom.width + 12
        self.name_room, self.scale = NAME_ROOM, 1.0
        for j in range(0 if geom.compact else geom.n):
            _, cy = geom.centre(j)
            self.labels.append(add_text(scene, "", left, cy - 9, 16))
            self.bars.append(scene.addRect(QRectF(), QPen(Qt.NoPen), QBrush(QColor(*NEUTRAL.outline_on_dark))))
            self.values.append(add_text(scene, "", left + NAME_ROOM + BAR_WIDTH + 8, cy - 9, 16, DIM_TEXT))
        self.box = scene.addRect(QRectF(), QPen(QColor(*palette.current().unknown), 2.5))
        self.true_box = scene.addRect(QRectF(), QPen(QColor(*palette.current().right), 2, Qt.DashLine))
        self.verdict = add_text(scene, "", geom.x, geom.y + geom.height + 34, 15)

    def set_scale(self, factor):
        """Grow each row's name, bar and percentage together (no more than its row's height allows)."""
        self.scale = max(1.0, min(factor, self.geom.spacing / ROW_TEXT_HEIGHT))
        self._grow_rows()

    def _grow_rows(self):
        for j, row in enumerate(zip(self.labels, self.bars, self.values)):
            origin = QPointF(self.labels[j].x(), self.geom.centre(j)[1])  # the row's left middle, in the scene
            for item in row:  # each grown about the same point: the row grows as one
                item.setTransformOriginPoint(origin - item.pos())
                item.setScale(self.scale)

    def _row(self, j, pad):
        x, y, w, h = self.geom.rect(j)
        width = w + 12 + (self.name_room + BAR_WIDTH + 70) * self.scale if self.labels else w
        return QRectF(x - pad, y - pad, width + 2 * pad, h + 2 * pad)

    def paint(self, out, truth, class_names):
        """Show the output activations; returns the predicted class."""
        name = lambda j: class_names[j] if class_names and 0 <= j < len(class_names) else str(j)
        for label, j in zip(self.labels, range(len(self.labels))):
            label.setText(name(j))
        # bars start after the longest name, so "Ankle boot" is never overrun by its bar
        self.name_room = max([NAME_ROOM] + [label.boundingRect().width() + 8 for label in self.labels])
        for j, (label, bar, value) in enumerate(zip(self.labels, self.bars, self.values)):
            _, cy = self.geom.centre(j)
            bar.setRect(QRectF(label.x() + self.name_room, cy - 6, BAR_WIDTH * float(np.clip(out[j], 0, 1)), 12))
            value.setText(f"{out[j]:.1%}")
            value.setX(label.x() + self.name_room + BAR_WIDTH + 8)
        self._grow_rows()  # the percentages moved: their growth origin with them
        predicted = int(np.argmax(out))
        colours = palette.current()
        right = truth is not None and truth == predicted
        colour = QColor(*(colours.unknown if truth is None else colours.right if right else colours.wrong))
        self.box.setPen(QPen(colour, 2.5))
        self.box.setRect(self._row(predicted, 5.0))
        wrong = truth is not None and not right and 0 <= truth < self.geom.n
        self.true_box.setPen(QPen(QColor(*colours.right), 2, Qt.DashLine))
        self.true_box.setVisible(wrong)
        if wrong:
            self.true_box.setRect(self._row(truth, 8.0))
        text = f"predicted {name(predicted)}"
        if truth is not None:
            verdict = f"{colours.right_mark} right" if right else f"{colours.wrong_mark} WRONG"
            text = f"true {name(truth)}\n{text}  {verdict}"
        self.verdict.setText(text)
        self.verdict.setBrush(colour)
        return predicted

    def texts(self):
        """The text items whose size matters at Fit (labels, percentages, verdict)."""
        return self.labels + self.values + [self.verdict]


class SelectionOverlay:
    """Highlight, bias ring and incoming connections of the selected neuron."""

    def __init__(self, scene):
        self.connections = []
        for _sign in (1, -1):
            for level in range(LEVELS):
                item = scene.addPath(QPainterPath())
                item.setZValue(2 + level / 10)
                item.setCacheMode(QGraphicsPathItem.DeviceCoordinateCache)
                self.connections.append(item)
        self.set_colours()
        self.bias_ring = scene.addPath(QPainterPath(), QPen(Qt.NoPen))
        self.highlight = scene.addPath(QPainterPath(), QPen(HIGHLIGHT, 3))
        self.bias_ring.setZValue(4)
        self.highlight.setZValue(4)

    def set_colours(self):
        """Pens from the palette in use: fainter and thinner for weaker connections."""
        for sign, colour in enumerate(signed_colours()):
            for level, (alpha, width) in enumerate(zip((70, 120, 180, 255), (0.8, 1.3, 2.0, 3.0))):
                pen = QPen(QColor(*colour.astype(int), alpha), width)
                self.connections[sign * LEVELS + level].setPen(pen)

    def mark(self, geom, j, bias_rgb):
        """Ring neuron j of `geom` in yellow, with its bias colour just inside."""
        x, y, w, h = geom.rect(j)
        shape = QPainterPath.addRect if geom.compact else QPainterPath.addEllipse
        ring, outline = QPainterPath(), QPainterPath()
        shape(ring, QRectF(x - 1.5, y - 1.5, w + 3, h + 3))
        shape(outline, QRectF(x - 5, y - 5, w + 10, h + 10))
        self.bias_ring.setPen(QPen(QColor(*(int(c) for c in bias_rgb)), 3))
        self.bias_ring.setPath(ring)
        self.highlight.setPath(outline)

    def clear(self):
        for item in [self.bias_ring, self.highlight] + self.connections:
            item.setPath(QPainterPath())

    def clear_connections(self):
        for item in self.connections:
            item.setPath(QPainterPath())

    def draw_connections(self, prev, geom, j, weights, limit, input_mean=None):
        """All incoming lines from a column of circles; the `limit` strongest from a compact layer
        (by |weight × mean input| when ``input_mean`` is given: pixels never inked draw no line)."""
        effect = weights if input_mean is None else weights * input_mean
        sources = strongest(effect, limit) if prev.compact else np.arange(prev.n)
        scale = max(float(np.max(np.abs(weights[sources]))), 1e-12)
        tx, ty = geom.centre(j)
        paths = [QPainterPath() for _ in self.connections]
        for i in sources:
            sx, sy = prev.centre(int(i))
            level = min(LEVELS - 1, int(LEVELS * abs(weights[i]) / scale))
            path = paths[level + (0 if weights[i] >= 0 else LEVELS)]
            path.moveTo(sx + prev.radius, sy)
            path.lineTo(tx - geom.radius, ty)
        for item, path in zip(self.connections, paths):
            item.setPath(path)

    def segments(self):
        """(positive, negative) numbers of lines drawn."""
        counts = [item.path().elementCount() // 2 for item in self.connections]
        return sum(counts[:LEVELS]), sum(counts[LEVELS:])
