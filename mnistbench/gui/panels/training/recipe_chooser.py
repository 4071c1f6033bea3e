"""The recipe chooser: fill the network and training forms from a named recipe.

The recipes are the CLI's (``mnistbench train --recipe NAME``), so the window
and the command line start from the same settings. The default recipe, the
quick good network, comes first and fills the forms at start; editing any
setting turns the chooser to the recipe the forms then match (a loaded
best-mnist network shows best-mnist) or to "Your own settings". Choosing a
recipe asks for a fresh network of its shape.
"""

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from mnistbench.errors import ConfigError
from mnistbench.gui.panels.training.training_widgets import FocusedWheelComboBox
from mnistbench.workflows.recipes import DEFAULT_RECIPE, RECIPES, recipe_architecture, recipe_config, recipe_title

OWN_SETTINGS = "Your own settings"


def changed_signal(widget):
    """The signal a form widget sends when its value changes."""
    if isinstance(widget, QComboBox):
        return widget.currentTextChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    raise TypeError(f"no change signal known for {type(widget).__name__}")


class RecipeChooser(FocusedWheelComboBox):
    sig_recipe_chosen = Signal(str)  # the user chose this recipe: the forms now hold it

    def __init__(self, network_form, training_form, parent=None):
        super().__init__(toolTip="Fill the network and training settings from a recipe (the same as "
                         "`mnistbench train --recipe`); change any setting afterwards")
        if parent is not None:
            self.setParent(parent)
        self.network_form, self.training_form = network_form, training_form
        # long titles must not widen the training column: the list pops up as wide as it needs
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        for name in sorted(RECIPES, key=lambda name: name != DEFAULT_RECIPE):  # the default first
            self.addItem(recipe_title(name), name)
            self.setItemData(self.count() - 1, recipe_title(name), 3)  # ToolTipRole: the whole line
        self.addItem(OWN_SETTINGS, "")
        longest = max(self.fontMetrics().horizontalAdvance(self.itemText(i)) for i in range(self.count()))
        self.view().setMinimumWidth(longest + 32)  # whole titles in the list
        self._applying = False
        self.activated.connect(self._activated)
        layers = network_form.layers.model()
        for signal in (layers.rowsInserted, layers.rowsRemoved, layers.dataChanged):
            signal.connect(self._forms_edited)
        widgets = [network_form.activation, network_form.output, network_form.init, network_form.seed,
                   *training_form.widgets.values()]
        for widget in widgets:
            changed_signal(widget).connect(self._forms_edited)

    @property
    def recipe(self) -> str:
        """The recipe the forms hold, or "" once they are the user's own."""
        return self.currentData()

    def apply(self, name) -> None:
        """Set both forms to recipe ``name``'s settings."""
        self._applying = True
        try:
            self.network_form.show_architecture(recipe_architecture(name))
            self.training_form.show_config(recipe_config(name))
        finally:
            self._applying = False
        self.setCurrentIndex(self.findData(name))

    @Slot(int)
    def _activated(self, index):
        name = self.itemData(index)
        if name:
            self.apply(name)
            self.sig_recipe_chosen.emit(name)

    @Slot()
    def _forms_edited(self, *_):
        if not self._applying:
            self.setCurrentIndex(self.findData(self._matching_recipe()))

    def _matching_recipe(self) -> str:
        """The recipe the forms now hold exactly (a loaded best-mnist network shows best-mnist), or ""."""
        try:
            config = self.training_form.config()
        except ConfigError:  # a half-typed value is nobody's recipe
            return ""
        architecture = dict(self.network_form.architecture())
        architecture.pop("seed")
        for name in RECIPES:
            if recipe_architecture(name) == architecture and recipe_config(name) == config:
                return name
        return ""
