"""The network inspector: the drawing, the selected neuron's numbers, and the weight-map gallery.

The main window calls ``set_network`` (also with each epoch's copy while
training runs) and ``set_input`` for every new input from the digit pad,
the test-image browser or the confusion gallery.
"""

import logging

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (QGraphicsView, QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from mnistbench.gui.panels.inspector.network_scene import NetworkScene
from mnistbench.gui.panels.inspector.neuron_details import NeuronDetails
from mnistbench.gui.panels.inspector.weight_maps import WeightMapGallery

logger = logging.getLogger(__name__)
ZOOM_STEP = 1.25
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

    def _keep_text_readable(self):
        """Zoomed out, the main labels grow (up to TEXT_GROWTH) so they stay about 80 % of their size."""
        self.scene().set_text_scale(float(np.clip(0.8 / self.transform().m11(), 1.0, TEXT_GROWTH)))

    def wheelEvent(self, event):
        self.zoom(1.0015 ** event.angleDelta().y())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self.fitted:
            self.fit()

    # --- drag and drop: an exception escaping here can kill the process ------
    def dragEnterEvent(self, event):
        try:
            if event.mimeData().hasUrls():
                event.acceptProposedAction()
        except Exception:  # noqa: BLE001 — a drag must never crash the workbench
            logger.exception("drag refused by the inspector")

    def dragMoveEvent(self, event):
        self.dragEnterEvent(event)

    def dropEvent(self, event):
        try:
            paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
            event.acceptProposedAction()
            if paths:
                self.sig_files_dropped.emit(paths)
            else:
                logger.warning("dropped something that is not a local file or folder")
        except Exception:  # noqa: BLE001 — a drop must never crash the workbench
            logger.exception("drop refused by the inspector")


class InspectorPanel(QWidget):
    """Look inside the network: what every neuron does for the current input."""

    sig_neuron_selected = Signal(int, int)  # (layer, index): layer 1 = first hidden … N-1 = output
    sig_files_dropped = Signal(list)  # local paths dropped on the drawing (networks, folders)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scene = NetworkScene(self)
        self.view = NetworkView(self.scene)
        self.view.setToolTip("")
        self.view.sig_files_dropped.connect(self.sig_files_dropped)
        self.details = NeuronDetails()
        self.gallery = WeightMapGallery()
        self.verdict = QLabel("No network yet.")
        self.verdict.setToolTip("The network's answer for the current input (and the true label when known).")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.details, "Neuron")
        self.tabs.addTab(self.gallery, "Weight maps")
        self.tabs.setTabToolTip(1, "What each first-layer neuron looks for (all their weight maps)")
        self.splitter = splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)  # the drawing takes what the window gains
        self.tabs.setMinimumWidth(180)
        self._split_placed = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(self._toolbar())
        layout.addWidget(splitter, 1)
        layout.addWidget(self._legend())
        self.scene.sig_neuron_clicked.connect(self.select_neuron)
        self.gallery.sig_map_clicked.connect(lambda j: self.select_neuron(1, j))
        self._shortcuts()

    def showEvent(self, event):
        """First show: give the side view about a third of the width the dock actually has."""
        super().showEvent(event)
        if not self._split_placed:
            self._split_placed = True
            side = int(np.clip(0.32 * self.width(), 180, 320))
            self.splitter.setSizes([max(self.width() - side, 100), side])

    def _legend(self):
        """What the colours mean: a label under the drawing, readable at any zoom."""
        legend = QLabel("fill: activation (black none, white full) · border: bias · lines: weights into "
                        "the selected neuron (green +, red −, bolder = stronger) · box: prediction "
                        "(green right, red wrong) · drag pans, wheel zooms, F fits, Esc clears")
        legend.setWordWrap(True)
        legend.setStyleSheet("color: gray; font-size: 8pt;")
        legend.setToolTip("Click a neuron to see its numbers; hover for a tooltip with the same.")
        return legend

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

    def set_class_names(self, names):
        """Output labels for datasets that are not digits (e.g. Fashion-MNIST)."""
        self.scene.set_class_names(names)
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
            colour = self.scene.verdict_colour.name()
            text = f"true <b>{truth}</b> · {text} · <b style='color:{colour}'>" \
                   f"{'right' if truth == predicted else 'wrong'}</b>"
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
