"""The two forms of the training panel: the network's shape and the training settings.

``NetworkForm.architecture()`` gives the dict the main window turns into a
``Network``; ``TrainingForm.config()`` builds a ``TrainingConfig`` and lets its
``ConfigError`` through, so the panel can show the engine's own message.
Numbers people type in many magnitudes (learning rate, L2) are text fields.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QSpinBox, QVBoxLayout,
                               QWidget)

from mnistbench.engine.activations import HIDDEN_ACTIVATIONS
from mnistbench.engine.config import OPTIMIZERS, SCHEDULES, TrainingConfig
from mnistbench.errors import ConfigError

INPUTS, OUTPUTS = 784, 10
OUTPUT_LOSSES = {  # label -> (output activation, loss)
    "softmax + cross-entropy": ("softmax", "cross_entropy"),
    "sigmoid + cross-entropy": ("sigmoid", "cross_entropy"),
    "sigmoid + quadratic (classic)": ("sigmoid", "quadratic"),
}
INITS = {"He (for ReLU)": "he", "Xavier (for tanh/sigmoid)": "xavier", "classic N(0, 1/n_in)": "classic"}
DEFAULT_HIDDEN = (128,)


def combo(items, tip, current=None):
    box = QComboBox(toolTip=tip)
    box.addItems(list(items))
    if current is not None:
        box.setCurrentText(current)
    return box


def spin(low, high, value, tip, step=1):
    box = QSpinBox(toolTip=tip, minimum=low, maximum=high, singleStep=step)
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    return box


def number(value, tip):
    return QLineEdit(str(value), toolTip=tip, maximumWidth=110)


class NetworkForm(QWidget):
    """Hidden layers (add, remove, resize), activation, output and loss, initialisation, seed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layers = QListWidget(maximumHeight=80, toolTip="Hidden layers, input side first; "
                                  "double-click a size to change it")
        self.layers.itemChanged.connect(self._clean_item)
        for size in DEFAULT_HIDDEN:
            self._add_item(size)
        self.add_button = QPushButton("Add", toolTip="Add a hidden layer after the selected one")
        self.remove_button = QPushButton("Remove", toolTip="Remove the selected hidden layer")
        self.add_button.clicked.connect(self.add_layer)
        self.remove_button.clicked.connect(self.remove_layer)
        self.activation = combo(HIDDEN_ACTIVATIONS, "Activation of every hidden neuron", "relu")
        self.output = combo(OUTPUT_LOSSES, "Output layer and the loss it is trained with")
        self.init = combo(INITS, "How the weights start: He suits ReLU, Xavier suits tanh and sigmoid")
        self.seed = spin(0, 2**31 - 1, 0, "Seed of the initial weights: same seed, same network")
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.layers, 1)
        row.addLayout(buttons)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Hidden layers", row)
        form.addRow("Hidden activation", self.activation)
        form.addRow("Output + loss", self.output)
        form.addRow("Initialisation", self.init)
        form.addRow("Weight seed", self.seed)

    def _add_item(self, size, row=None):
        item = QListWidgetItem(str(size))
        item.setFlags(item.flags() | Qt.ItemIsEditable)
        item.setToolTip("Neurons in this hidden layer (1 to 65535); double-click to change")
        self.layers.insertItem(self.layers.count() if row is None else row, item)
        return item

    def _clean_item(self, item):
        """Keep each entry a whole number of neurons in range."""
        try:
            size = min(65535, max(1, int(item.text())))
        except ValueError:
            size = DEFAULT_HIDDEN[0]
        if item.text() != str(size):
            item.setText(str(size))

    def add_layer(self):
        row = self.layers.currentRow()
        item = self._add_item(64, None if row < 0 else row + 1)
        self.layers.setCurrentItem(item)

    def remove_layer(self):
        row = self.layers.currentRow()
        self.layers.takeItem(row if row >= 0 else self.layers.count() - 1)

    def hidden_sizes(self):
        return [int(self.layers.item(i).text()) for i in range(self.layers.count())]

    def set_hidden_sizes(self, sizes):
        self.layers.clear()
        for size in sizes:
            self._add_item(size)

    def show_network(self, net):
        """Mirror a loaded or initialised network's shape, so the form says what will train."""
        self.set_hidden_sizes(net.layer_sizes[1:-1])
        hidden = net.activations[:-1]
        if hidden and hidden[0] in HIDDEN_ACTIVATIONS:
            self.activation.setCurrentText(hidden[0])
        for label, pair in OUTPUT_LOSSES.items():
            if pair == (net.activations[-1], net.loss):
                self.output.setCurrentText(label)

    def architecture(self) -> dict:
        output, loss = OUTPUT_LOSSES[self.output.currentText()]
        return {"layer_sizes": [INPUTS, *self.hidden_sizes(), OUTPUTS],
                "activation": self.activation.currentText(), "output": output, "loss": loss,
                "init": INITS[self.init.currentText()], "seed": self.seed.value()}


class TrainingForm(QWidget):
    """Every training setting, each with a tooltip; ``config()`` builds the TrainingConfig."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.optimizer = combo(OPTIMIZERS, "How gradients become steps: plain SGD, momentum, "
                               "Nesterov momentum, or Adam (adaptive, the easy default)", "adam")
        self.learning_rate = number(0.001, "Step size at the start; Adam likes 0.001, SGD 0.1")
        self.momentum = number(0.9, "Momentum/Nesterov: how much of the last step carries on (0-1)")
        self.beta1 = number(0.9, "Adam: decay of the running mean of gradients (0-1)")
        self.beta2 = number(0.999, "Adam: decay of the running mean of squared gradients (0-1)")
        self.schedule = combo(SCHEDULES, "Learning rate over time: constant, divided in steps, "
                              "or a cosine fall to zero")
        self.step_epochs = spin(1, 100000, 10, "Step schedule: epochs between rate drops")
        self.step_gamma = number(0.1, "Step schedule: the rate is multiplied by this at each drop")
        self.weight_decay = number(0.0, "L2 regularisation: pulls every weight towards zero (0 = off)")
        self.dropout = number(0.0, "Chance of silencing each hidden neuron per example while "
                              "training (0 = off, 0.2-0.5 typical)")
        self.batch_size = spin(1, 65536, 64, "Examples per gradient step")
        self.epochs = spin(1, 100000, 3, "Passes over the training set")
        self.validation_size = spin(0, 10**8, 1000, "Random validation examples per curve point "
                                    "(0 = all of them)", step=500)
        self.evaluations = spin(0, 1000, 4, "Validation curve points per epoch")
        self.patience = spin(0, 100000, 0, "Stop after this many epochs without a better "
                             "validation loss, keeping the best weights (0 = off)")
        self.augment = QCheckBox("shift and rotate", toolTip="Randomly shift and rotate each "
                                 "training image a little: slower to learn, generalises better")
        self.augment_shift = number(2.0, "Augmentation: largest shift in pixels")
        self.augment_rotation = number(10.0, "Augmentation: largest rotation in degrees")
        self.seed = spin(0, 2**31 - 1, 0, "Seed of shuffling, dropout, augmentation and validation subsets")
        self._lay_out()
        self.optimizer.currentTextChanged.connect(self._enable_relevant)
        self.schedule.currentTextChanged.connect(self._enable_relevant)
        self.augment.toggled.connect(self._enable_relevant)
        self._enable_relevant()

    def _lay_out(self):
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("Optimiser", self.optimizer), ("Learning rate", self.learning_rate),
                              ("Momentum", self.momentum), ("Adam β1 / β2", self._pair(self.beta1, self.beta2)),
                              ("Schedule", self.schedule),
                              ("Step every / ×", self._pair(self.step_epochs, self.step_gamma)),
                              ("L2 weight decay", self.weight_decay), ("Dropout", self.dropout),
                              ("Batch size", self.batch_size), ("Epochs", self.epochs),
                              ("Validation subset", self.validation_size),
                              ("Evaluations / epoch", self.evaluations),
                              ("Early stopping", self.patience), ("Augmentation", self.augment),
                              ("Shift px / rotation °", self._pair(self.augment_shift, self.augment_rotation)),
                              ("Shuffle seed", self.seed)):
            form.addRow(label, widget)

    @staticmethod
    def _pair(first, second):
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(first)
        row.addWidget(second)
        return box

    def _enable_relevant(self, *_):
        optimizer = self.optimizer.currentText()
        self.momentum.setEnabled(optimizer in ("momentum", "nesterov"))
        self.beta1.setEnabled(optimizer == "adam")
        self.beta2.setEnabled(optimizer == "adam")
        self.step_epochs.setEnabled(self.schedule.currentText() == "step")
        self.step_gamma.setEnabled(self.schedule.currentText() == "step")
        self.augment_shift.setEnabled(self.augment.isChecked())
        self.augment_rotation.setEnabled(self.augment.isChecked())

    def config(self) -> TrainingConfig:
        """The settings as a TrainingConfig; raises ConfigError naming the bad value."""
        floats = {name: _parse_float(name, getattr(self, name).text())
                  for name in ("learning_rate", "momentum", "beta1", "beta2", "step_gamma",
                               "weight_decay", "dropout", "augment_shift", "augment_rotation")}
        return TrainingConfig(
            optimizer=self.optimizer.currentText(), schedule=self.schedule.currentText(),
            step_epochs=self.step_epochs.value(), batch_size=self.batch_size.value(),
            epochs=self.epochs.value(), validation_size=self.validation_size.value(),
            evaluations_per_epoch=self.evaluations.value(),
            early_stopping_patience=self.patience.value(), augment=self.augment.isChecked(),
            seed=self.seed.value(), **floats)


def _parse_float(name, text):
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {text.strip()!r}") from None
