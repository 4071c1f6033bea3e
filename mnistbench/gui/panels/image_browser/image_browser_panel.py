"""Browse the test set by index and send the chosen image to the inspector.

The network's predictions for the whole test set are computed once per
network (one vectorised ``predict``), and only when something needs them —
"next mistake" or the mistake count — so a new network every epoch while
training costs nothing here until the user asks.
"""

import logging

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from mnistbench.gui.jobs.background_task import BackgroundTask, network_work
from mnistbench.gui.panels.network_fit import DIGITS, fit_problem
from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.digit_views import DigitView, ProbabilityBars
from mnistbench.workflows.evaluation import network_inputs

logger = logging.getLogger(__name__)
THUMBNAIL = 168  # pixels: the 28x28 image at 6x


class ImageBrowserPanel(QWidget):
    """A number box over the test set, previous/next, next mistake, and the image with its labels."""

    __test__ = False  # not a pytest test class, despite the name
    sig_input_chosen = Signal(object, object)  # (x float32 (784,) in [0, 1], true label int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.images, self.labels, self.class_names, self.net = None, None, None, None
        self._predictions = None  # int64 (n,), for self.net; None until needed
        self._direction = 1  # of the "next mistake" waiting for predictions
        self.task = BackgroundTask("predicting the test set", self)
        self.task.sig_done.connect(self._predicted)
        self.task.sig_failed.connect(self._prediction_failed)
        self.task.sig_busy_changed.connect(self._show_busy)
        self.index_box = QSpinBox()
        self.index_box.setRange(0, 0)
        self.index_box.setToolTip("Index of the test image (Up/Down or Left/Right step through them).")
        self.index_box.valueChanged.connect(self._index_changed)
        self.index_box.installEventFilter(self)
        self.index_box.setMinimumWidth(self.fontMetrics().horizontalAdvance("000000") + 36)
        self.total = QLabel("of 0")
        self.buttons = self._buttons()
        self.thumbnail = DigitView(THUMBNAIL, "The test image as the network sees it (28x28, shown 6x).")
        self.bars = ProbabilityBars()
        self.bars.setToolTip("The network's output for this image: one bar per class, the answer highlighted")
        self.true_label = QLabel("True: —")
        self.true_label.setToolTip("The label the test set gives this image.")
        self.predicted_label = QLabel("Predicted: —", wordWrap=True)
        self.predicted_label.setToolTip("What the current network reads (✓ right, ✗ wrong).")
        self.mistakes = QLabel("")
        self.mistakes.setToolTip("How many test images this network gets wrong (computed when first needed).")
        self.mistakes.setWordWrap(True)
        for label in (self.true_label, self.predicted_label):
            label.setStyleSheet("font-size: 15pt;")
        self._layout()
        self._shortcuts()
        self._update_enabled()

    def _buttons(self):
        """Previous/next and previous/next mistake, by name."""
        buttons = {}
        for key, text, tip in (("previous", "◀ Previous", "The previous test image (Left)"),
                               ("next", "Next ▶", "The next test image (Right)"),
                               ("previous_mistake", "◀ Previous mistake",
                                "The previous image the network gets wrong (Shift+M)"),
                               ("next_mistake", "Next mistake ▶", "The next image the network gets wrong (M)")):
            buttons[key] = QPushButton(text)
            buttons[key].setToolTip(tip)
        buttons["previous"].clicked.connect(lambda: self.step(-1))
        buttons["next"].clicked.connect(lambda: self.step(1))
        buttons["previous_mistake"].clicked.connect(lambda: self.next_mistake(-1))
        buttons["next_mistake"].clicked.connect(lambda: self.next_mistake(1))
        return buttons

    def _layout(self):
        top = QHBoxLayout()
        top.addWidget(QLabel("Test image"))
        top.addWidget(self.index_box)
        top.addWidget(self.total)
        top.addStretch(1)
        buttons = QGridLayout()
        for n, key in enumerate(("previous", "next", "previous_mistake", "next_mistake")):
            buttons.addWidget(self.buttons[key], n // 2, n % 2)
        info = QVBoxLayout()
        for widget in (self.true_label, self.predicted_label):
            info.addWidget(widget)
        info.addWidget(self.bars, 1)
        middle = QHBoxLayout()
        middle.addWidget(self.thumbnail, 0, Qt.AlignTop)
        middle.addLayout(info, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addLayout(middle)
        layout.addWidget(self.mistakes)
        layout.addStretch(1)

    def _shortcuts(self):
        for key, slot in (("Left", lambda: self.step(-1)), ("Right", lambda: self.step(1)),
                          ("M", lambda: self.next_mistake(1)), ("Shift+M", lambda: self.next_mistake(-1))):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def eventFilter(self, watched, event):
        """Left/Right in the number box step through images instead of moving the text cursor."""
        if watched is self.index_box and event.type() == QEvent.KeyPress and \
                event.key() in (Qt.Key_Left, Qt.Key_Right) and not event.modifiers():
            self.step(-1 if event.key() == Qt.Key_Left else 1)
            return True
        return super().eventFilter(watched, event)

    # --- inputs from the main window -----------------------------------------
    @Slot(object, object)
    def set_dataset(self, images, labels, class_names=None):
        """The test images uint8 (n, 28, 28) and labels (n,); shows (and sends) the first image."""
        self.images = np.asarray(images, dtype=np.uint8).reshape(-1, 28, 28)
        self.labels = np.asarray(labels, dtype=np.int64).reshape(-1)
        self.class_names = list(class_names) if class_names else None
        self.bars.set_class_names(self.class_names)
        self._predictions = None
        self.task.cancel()
        self.total.setText(f"of {len(self.labels):,}")
        self.index_box.blockSignals(True)
        self.index_box.setRange(0, max(len(self.labels) - 1, 0))
        self.index_box.setValue(0)
        self.index_box.blockSignals(False)
        self._update_enabled()
        if len(self.labels):
            self._index_changed(0)

    @Slot(object)
    def set_network(self, net):
        """A new network: predictions are recomputed when next needed."""
        self.net, self._predictions = net, None
        self.task.cancel()  # predictions of the previous network are no use
        self.mistakes.setText("")
        self._update_enabled()
        self._show_labels(self.index_box.value())

    @Slot(int)
    def show_index(self, index):
        """Show test image `index` (and send it to the inspector)."""
        if self.labels is None or not 0 <= index < len(self.labels):
            return
        if index == self.index_box.value():
            self._index_changed(index)
        else:
            self.index_box.setValue(index)

    def step(self, delta):
        if self.labels is not None and len(self.labels):
            self.show_index(int(np.clip(self.index_box.value() + delta, 0, len(self.labels) - 1)))

    def next_mistake(self, direction=1):
        """Jump to the next (or previous) image the network gets wrong, wrapping around.

        The test set's predictions are computed once per network; for a large network that runs
        off the GUI thread (seconds at 784-65535-10) and the jump follows when they are ready.
        """
        if self._predictions is not None:
            self._jump_to_mistake(direction)
        elif self.net is not None and self.images is not None and not self.problem():
            self._direction = direction
            net, images = self.net, self.images
            self.task.submit(lambda: net.predict(network_inputs(net, images)), network_work(net, len(images)))

    def _jump_to_mistake(self, direction):
        wrong = np.flatnonzero(self._predictions != self.labels)
        if not len(wrong):
            self.mistakes.setText("No mistakes on this test set.")
            return
        current = self.index_box.value()
        ahead = wrong[wrong > current] if direction > 0 else wrong[wrong < current][::-1]
        self.show_index(int(ahead[0] if len(ahead) else (wrong[0] if direction > 0 else wrong[-1])))

    @Slot(object)
    def _predicted(self, predictions):
        """The whole test set's predictions for the current network: count the mistakes, then jump."""
        self._predictions = predictions
        wrong = int(np.sum(predictions != self.labels))
        self.mistakes.setText(f"{wrong:,} mistakes in {len(self.labels):,} "
                              f"({1 - wrong / max(len(self.labels), 1):.2%} right)")
        self._jump_to_mistake(self._direction)

    @Slot(bool)
    def _show_busy(self, busy):
        if busy:
            self.mistakes.setText(f"Finding this network's mistakes in {len(self.labels):,} test images…")
            self.setCursor(Qt.BusyCursor)
        else:
            self.unsetCursor()

    @Slot(str)
    def _prediction_failed(self, line):
        self.mistakes.setText(line)
        logger.warning("%s", line)

    def predictions(self):
        """The network's labels for the whole test set once "next mistake" has computed them, else None."""
        return self._predictions

    def problem(self):
        """Why the network cannot label these images (one line), or None."""
        return fit_problem(self.net, len(self.class_names) if self.class_names else DIGITS)

    # --- showing ------------------------------------------------------------
    def _index_changed(self, index):
        image = self.images[index]
        self.thumbnail.set_image(image)
        self._show_labels(index)
        self.sig_input_chosen.emit(image.reshape(-1).astype(np.float32) / np.float32(255), int(self.labels[index]))

    def _name(self, label):
        return self.class_names[label] if self.class_names and 0 <= label < len(self.class_names) else str(label)

    def _show_labels(self, index):
        if self.labels is None or not len(self.labels):
            return
        truth = int(self.labels[index])
        self.true_label.setText(f"True: <b>{self._name(truth)}</b>")
        if self.net is None or self.problem():
            self.predicted_label.setText(self.problem() or "Predicted: — (no network)")
            self.bars.set_probabilities(None)
            return
        probabilities = self.net.predict_proba(network_inputs(self.net, self.images[index:index + 1]))[0]
        self.bars.set_probabilities(probabilities)
        predicted = int(self._predictions[index]) if self._predictions is not None else int(np.argmax(probabilities))
        c = palette.current()
        verdict, mark, colour = ("right", c.right_mark, c.hex("right")) if predicted == truth else \
            ("wrong", c.wrong_mark, c.hex("wrong"))
        self.predicted_label.setText(f"Predicted: <b style='color:{colour}'>{self._name(predicted)}</b> "
                                     f"<span style='color:{colour}'>({mark} {verdict})</span>")
        self.predicted_label.setProperty("verdict", verdict)

    def repaint_colours(self):
        """The palette changed (View → Colours): the verdict's colour follows."""
        if self.labels is not None and len(self.labels):
            self._show_labels(self.index_box.value())

    def _update_enabled(self):
        has_data = self.labels is not None and len(self.labels) > 0
        for key, button in self.buttons.items():
            button.setEnabled(has_data and ((self.net is not None and not self.problem()) or "mistake" not in key))
        self.index_box.setEnabled(has_data)


def _preview():
    """A quick look with the real test digits when present, else noise."""
    from mnistbench.data.datasets import load_dataset, to_inputs
    from mnistbench.engine.network import Network
    from mnistbench.errors import MnistbenchError
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    try:
        data = load_dataset("mnist")
        images, labels = data.test_images, data.test_labels
    except MnistbenchError:  # no dataset here: noise still shows the controls
        images = np.random.default_rng(0).integers(0, 256, (100, 28, 28), dtype=np.uint8)
        labels = np.arange(100) % 10
    net = Network([784, 32, 10], activation="relu", loss="cross_entropy", init="he")
    net.fit(to_inputs(images[:8000]), labels[:8000], epochs=1)
    panel = ImageBrowserPanel()
    panel.set_network(net)
    panel.set_dataset(images, labels)
    return run_preview(panel)


if __name__ == "__main__":
    raise SystemExit(_preview())
