"""The training panel offers the recipes, the quick good network first (issue 15)."""

import pytest

from mnistbench.gui.panels.training.recipe_chooser import OWN_SETTINGS
from mnistbench.gui.panels.training.training_panel import TrainingPanel
from mnistbench.workflows.recipes import DEFAULT_RECIPE, RECIPES, recipe_architecture, recipe_config

pytestmark = pytest.mark.gui


def make_panel(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    return panel


def test_the_forms_start_on_the_quick_good_network(qtbot):
    panel = make_panel(qtbot)
    assert DEFAULT_RECIPE == "quick" and panel.recipe_chooser.recipe == "quick"
    architecture = panel.network_form.architecture()
    assert architecture["layer_sizes"] == recipe_architecture("quick")["layer_sizes"]
    assert panel.training_form.config() == recipe_config("quick")


def test_choosing_a_recipe_fills_both_forms_and_asks_for_a_fresh_network(qtbot):
    panel = make_panel(qtbot)
    chooser = panel.recipe_chooser
    names = [chooser.itemData(i) for i in range(chooser.count())]
    assert names[0] == "quick" and sorted(names[:-1]) == sorted(RECIPES) and names[-1] == ""
    with qtbot.waitSignal(panel.sig_initialise_requested) as asked:
        chooser.activated.emit(chooser.findData("classic"))
    assert asked.args[0]["layer_sizes"] == [784, 30, 10] and asked.args[0]["loss"] == "quadratic"
    assert asked.args[0]["init"] == "classic"
    assert panel.training_form.config() == recipe_config("classic") and chooser.recipe == "classic"


def test_editing_a_setting_makes_the_settings_your_own_unless_they_match_a_recipe(qtbot):
    from tiny_network import trained_network

    panel = make_panel(qtbot)
    panel.training_form.epochs.setValue(3)
    assert panel.recipe_chooser.recipe == "" and panel.recipe_chooser.currentText() == OWN_SETTINGS
    panel.training_form.epochs.setValue(12)  # back to the recipe's value: the recipe again
    assert panel.recipe_chooser.recipe == "quick"
    panel.recipe_chooser.apply("best-mnist")
    assert panel.recipe_chooser.recipe == "best-mnist"
    panel.network_form.show_network(trained_network("relu", hidden=(16,), epochs=1))
    assert panel.recipe_chooser.recipe == ""
    panel.training_form.learning_rate.setText("0.")  # half typed
    assert panel.recipe_chooser.recipe == ""


def test_the_long_recipe_titles_do_not_widen_the_training_column(qtbot):
    panel = make_panel(qtbot)
    chooser = panel.recipe_chooser
    assert chooser.minimumSizeHint().width() < 300
    longest = max((chooser.itemText(i) for i in range(chooser.count())), key=len)
    assert chooser.view().minimumWidth() > chooser.fontMetrics().horizontalAdvance(longest)
