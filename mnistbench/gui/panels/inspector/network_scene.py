"""The network drawing: built once per architecture, recoloured for every input.

Building makes a few items per layer (one pixmap for a wide layer or the
28x28 input, one circle per neuron otherwise); a new input only re-fills
them, so wide networks stay cheap. Connections are drawn only into the
selected neuron, bucketed into a handful of path items by sign and strength.
"""

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsPixmapItem, QGraphicsScene, QToolTip

from mnistbench.engine.activations import ACTIVATIONS
from mnistbench.gui.widgets.network_layout import (IMAGE_SIDE, activation_range, layout, levels, neuron_facts,
                                           neuron_name, source_name)
from mnistbench.gui.panels.inspector.network_overlays import (DIM_TEXT, HIGHLIGHT, TEXT, OutputColumn, SelectionOverlay,
                                             add_text)
from mnistbench.gui.panels.inspector.weight_maps import diverging_rgb, rgb_image, signed_colours
from mnistbench.gui.widgets.palette import NEUTRAL
from mnistbench.workflows.evaluation import as_network_reads

BACKGROUND = NEUTRAL.dark_background
TEXT_ROOM = 2.2  # the scene leaves room for texts grown this much (the view's TEXT_GROWTH)


def bias_colours(biases):
    """Border colours: grey for a zero bias, towards the palette's positive or negative with its size."""
    t = np.clip(biases / max(float(np.max(np.abs(biases))), 1e-12), -1, 1)[:, None]
    positive, negative = signed_colours()
    target = np.where(t >= 0, positive, negative)
    return (np.float32(120) * (1 - np.abs(t)) + target * np.abs(t)).astype(np.uint8)


class _Column:
    """The items that draw one layer."""

    def __init__(self, geom, name):
        self.geom, self.name = geom, name
        self.pixmap, self.circles, self.legend = None, [], None


class NetworkScene(QGraphicsScene):
    """The whole network, its colours for the current input, and the selected neuron."""

    sig_neuron_clicked = Signal(int, int)  # (layer, index) of a clicked neuron; layer 0 is the input

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackgroundBrush(QColor(*BACKGROUND))
        self.net, self.class_names, self.connection_limit = None, None, 48
        self.selected, self.predicted, self.true_label = None, None, None
        self.build_count = 0  # how often the items were rebuilt (tests check that recolouring is cheap)
        self._x, self._zs, self._acts, self._columns, self._architecture = None, None, None, [], None
        self._readable, self.input_mean = [], None
        self._greys = [QBrush(QColor(v, v, v)) for v in range(256)]

    # --- what the panel calls --------------------------------------------
    def set_network(self, net):
        """Show a network; rebuild only when its architecture changed. Returns True if rebuilt."""
        architecture = (tuple(net.layer_sizes), tuple(net.activations))
        rebuilt = architecture != self._architecture
        self.net = net
        if rebuilt:
            self._architecture, self.selected = architecture, None
            if self._x is not None and len(self._x) != net.layer_sizes[0]:
                self._x, self.true_label = None, None  # a blank input has no true label to judge
            self._build()
        self._paint_biases()
        self._recolour()
        if rebuilt:  # after the first colouring, so the output texts count
            self.fit_scene_rect()
        if self.selected:
            self.select(*self.selected)
        return rebuilt

    def set_input(self, x, true_label=None):
        """Run the network on x (784,) and recolour every neuron; False if x does not fit the network."""
        x = np.asarray(x, dtype=np.float32).reshape(-1)
        if self.net is not None and len(x) != self.net.layer_sizes[0]:
            return False
        self._x, self.true_label = x, None if true_label is None else int(true_label)
        if self.net is not None:
            self._recolour()
        return True

    def set_class_names(self, names):
        self.class_names = list(names) if names else None
        if self.net is not None:
            self._recolour()
            self.fit_scene_rect()

    def fit_scene_rect(self):
        """Room for every text at its largest: the longest verdict, grown as much as the view grows texts."""
        self.set_text_scale(TEXT_ROOM)
        verdict = self.output_column.verdict
        longest = max(self.class_names or [str(self.net.layer_sizes[-1] - 1)], key=len)
        verdict.setText(f"true {longest}\npredicted {longest}  ✗ WRONG")
        self.setSceneRect(self.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self.set_text_scale(1.0)  # repaints the verdict; the view sets the scale it needs

    def repaint_colours(self):
        """Everything coloured by meaning, again from the palette in use (View → Colours)."""
        if self.net is None:
            return
        self.selection.set_colours()
        self._paint_biases()
        self._recolour()
        if self.selected:
            self.select(*self.selected)

    @property
    def columns(self):
        return [column.geom for column in self._columns]

    @property
    def verdict_colour(self):
        """The colour of the output box: green right, red wrong, blue when the truth is unknown."""
        return self.output_column.box.pen().color()

    def set_text_scale(self, factor):
        """Enlarge titles, output rows and the verdict so they stay readable when zoomed out."""
        for item, fx, fy in self._readable:
            box = item.boundingRect()
            item.setTransformOriginPoint(box.width() * fx, box.height() * fy)
            item.setScale(factor)
        if self._columns:
            self.output_column.set_scale(factor)
            if self._acts is not None:  # the verdict box follows the grown row
                self.output_column.paint(self._acts[-1][0], self.true_label, self.class_names)

    def set_input_mean(self, mean):
        """The dataset's mean input (n_in,) or None: first-layer weights are ranked by |weight × mean|."""
        self.input_mean = None if mean is None else np.asarray(mean, dtype=np.float32).reshape(-1)
        if self.selected:
            self.select(*self.selected)

    def _mean_for(self, layer):
        """The mean input when ranking layer ``layer``'s weights by their effect (first layer only)."""
        fits = self.input_mean is not None and self.net is not None and \
            len(self.input_mean) == self.net.layer_sizes[0]
        return self.input_mean if layer == 1 and fits else None

    def facts(self, layer, j, top=10):
        return neuron_facts(self.net, self._zs, self._acts, layer, j, top, self.class_names, self._mean_for(layer))

    def output(self):
        """The output activations for the current input."""
        return self._acts[-1][0]

    # --- building -----------------------------------------------------------
    def _build(self):
        self.clear()
        self.build_count += 1
        names = ["input"] + list(self.net.activations)
        self._columns = [_Column(geom, name) for geom, name in zip(layout(self.net.layer_sizes), names)]
        self._readable = []  # (text item, origin x, origin y as fractions of its box): grown when zoomed out
        for column in self._columns:
            self._build_column(column)
        self.output_column = OutputColumn(self, self._columns[-1].geom)
        self._readable.append((self.output_column.verdict, 0.0, 0.0))
        self.selection = SelectionOverlay(self)
        first = self._columns[0].geom
        self._caption = add_text(self, "", first.x, first.y + first.height + 10, 12, HIGHLIGHT)

    def _build_column(self, column):
        geom, name = column.geom, column.name
        title = "input" if name == "input" else "output" if geom.layer == len(self._columns) - 1 \
            else f"hidden {geom.layer}"
        detail = f"{IMAGE_SIDE}x{IMAGE_SIDE} pixels" if geom.layer == 0 and geom.columns == IMAGE_SIDE \
            else f"{geom.n} {name}"
        title = add_text(self, f"{title}\n{detail}", geom.x + geom.width / 2, geom.y - 44, 14, TEXT, centred=True)
        self._readable.append((title, 0.5, 1.0))
        if geom.compact:
            column.pixmap = QGraphicsPixmapItem()
            column.pixmap.setTransformationMode(Qt.FastTransformation)
            column.pixmap.setShapeMode(QGraphicsPixmapItem.BoundingRectShape)
            column.pixmap.setScale(geom.cell)
            column.pixmap.setPos(geom.x, geom.y)
            self.addItem(column.pixmap)
            if geom.layer:
                self._add_cell_lines(geom)
        else:
            for j in range(geom.n):
                x, y, w, h = geom.rect(j)
                column.circles.append(self.addEllipse(QRectF(x, y, w, h)))
        if name != "input" and not ACTIVATIONS[name].bounded:
            column.legend = add_text(self, "", geom.x + geom.width / 2, geom.y + geom.height + 8, 12, DIM_TEXT)

    def _add_cell_lines(self, geom):
        """Thin lines between the cells of a compact layer, so single neurons stand out."""
        path = QPainterPath()
        for col in range(geom.columns + 1):
            path.moveTo(geom.x + col * geom.cell, geom.y)
            path.lineTo(geom.x + col * geom.cell, geom.y + geom.height)
        for row in range(geom.rows + 1):
            path.moveTo(geom.x, geom.y + row * geom.cell)
            path.lineTo(geom.x + geom.width, geom.y + row * geom.cell)
        item = self.addPath(path, QPen(QColor(*BACKGROUND), 1.0))
        item.setZValue(1)
        item.setCacheMode(QGraphicsPathItem.DeviceCoordinateCache)

    # --- colouring ---------------------------------------------------------
    def _paint_biases(self):
        for column in self._columns[1:]:
            if column.circles:
                colours = bias_colours(self.net.biases[column.geom.layer - 1])
                width = min(2.0, column.geom.radius / 3)
                for item, (r, g, b) in zip(column.circles, colours):
                    item.setPen(QPen(QColor(int(r), int(g), int(b)), width))

    def _recolour(self):
        x = self._x if self._x is not None else np.zeros(self.net.layer_sizes[0], np.float32)
        self._zs, self._acts = self.net.forward_with_z(as_network_reads(self.net, x[None]))  # B/W if trained so
        for column, a in zip(self._columns, self._acts):
            low, high = activation_range(a[0], column.name)
            if column.legend is not None:
                column.legend.setText(f"black {low:.3g} … white {high:.3g}")
                column.legend.setX(column.geom.x + (column.geom.width - column.legend.boundingRect().width()) / 2)
            if column.geom.layer == 0:
                self._paint_input()
            elif column.pixmap is not None:
                column.pixmap.setPixmap(self._cells(column.geom, levels(a[0], low, high)))
            else:
                for item, v in zip(column.circles, (levels(a[0], low, high) * 255).astype(np.int32)):
                    item.setBrush(self._greys[v])
        self.predicted = self.output_column.paint(self._acts[-1][0], self.true_label, self.class_names)

    def _cells(self, geom, values, rgb=None):
        """One pixmap for a compact layer: a cell per neuron (grey levels, or given colours)."""
        cells = np.empty((geom.rows * geom.columns, 3), np.uint8)
        cells[:] = BACKGROUND
        cells[:geom.n] = rgb if rgb is not None else (values * 255).astype(np.uint8)[:, None]
        return QPixmap.fromImage(rgb_image(cells.reshape(geom.rows, geom.columns, 3)))

    def _showing_weights(self):
        return bool(self.selected) and self.selected[0] == 1 and self._columns[0].geom.columns == IMAGE_SIDE

    def _paint_input(self):
        """The input column shows the input, or the selected first-layer neuron's weights."""
        column = self._columns[0]
        if self._showing_weights():
            rgb = diverging_rgb(self.net.weights[0][self.selected[1]])
            self._caption.setText(f"weights of neuron {self.selected[1]}:\nwhat it looks for\n"
                                  "(bright +/− colours; Esc shows the input)")
        else:
            rgb = None
            self._caption.setText("")
        a = self._acts[0][0]
        if column.pixmap is not None:
            column.pixmap.setPixmap(self._cells(column.geom, np.clip(a, 0, 1), rgb))
        else:
            for item, v in zip(column.circles, (np.clip(a, 0, 1) * 255).astype(np.int32)):
                item.setBrush(self._greys[v])

    # --- selection and hit testing -------------------------------------------
    def select(self, layer, j):
        """Highlight neuron j of layer >= 1 and draw the connections that feed it."""
        if self.net is None or not 1 <= layer < len(self._columns) or not 0 <= j < self._columns[layer].geom.n:
            self.clear_selection()
            return
        self.selected = (layer, j)
        geom = self._columns[layer].geom
        self.selection.mark(geom, j, bias_colours(self.net.biases[layer - 1])[j])
        self._paint_input()
        if self._showing_weights():
            self.selection.clear_connections()
        else:
            self.selection.draw_connections(self._columns[layer - 1].geom, geom, j,
                                            self.net.weights[layer - 1][j], self.connection_limit,
                                            self._mean_for(layer))

    def clear_selection(self):
        self.selected = None
        if self._columns:
            self.selection.clear()
            self._paint_input()

    def neuron_at(self, pos):
        """(layer, index) of the neuron under a scene point, or None."""
        for column in self._columns:
            j = column.geom.index_at(pos.x(), pos.y())
            if j >= 0:
                return column.geom.layer, j
        return None

    def tooltip_at(self, pos):
        """What the hover tooltip says about the neuron under a scene point ("" for none)."""
        hit = self.neuron_at(pos) if self.net is not None else None
        if hit is None:
            return ""
        layer, j = hit
        if layer == 0:
            return f"{neuron_name(0, j, 2)}\nvalue {self._acts[0][0, j]:.3f}"
        facts = self.facts(layer, j, top=5)
        strongest_in = ", ".join(f"{source_name(layer - 1, i, self.net.layer_sizes[0])} {w:+.3g}"
                                 for i, w in facts.strongest)
        return (f"{facts.name} ({facts.activation_name})\nbias {facts.bias:+.4g}   weighted input z "
                f"{facts.z:+.4g}   activation {facts.activation:.4g}\nstrongest weights in: {strongest_in}")

    def helpEvent(self, event):
        text = self.tooltip_at(event.scenePos())
        if text:
            QToolTip.showText(event.screenPos(), text)
            event.accept()
        else:
            QToolTip.hideText()
            event.ignore()

    def mousePressEvent(self, event):
        """A click on a neuron selects it; anywhere else stays unaccepted so the view pans."""
        hit = self.neuron_at(event.scenePos()) if event.button() == Qt.LeftButton else None
        if hit is not None and hit[0] >= 1:
            self.sig_neuron_clicked.emit(*hit)
            event.accept()
            return
        super().mousePressEvent(event)
