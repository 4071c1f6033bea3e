"""Step through: one forward and backward pass of the current input, a step at a time, every number explained.

The panel is a view of ``workflows.backprop_steps`` (which reads every number
from the engine). It does nothing while out of view or while no input is
set: a new network or input only marks the pass stale, and it is recomputed
(one small forward and backward pass) when the panel is looked at again.
"""

import logging

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from mnistbench.errors import MnistbenchError
from mnistbench.gui.panels.backprop.backprop_scene import BackpropScene
from mnistbench.gui.panels.backprop.step_controls import FittingView, PassSettings, StepButtons
from mnistbench.gui.panels.backprop.step_explanations import (StepContext, neuron_html, neuron_links,
                                                              prediction_html, step_html)
from mnistbench.workflows.backprop_steps import apply_step, layer_values, mini_batch, steps, trace_pass

PLAY_MS = 1500  # Play shows each step this long
logger = logging.getLogger(__name__)


class BackpropPanel(QWidget):
    """Next / Back / Play through the pass; click a neuron for its equations; apply the step."""

    sig_network_changed = Signal(object)  # Network: a copy after one SGD step ("Apply this step")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.net, self.x, self.given_label = None, None, None  # given_label: the input's own, if known
        self.examples = None  # (uint8 images (n, 28, 28), labels (n,)) a mini-batch draws from
        self.class_names, self.trace, self.walk = (), None, []
        self.step_index, self.selected, self.in_view, self.stale = 0, None, True, False
        self.before_apply = None  # (read as, probability of the true class, cost) before the applied step
        self.applied = None  # the network the last "Apply this step" made
        self.scene = BackpropScene(self)
        self.scene.sig_neuron_clicked.connect(self.select_neuron)
        self.play_timer = QTimer(self, interval=PLAY_MS, timeout=self._play_next)
        self.settings, self.buttons = PassSettings(), StepButtons()
        self._connect_controls()
        layout = QVBoxLayout(self)
        layout.addWidget(self.settings)
        layout.addWidget(self._build_views(), stretch=1)
        layout.addWidget(self.buttons)
        self.prediction = QLabel(wordWrap=True)
        layout.addWidget(self.prediction)
        self.refresh()

    def _connect_controls(self):
        settings, buttons = self.settings, self.buttons
        self.label_box, self.batch_box = settings.label_box, settings.batch_box  # (tests reach them here)
        self.example_box, self.rate_box = settings.example_box, settings.rate_box
        self.back_button, self.next_button = buttons.back_button, buttons.next_button
        self.play_button, self.apply_button = buttons.play_button, buttons.apply_button
        settings.sig_pass_changed.connect(self._settings_changed)
        settings.sig_view_changed.connect(self.show_step)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.play_button.toggled.connect(self.play)
        self.apply_button.clicked.connect(self.apply)

    def _build_views(self):
        self.view = FittingView(self.scene)
        self.view.setRenderHint(QPainter.Antialiasing)
        self.view.setMinimumSize(260, 200)
        self.view.setAcceptDrops(False)  # a dropped network file goes on to the dock, which opens it
        self.view.viewport().setAcceptDrops(False)
        self.formulas = QTextBrowser(openLinks=False)
        self.formulas.setMinimumWidth(300)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.formulas)
        return self.splitter

    def resizeEvent(self, event):
        """Drawing beside the formulas in a wide dock, above them in a tall one (the drawing is wide)."""
        super().resizeEvent(event)
        wide = event.size().width() > 1.6 * event.size().height()
        orientation = Qt.Horizontal if wide else Qt.Vertical
        if orientation != self.splitter.orientation():
            self.splitter.setOrientation(orientation)
            length = event.size().width() if wide else event.size().height()
            self.splitter.setSizes([length // 2, length // 2])

    # --- what the window calls ---------------------------------------------------
    def set_network(self, net):
        if net is not self.applied:  # another network: the before → after no longer applies
            self.before_apply = None
        self.net, self.applied = net, None
        if self.label_box.count() != net.layer_sizes[-1] + 1:
            self._fill_labels(net.layer_sizes[-1])
        self._changed()

    def set_input(self, x, true_label=None):
        """The state's input: float32 (784,); a drawing has no true label until the user picks one."""
        self.x, self.given_label = np.asarray(x, dtype=np.float32).reshape(-1), true_label
        if true_label is not None:
            self.settings.show_label(true_label)
        self.before_apply = None
        self._changed()

    def set_examples(self, images, labels):
        """The dataset's images (uint8 (n, 28, 28)) a mini-batch adds to the input."""
        self.examples = (images, np.asarray(labels, dtype=np.int64))
        self._changed()

    def set_class_names(self, names):
        self.class_names = tuple(names)
        if self.net is not None:
            self._fill_labels(self.net.layer_sizes[-1])

    def set_in_view(self, in_view):
        """Out of view (a tab behind another, a closed dock) the panel does no work at all."""
        self.in_view = bool(in_view)
        if not in_view:
            self.play_button.setChecked(False)
        elif self.stale:
            self.refresh()

    def _fill_labels(self, n_out):
        """The label choices for ``n_out`` outputs, showing the input's own label if it has one."""
        self.settings.set_classes([self._name(k) for k in range(n_out)])
        if self.given_label is not None:
            self.settings.show_label(self.given_label)

    def _changed(self):
        self.stale = True
        if self.in_view:
            self.refresh()

    def _settings_changed(self):
        self.before_apply = None
        self._changed()

    # --- the pass ------------------------------------------------------------------
    def batch(self):
        """(inputs (B, 784), labels (B,)): the input with its label, then test images; None if incomplete."""
        label = self.settings.label()
        if self.net is None or self.x is None or label < 0:
            return None
        return mini_batch(self.x, label, self.examples, self.settings.batch_size())

    def refresh(self):
        """Recompute the pass for the current network, input, label and batch."""
        self.stale, self.trace = False, None
        batch = self.batch()
        if batch is not None:
            try:
                self.trace = trace_pass(self.net, *batch)
            except MnistbenchError as error:
                self._show_message(str(error))
                return
        if self.trace is None:
            self._show_message(self._missing())
            return
        self.walk = steps(self.trace.n_layers)
        self.step_index = min(self.step_index, len(self.walk) - 1)
        self.example_box.setMaximum(self.trace.batch_size)
        self.scene.set_architecture(self.net.layer_sizes, self.net.activations, self.class_names)
        self.view.fit()
        self.show_step()

    def _missing(self):
        if self.net is None:
            return "Open or create a network first."
        if self.x is None:
            return "Draw a digit in the digit pad, or choose a test image: its pass is shown here."
        return "Pick the true label of this input (above): the cost and the backward pass need it."

    def _show_message(self, text):
        self.walk, self.trace = [], None
        self.formulas.setHtml(f"<p>{text}</p>")
        self.buttons.show_position("", 0, 0)
        self.prediction.setText("")
        self.scene.select(None, 0)

    def context(self):
        return StepContext(self.trace, self.walk[self.step_index], self.example_box.value() - 1,
                           self.rate_box.value(), self.class_names)

    def show_step(self):
        """Colour the drawing and write the formulas for the current step (and the selected neuron)."""
        if self.trace is None:
            return
        ctx = self.context()
        self.scene.show_values(layer_values(self.trace, ctx.step, ctx.example), ctx.step.layer)
        text = step_html(ctx)
        if self.selected is not None and self.selected[0] < len(self.net.layer_sizes) \
                and self.selected[1] < self.net.layer_sizes[self.selected[0]]:
            text += "<hr/>" + neuron_html(ctx, *self.selected)
            self.scene.select(*self.selected)
            links = neuron_links(ctx, *self.selected)
            self.scene.show_links(*self.selected, *(links or (0, ())))
        else:
            self.selected = None
            self.scene.select(None, 0)
            self.scene.show_links(0, 0, 0, ())
            text += "<p><i>Click a neuron in the drawing to see its equations with its numbers.</i></p>"
        self.formulas.setHtml(text)
        self.buttons.show_position(ctx.step.title, self.step_index, len(self.walk))
        self.prediction.setText(prediction_html(ctx, self.before_apply))

    def _name(self, k):
        return self.class_names[k] if k < len(self.class_names) else str(k)

    # --- the buttons ---------------------------------------------------------------
    def select_neuron(self, layer, j):
        self.selected = (layer, j)
        self.show_step()

    def next(self):
        if self.step_index < len(self.walk) - 1:
            self.step_index += 1
            self.show_step()

    def back(self):
        if self.step_index > 0:
            self.step_index -= 1
            self.show_step()

    def play(self, playing):
        if playing and self.step_index >= len(self.walk) - 1:
            self.step_index = -1  # from the start again
        (self.play_timer.start if playing else self.play_timer.stop)()
        if playing:
            self._play_next()

    def _play_next(self):
        self.next()
        if self.step_index >= len(self.walk) - 1:
            self.play_button.setChecked(False)

    def apply(self):
        """One SGD step of the engine on this batch; the window adopts the new network."""
        batch = self.batch()
        if batch is None or self.trace is None:
            return
        output = self.trace.activations[-1][0]
        self.before_apply = (int(np.argmax(output)), float(output[int(self.trace.labels[0])]),
                             float(self.trace.costs[0]))
        stepped = apply_step(self.net, *batch, self.rate_box.value())
        logger.info("applied one SGD step (learning rate %s) on %d example(s)", self.rate_box.value(), len(batch[1]))
        self.applied = stepped
        self.sig_network_changed.emit(stepped)


def _preview():
    from mnistbench.engine.network import Network
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    panel = BackpropPanel()
    panel.set_network(Network([784, 16, 10], activation="relu", output="softmax", loss="cross_entropy",
                              init="he", seed=0))
    digit = np.zeros((28, 28), dtype=np.float32)
    digit[5:23, 13:16] = 1.0  # a "1"
    panel.set_input(digit.reshape(-1), 1)
    panel.sig_network_changed.connect(panel.set_network)
    panel.resize(1000, 700)
    run_preview(panel)


if __name__ == "__main__":
    _preview()
