"""The two forms of the training panel: the network's shape and the training settings.

``NetworkForm.architecture()`` gives the dict the main window turns into a
``Network``; ``TrainingForm`` builds its rows from the shared settings table
(``mnistbench.workflows.settings``: labels, tooltips, ranges, when a row
applies) and ``config()`` lets the engine's ``ConfigError`` through, so the
panel can show its own message. Decimal numbers are text fields. The basic
settings come first; the rest sit in an "Advanced" section that opens on demand.
Spin boxes and combo boxes take the mouse wheel only when focused: scrolling
the panel must not edit what passes under the mouse.
"""

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QToolButton, QVBoxLayout, QWidget)

from mnistbench.engine.activations import HIDDEN_ACTIVATIONS
from mnistbench.engine.config import TrainingConfig
from mnistbench.gui.panels.training.training_widgets import SPIN_BOX_MAX, combo, number, spin
from mnistbench.gui.widgets.palette import NEUTRAL, hex_of
from mnistbench.workflows.settings import ARCHITECTURE_SETTINGS, TRAINING_SETTINGS, default_value, parse_number

INPUTS, OUTPUTS = 784, 10
OUTPUT_LOSSES = {  # label -> (output activation, loss)
    "softmax + cross-entropy": ("softmax", "cross_entropy"),
    "sigmoid + cross-entropy": ("sigmoid", "cross_entropy"),
    "sigmoid + quadratic (classic)": ("sigmoid", "quadratic"),
}
INITS = {"He (for ReLU)": "he", "Xavier (for tanh/sigmoid)": "xavier", "classic N(0, 1/n_in)": "classic"}
DEFAULT_HIDDEN = (128,)
MAX_HIDDEN = 65535
BASIC_FIELDS = ("optimizer", "learning_rate", "batch_size", "epochs")  # shown first; the rest under Advanced
_ARCHITECTURE = {setting.field: setting for setting in ARCHITECTURE_SETTINGS}


class NetworkForm(QWidget):
    """Hidden layers (add, remove, resize), activation, output and loss, initialisation, seed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layers = QListWidget(maximumHeight=80, toolTip="Hidden layers, input side first; "
                                  "double-click a size to change it")
        self.layers_message = QLabel(wordWrap=True, visible=False)  # a refused layer size, in red
        self.layers.itemChanged.connect(self._clean_item)
        for size in DEFAULT_HIDDEN:
            self._add_item(size)
        self.add_button = QPushButton("Add", toolTip="Add a hidden layer after the selected one")
        self.remove_button = QPushButton("Remove", toolTip="Remove the selected hidden layer")
        self.add_button.clicked.connect(self.add_layer)
        self.remove_button.clicked.connect(self.remove_layer)
        activation = _ARCHITECTURE["activation"]
        self.activation = combo(activation.choices, activation.help, activation.default)
        self.output = combo(OUTPUT_LOSSES, "Output layer and the loss it is trained with")
        self.init = combo(INITS, _ARCHITECTURE["init"].help)
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
        form.addRow(self.layers_message)
        form.addRow("Hidden activation", self.activation)
        form.addRow("Output + loss", self.output)
        form.addRow("Initialisation", self.init)
        form.addRow("Weight seed", self.seed)

    def _add_item(self, size, row=None):
        item = QListWidgetItem(str(size))
        item.setData(Qt.UserRole, size)  # the last accepted size: a refused edit goes back to it
        item.setFlags(item.flags() | Qt.ItemIsEditable)
        item.setToolTip(f"Neurons in this hidden layer (1 to {MAX_HIDDEN:,}); double-click to change")
        self.layers.insertItem(self.layers.count() if row is None else row, item)
        return item

    def _clean_item(self, item):
        """Accept a whole number of neurons in range; refuse anything else visibly, keeping the old size."""
        previous, text = item.data(Qt.UserRole), item.text().strip()
        size = int(text) if text.isdigit() else None
        if size is None or not 1 <= size <= MAX_HIDDEN:
            item.setText(str(previous))
            self._say(f"“{text}” is not a layer size: a whole number from 1 to {MAX_HIDDEN:,}. "
                      f"Kept {previous}.")
            return
        self._say("")
        if item.text() != str(size) or previous != size:
            item.setData(Qt.UserRole, size)
            item.setText(str(size))

    def _say(self, text):
        self.layers_message.setText(f'<span style="color:{hex_of(NEUTRAL.error)}">{html.escape(text)}</span>')
        self.layers_message.setVisible(bool(text))

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
        self._show_output(net.activations[-1], net.loss)

    def show_architecture(self, architecture: dict) -> None:
        """Set the form to an architecture dict (``recipes.recipe_architecture``'s keys)."""
        self.set_hidden_sizes(architecture["layer_sizes"][1:-1])
        self.activation.setCurrentText(architecture["activation"])
        self._show_output(architecture["output"], architecture["loss"])
        for label, init in INITS.items():
            if init == architecture["init"]:
                self.init.setCurrentText(label)

    def _show_output(self, output, loss):
        for label, pair in OUTPUT_LOSSES.items():
            if pair == (output, loss):
                self.output.setCurrentText(label)

    def architecture(self) -> dict:
        output, loss = OUTPUT_LOSSES[self.output.currentText()]
        return {"layer_sizes": [INPUTS, *self.hidden_sizes(), OUTPUTS],
                "activation": self.activation.currentText(), "output": output, "loss": loss,
                "init": INITS[self.init.currentText()], "seed": self.seed.value()}


class TrainingForm(QWidget):
    """One row per entry of the shared settings table; ``config()`` builds the TrainingConfig.

    Each widget is also an attribute named after its field (``form.learning_rate``).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.widgets = {setting.field: _widget_for(setting) for setting in TRAINING_SETTINGS}
        self.basic, self.advanced = QFormLayout(), QFormLayout()  # rows in the table's order in each
        self.advanced_section = QWidget(visible=False)
        self.advanced_section.setLayout(self.advanced)
        self.advanced.setContentsMargins(12, 0, 0, 0)  # indented under its button
        self.advanced_button = QToolButton(text="Advanced", checkable=True, arrowType=Qt.RightArrow,
                                           toolButtonStyle=Qt.ToolButtonTextBesideIcon, autoRaise=True,
                                           toolTip="Show or hide the other settings: momentum, Adam, "
                                           "schedule, regularisation, augmentation, validation, seed")
        self.advanced_button.toggled.connect(self.show_advanced)
        for setting in TRAINING_SETTINGS:
            widget = self.widgets[setting.field]
            setattr(self, setting.field, widget)
            (self.basic if setting.field in BASIC_FIELDS else self.advanced).addRow(setting.label, widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.basic)
        layout.addWidget(self.advanced_button)
        layout.addWidget(self.advanced_section)
        for field in {s.applies_when[0] for s in TRAINING_SETTINGS if s.applies_when}:
            _changed_signal(self.widgets[field]).connect(self._enable_relevant)
        self._enable_relevant()

    def show_advanced(self, shown=True):
        """Open (or close) the Advanced section."""
        self.advanced_button.setChecked(shown)
        self.advanced_button.setArrowType(Qt.DownArrow if shown else Qt.RightArrow)
        self.advanced_section.setVisible(shown)

    def reveal(self, field):
        """Make ``field``'s widget seen and focused (a refused setting): opens Advanced if it is there."""
        if field not in BASIC_FIELDS:
            self.show_advanced(True)
        self.widgets[field].setFocus()

    def _enable_relevant(self, *_):
        """Grey out what the current choices make irrelevant (momentum under Adam, ...)."""
        for setting in TRAINING_SETTINGS:
            if setting.applies_when:
                field, values = setting.applies_when
                self.widgets[setting.field].setEnabled(_read(self.widgets[field], _SETTINGS[field]) in values)

    def config(self) -> TrainingConfig:
        """The settings as a TrainingConfig; raises ConfigError naming the bad value."""
        return TrainingConfig(**{s.field: _read(self.widgets[s.field], s) for s in TRAINING_SETTINGS})

    def show_config(self, config):
        """Set every widget to ``config``'s value (a recipe, the last run's settings)."""
        values = config.describe()
        for setting in TRAINING_SETTINGS:
            _write(self.widgets[setting.field], setting, values[setting.field])


_SETTINGS = {setting.field: setting for setting in TRAINING_SETTINGS}


def _widget_for(setting):
    """The widget a kind of setting gets: combo, check box, spin box, or a text field for floats
    (people type them in many magnitudes: 0.001, 1e-8)."""
    if setting.kind == "choice":
        widget = combo(setting.choices, setting.help)
    elif setting.kind == "bool":
        widget = QCheckBox(toolTip=setting.help)
    elif setting.kind == "int":
        top = min(int(setting.maximum), SPIN_BOX_MAX)
        widget = spin(int(setting.minimum), top, 0, setting.help, step=int(setting.step))
    else:
        widget = number("", setting.help)
    _write(widget, setting, default_value(setting))
    return widget


def _changed_signal(widget):
    return widget.currentTextChanged if isinstance(widget, QComboBox) else widget.toggled


def _read(widget, setting):
    if setting.kind == "choice":
        return widget.currentText()
    if setting.kind == "bool":
        return widget.isChecked()
    if setting.kind == "int":
        return widget.value()
    return parse_number(setting, widget.text())


def _write(widget, setting, value):
    if setting.kind == "choice":
        widget.setCurrentText(value)
    elif setting.kind == "bool":
        widget.setChecked(bool(value))
    elif setting.kind == "int":
        widget.setValue(min(int(value), widget.maximum()))  # a seed may exceed what a spin box holds
    else:
        widget.setText(f"{value:g}")
