"""The network inspector: the drawing, the selected neuron's numbers, and the weight-map gallery.

The main window calls ``set_network`` (also with each epoch's copy while
training runs) and ``set_input`` for every new input from the digit pad,
the test-image browser or the confusion gallery.
"""

import logging

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMenu, QPushButton, QScrollArea, QSizePolicy, QSlider, QSpinBox,
                               QSplitter, QTabWidget, QToolButton, QVBoxLayout, QWidget)

from mnistbench.gui.panels.inspector.inspector_export import export_drawing, export_weight_maps
from mnistbench.gui.panels.inspector.network_scene import NetworkScene
from mnistbench.gui.panels.inspector.network_view import NetworkView
from mnistbench.gui.panels.inspector.neuron_details import NeuronDetails
from mnistbench.gui.panels.inspector.weight_maps import WeightMapGallery
from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.export_dialog import ExportSource

logger = logging.getLogger(__name__)
ZOOM_STEP = 1.25
SIDE_MINIMUM = 120  # pixels of the neuron / weight-map tabs in a narrow dock
MAP_SIZES = (0, 28, 42, 56, 84, 112, 168)  # the weight-map size slider's steps, pixels per map (0: fit)


class InspectorPanel(QWidget):
    """Look inside the network: what every neuron does for the current input."""

    sig_neuron_selected = Signal(int, int)  # (layer, index): layer 1 = first hidden … N-1 = output
    sig_files_dropped = Signal(list)  # local paths dropped on the drawing (networks, folders)
    export_source = ExportSource()  # the network and run: names exported files, titles the pictures

    def __init__(self, parent=None):
        super().__init__(parent)
        self._document = ()  # the file of the network shown: another one refits the drawing
        self.scene = NetworkScene(self)
        self.view = NetworkView(self.scene)
        self.view.setToolTip("")
        self.view.sig_files_dropped.connect(self.sig_files_dropped)
        self.details = NeuronDetails()
        self.gallery = WeightMapGallery()
        self.verdict = QLabel("No network yet.")
        self.verdict.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # its text never sets the width
        self.verdict.setToolTip("The network's answer for the current input (and the true label when known).")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.details, "Neuron")
        self.tabs.addTab(self._gallery_tab(), "Weight maps")
        self.tabs.setTabToolTip(1, "What each first-layer neuron looks for (all their weight maps)")
        self.splitter = splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)  # the drawing takes what the window gains
        self.tabs.setMinimumWidth(SIDE_MINIMUM)
        self._split_placed = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(self._toolbar())
        layout.addWidget(splitter, 1)
        self.legend = self._legend()
        layout.addWidget(self.legend)
        self.scene.sig_neuron_clicked.connect(self.select_neuron)
        self.gallery.sig_map_clicked.connect(lambda j: self.select_neuron(1, j))
        self._shortcuts()

    def heightForWidth(self, width):
        """Its minimum height for ``width``: the dock's scroll area gave the panel its preferred height
        (the weights table's) and scrolled, hiding the legend, where the drawing could just be smaller."""
        return self.layout().minimumHeightForWidth(width)

    def showEvent(self, event):
        """First show: give the side view about a third of the width the dock actually has."""
        super().showEvent(event)
        if not self._split_placed:
            self._split_placed = True
            self._place_split()

    def resizeEvent(self, event):
        """A dock made narrow keeps the drawing the larger part (it was squeezed to a sliver at 1024 px)."""
        super().resizeEvent(event)
        drawing, side = self.splitter.sizes()
        if self._split_placed and (drawing < side or side < self._wanted_side(drawing + side)):
            self._place_split()

    def _place_split(self):
        total = sum(self.splitter.sizes()) or self.width()
        side = int(np.clip(0.32 * total, self._wanted_side(total), 320))
        self.splitter.setSizes([max(total - side, 100), side])

    def _wanted_side(self, total) -> int:
        """The side's width with both tab titles whole (not behind scroll arrows), if the drawing stays larger."""
        bar = self.tabs.tabBar()
        titles = sum(bar.tabSizeHint(i).width() for i in range(bar.count())) + 4
        return max(SIDE_MINIMUM, min(titles, int(0.45 * total)))

    def _legend(self):
        """What the colours mean: a label under the drawing, readable at any zoom."""
        legend = QLabel(wordWrap=True)
        legend.setStyleSheet("font-size: 8pt;")
        legend.setToolTip("Click a neuron to see its numbers; hover for a tooltip with the same. "
                          "View → Colours chooses the palette and explains every colour.")
        self._legend_text(legend)
        return legend

    @staticmethod
    def _legend_text(legend):
        c = palette.current()
        swatch = lambda role, text: f"<b style='color:{c.hex(role)}'>■ {text}</b>"
        legend.setText(f"fill: activation (black none, white full) · border: bias · lines: weights into the "
                       f"selected neuron ({swatch('positive', '+')}, {swatch('negative', '−')}, bolder = "
                       f"stronger) · box: prediction ({swatch('right', c.right_mark + ' right')}, "
                       f"{swatch('wrong', c.wrong_mark + ' wrong')}, {swatch('unknown', 'truth unknown')}) · "
                       "drag pans, wheel zooms, F fits, Esc clears")

    def _gallery_tab(self):
        """The weight maps in a scroll area, with a slider that enlarges them."""
        self.map_size = QSlider(Qt.Horizontal, minimum=0, maximum=len(MAP_SIZES) - 1, value=0)
        self.map_size.setToolTip("Size of each weight map: fit them all in the tab, or larger (the tab scrolls)")
        self.map_size_label = QLabel("fit")
        self.map_size.valueChanged.connect(self._set_map_size)
        self.gallery.setContextMenuPolicy(Qt.ActionsContextMenu)
        export = QAction("Export weight maps as PNG…", self.gallery)
        export.triggered.connect(self.export_weight_maps_dialog)
        self.gallery.addAction(export)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.gallery)
        row = QHBoxLayout()
        row.addWidget(QLabel("Map size"))
        row.addWidget(self.map_size, 1)
        row.addWidget(self.map_size_label)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.addLayout(row)
        layout.addWidget(scroll, 1)
        return tab

    def _set_map_size(self, step):
        self.gallery.set_tile_size(MAP_SIZES[step])
        self.map_size_label.setText(f"{MAP_SIZES[step]} px" if MAP_SIZES[step] else "fit")

    def _toolbar(self):
        bar = QHBoxLayout()
        for text, tip, slot in (("Fit", "Show the whole network (F)", self.view.fit),
                                ("+", "Zoom in (Ctrl+=, or the mouse wheel)", lambda: self.view.zoom(ZOOM_STEP)),
                                ("−", "Zoom out (Ctrl+-, or the mouse wheel)", lambda: self.view.zoom(1 / ZOOM_STEP))):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setMaximumWidth(44)
            button.clicked.connect(slot)
            bar.addWidget(button)
        self.limit = QSpinBox()
        self.limit.setRange(1, 512)
        self.limit.setValue(self.scene.connection_limit)
        self.limit.setPrefix("lines: ")
        self.limit.setToolTip("How many of the strongest incoming connections to draw when the layer "
                              "before the selected neuron is too wide to draw them all.")
        self.limit.valueChanged.connect(self._set_connection_limit)
        bar.addWidget(self.limit)
        bar.addWidget(self.verdict, 1)
        export = QToolButton(text="Export", popupMode=QToolButton.InstantPopup)
        export.setToolTip("Save the network drawing (PNG or SVG) or the weight maps (PNG)")
        menu = QMenu(export)
        menu.addAction("Network drawing (PNG or SVG)…", self.export_drawing_dialog)
        menu.addAction("Weight maps (PNG)…", self.export_weight_maps_dialog)
        export.setMenu(menu)
        bar.addWidget(export)
        return bar

    def _shortcuts(self):
        for keys, slot in ((("Ctrl+=", "Ctrl++", QKeySequence.ZoomIn), lambda: self.view.zoom(ZOOM_STEP)),
                           (("Ctrl+-", QKeySequence.ZoomOut), lambda: self.view.zoom(1 / ZOOM_STEP)),
                           (("F",), self.view.fit), (("Escape",), self.clear_selection)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

    # --- inputs from the main window -----------------------------------------
    @Slot(object)
    def set_network(self, net):
        """Show a network; same architecture only recolours (cheap, e.g. once per epoch)."""
        rebuilt = self.scene.set_network(net)
        self.gallery.set_weights(net.weights[0])
        if rebuilt:
            self.details.clear()
            self.view.fit()
        self._refresh_side(full=True)

    @Slot(object, object)
    def set_input(self, x, true_label=None):
        """Run the network on x (784,) at once and recolour; true_label (int or None) marks right/wrong."""
        if not self.scene.set_input(x, true_label):
            self.verdict.setText(f"This input has {np.size(x)} values; the network expects "
                                 f"{self.scene.net.layer_sizes[0]}.")
            return
        self._refresh_side(full=False)

    def set_document(self, path):
        """The shown network's file (None: untitled); another network fits the drawing to the view again."""
        if path != self._document:
            self._document = path
            if self.scene.net is not None:  # a network of another shape is fitted when it is drawn
                self.view.fit()

    def set_input_mean(self, mean):
        """The dataset's mean input (784,) or None: ranks first-layer weights by their effect."""
        self.scene.set_input_mean(mean)
        self._refresh_side(full=True)

    def set_export_source(self, source: ExportSource):
        self.export_source = source

    def export_drawing_dialog(self):
        """File → Export and the Export button: the drawing as PNG or SVG; the path written or None."""
        return export_drawing(self)

    def export_weight_maps_dialog(self):
        return export_weight_maps(self)

    def repaint_colours(self):
        """The palette changed (View → Colours): everything coloured by meaning follows."""
        self._legend_text(self.legend)
        self.scene.repaint_colours()
        self.gallery.set_weights(self.scene.net.weights[0] if self.scene.net is not None else [])
        self._refresh_side(full=True)

    def set_class_names(self, names):
        """Output labels for datasets that are not digits (e.g. Fashion-MNIST)."""
        self.scene.set_class_names(names)
        if self.view.fitted:  # longer names: the drawing is wider
            self.view.fit()
        elif self.scene.net is not None:
            self.scene.set_text_scale(self.view.text_scale())
        self._refresh_side(full=True)

    @Slot(int, int)
    def select_neuron(self, layer, index):
        """Highlight a neuron, show its numbers and tell the window."""
        self.scene.select(layer, index)
        if self.scene.selected is None:
            return
        self.gallery.set_selected(index if layer == 1 else -1)
        self._refresh_side(full=True)
        self.tabs.setCurrentWidget(self.details)
        self.sig_neuron_selected.emit(layer, index)

    def clear_selection(self):
        self.scene.clear_selection()
        self.gallery.set_selected(-1)
        self.details.clear()

    def _set_connection_limit(self, value):
        self.scene.connection_limit = value
        if self.scene.selected:
            self.scene.select(*self.scene.selected)

    def _refresh_side(self, full):
        """Verdict line always; the selected neuron's numbers (and its table when `full`)."""
        if self.scene.net is None:
            return
        out, predicted, truth = self.scene.output(), self.scene.predicted, self.scene.true_label
        text = f"predicted <b>{predicted}</b> ({out[predicted]:.1%})"
        if truth is not None:
            colour, c = self.scene.verdict_colour.name(), palette.current()
            verdict = f"{c.right_mark} right" if truth == predicted else f"{c.wrong_mark} wrong"
            text = f"true <b>{truth}</b> · {text} · <b style='color:{colour}'>{verdict}</b>"
        self.verdict.setText(text)
        if self.scene.selected:
            layer, j = self.scene.selected
            facts = self.scene.facts(layer, j)
            if full:
                self.details.show_facts(facts, self.scene.net.weights[layer - 1][j], self.scene.net.layer_sizes[0])
            else:
                self.details.update_values(facts)


def _preview():
    """A quick look: a small network trained for a moment on synthetic or real digits."""
    from mnistbench.data.datasets import load_dataset, to_inputs
    from mnistbench.engine.network import Network
    from mnistbench.errors import MnistbenchError
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    rng = np.random.default_rng(0)
    net = Network([784, 32, 16, 10], activation="relu", loss="cross_entropy", init="he", seed=0)
    try:
        data = load_dataset("mnist")
        X, y = to_inputs(data.test_images), data.test_labels
        net.fit(X[:8000], y[:8000], epochs=2)
    except MnistbenchError:  # no dataset here: random inputs still show the drawing
        X, y = rng.random((10, 784), dtype=np.float32), None
    panel = InspectorPanel()
    panel.resize(1100, 650)
    panel.set_network(net)
    panel.set_input(X[-1], None if y is None else int(y[-1]))
    panel.select_neuron(2, 3)
    return run_preview(panel)


if __name__ == "__main__":
    raise SystemExit(_preview())
