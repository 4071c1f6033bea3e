"""The window as a desktop tool: settings survive a crash, keys reach their action wherever the focus is,
View raises panels, the toolbar and the Help menu, "paused", fine-tuning asks first, the window fits the screen."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar  # noqa: E402

from idx_factory import synthetic_digits  # noqa: E402
from mnistbench.gui.window import recovery  # noqa: E402
from mnistbench.gui.window.help_menu import readme_text, shortcut_rows, versions  # noqa: E402
from mnistbench.gui.window.main_window import MainWindow  # noqa: E402
from mnistbench.gui.window.menus import in_front  # noqa: E402
from mnistbench.netfile import save_network  # noqa: E402
from window_helpers import answer, bring_to_front, small_net  # noqa: E402

pytestmark = pytest.mark.gui


def activate(window, qtbot):
    """Make ``window`` the active window, as a click on it would (keys go to the active window)."""
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def long_training(window, qtbot):
    form = window.training_panel.training_form
    form.epochs.setValue(500)
    form.batch_size.setValue(20)
    window.actions.train.trigger()
    qtbot.waitUntil(lambda: window.status.progress.value() > 0 or bool(window.status.batch_label.text()),
                    timeout=10000)


def test_settings_are_saved_as_they_change_and_survive_a_crash(make_window, qtbot, tmp_path, data_root):
    window = make_window()
    save_network(small_net(), tmp_path / "kept.nn")
    window.files.open_network(tmp_path / "kept.nn")
    window.docks["log"].hide()
    window.resizeDocks([window.docks["training"]], [300], Qt.Horizontal)
    qtbot.waitUntil(lambda: not window.autosave.layout_timer.isActive(), timeout=5000)
    # no closeEvent: the process dies here; a new window reads what is on disk
    again = MainWindow(settings=recovery.open_settings(), networks_dir=tmp_path / "no-networks")
    qtbot.addWidget(again)
    assert again.state.recent == [str((tmp_path / "kept.nn").resolve())]
    assert again.settings.value("data/folder") == str(data_root / "digits")
    assert again.docks["log"].isHidden() and not again.docks["training"].isHidden()
    assert again.geometry_restored


def test_view_and_alt_keys_bring_a_panel_behind_a_tab_to_the_front_never_hide_it(make_window, qtbot):
    window = make_window()
    confusion, curves = window.docks["confusion"], window.docks["curves"]
    qtbot.waitUntil(lambda: in_front(curves))
    assert not in_front(confusion) and not confusion.isHidden()  # tabbed behind the curves
    window.actions.view["confusion"].trigger()
    assert in_front(confusion) and not in_front(curves) and not confusion.isHidden()
    activate(window, qtbot)
    window.setFocus()
    qtbot.keyClick(window, Qt.Key_2, Qt.AltModifier)  # Alt+2: the curves, behind the confusion matrix now
    assert in_front(curves) and not curves.isHidden()
    window.docks["imagine"].hide()
    window.actions.view["imagine"].trigger()
    assert in_front(window.docks["imagine"]) and window.actions.view["imagine"].isChecked()


@pytest.mark.parametrize("focus", ["window", "spin box", "inspector"])
def test_escape_stops_training_wherever_the_focus_is(make_window, qtbot, focus):
    window = make_window()
    bring_to_front(window, "inspector")
    long_training(window, qtbot)
    target = {"window": window, "spin box": window.training_panel.training_form.epochs,
              "inspector": window.inspector_panel.view}[focus]
    activate(window, qtbot)
    target.setFocus()
    with qtbot.waitSignal(window.controller.sig_finished, timeout=30000) as finished:
        qtbot.keyClick(target, Qt.Key_Escape)
    assert finished.args[0].stop_reason == "stopped"
    if focus == "inspector":  # idle again: Esc is the inspector's "clear selection" once more, not ambiguous
        window.inspector_panel.scene.select(1, 0)
        assert window.inspector_panel.scene.selected
        qtbot.keyClick(target, Qt.Key_Escape)
        assert not window.inspector_panel.scene.selected


def test_the_toolbar_runs_the_main_actions_and_the_status_bar_says_paused(make_window, qtbot):
    window = make_window()
    bar = window.findChild(QToolBar, "toolbar_main")
    actions = window.actions
    assert bar.actions()[:4] == [actions.train, actions.pause, actions.stop, actions.evaluate]
    long_training(window, qtbot)
    actions.pause.trigger()
    assert window.status.paused_label.isVisibleTo(window) and actions.pause.text() == "&Resume"
    window.status.refresh()
    qtbot.waitUntil(lambda: "paused" in window.status.summary_label.text())
    actions.pause.trigger()
    assert not window.status.paused_label.isVisibleTo(window) and actions.pause.text() == "&Pause"
    with qtbot.waitSignal(window.controller.sig_finished, timeout=30000):
        actions.stop.trigger()


def test_help_lists_every_shortcut_and_shows_versions_and_the_readme(make_window):
    window = make_window()
    help_menu = window.actions.help
    help_menu.shortcuts.trigger()
    table = help_menu.dialog.table
    listed = {table.item(row, 0).text(): table.item(row, 1).text() for row in range(table.rowCount())}
    assert listed == dict(shortcut_rows(window.actions.all()))
    assert "Esc" in listed["Stop"] and listed["Confusion matrix"] == "Alt+3" and "Keyboard shortcuts" in listed
    help_menu.dialog.close()
    help_menu.about.trigger()
    text = help_menu.dialog.text()
    assert all(name in text and version in text for name, version in versions())
    help_menu.dialog.close()
    assert "mnistbench" in readme_text()
    help_menu.readme.trigger()
    assert "mnistbench" in help_menu.dialog.browser.toPlainText()
    help_menu.dialog.close()


def test_the_first_window_fits_the_screen(make_window):
    window = make_window()
    area = window.screen().availableGeometry()
    assert area.contains(window.frameGeometry()) or (window.width() <= area.width()
                                                     and window.height() <= area.height())
    assert window.width() < 1200  # the offscreen screen is small: two columns, none squeezed
    assert window.docks["training"].width() > 0.3 * window.width()
    assert window.docks["curves"].width() > 0.4 * window.width()
    assert window.tabifiedDockWidgets(window.docks["curves"]).count(window.docks["inspector"]) == 1


def test_a_test_accuracy_shown_is_forgotten_when_the_network_or_dataset_changes(make_window, qtbot):
    window = make_window()
    with qtbot.waitSignal(window.controller.sig_running_changed, timeout=30000):
        window.actions.evaluate.trigger()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    assert "test accuracy" in window.status.accuracy_label.text()
    window.state.set_network(window.state.network)  # the same network again: still its figure
    assert "test accuracy" in window.status.accuracy_label.text()
    window.files.initialise_from_panel()
    qtbot.waitUntil(lambda: window.status.accuracy_label.text() == "", timeout=10000)


def test_fine_tuning_asks_first_then_shows_test_and_own_digit_accuracy_before_and_after(make_window, qtbot):
    window = make_window()
    images, labels = synthetic_digits(12, 3)
    window.files.initialise_from_panel()
    qtbot.waitUntil(lambda: window.state.network is not None and not window.files.initialising.busy)
    before = window.state.network
    asked = answer(window, QMessageBox.Cancel)
    assert not window.training.fine_tune(images, labels)
    assert "10 of your 12 digits (2 held out" in asked[0][1] and window.state.network is before
    assert not window.controller.running
    window.training_panel.training_form.batch_size.setValue(50)
    asked = answer(window, QMessageBox.Yes)
    with qtbot.waitSignal(window.controller.sig_finished, timeout=60000):
        assert window.training.fine_tune(images, labels)
    assert "mixed with 600 digits training images" in asked[0][1]
    box = asked[0][0]
    assert box.button(QMessageBox.Yes).text() == "&Yes" and box.button(QMessageBox.Cancel).text() == "&Cancel"
    summary = window.training.fine_tuning.summary
    assert summary.startswith("fine-tuned: test accuracy ") and "your held-out digits" in summary
    assert "→" in summary and summary in window.log_panel.text()
    assert window.state.network is not before


def test_a_click_on_the_digit_pad_gives_it_the_keys(make_window, qtbot):
    window = make_window()
    bring_to_front(window, "digit_pad")
    canvas = window.digit_pad_panel.canvas
    activate(window, qtbot)
    window.training_panel.training_form.epochs.setFocus()
    qtbot.mousePress(canvas, Qt.LeftButton, pos=QPoint(100, 60))
    qtbot.mouseMove(canvas, QPoint(110, 200))
    qtbot.mouseRelease(canvas, Qt.LeftButton, pos=QPoint(110, 200))
    assert QApplication.focusWidget() is canvas
    assert not canvas.is_empty()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Z, Qt.ControlModifier)
    assert canvas.is_empty()
    assert np.all(window.digit_pad_panel.canvas.pixels() == 0)


def test_growing_the_window_back_gives_the_right_column_its_share(make_window, qtbot):
    """(Under X11 Qt alone gave the training column all the new width; offscreen it does not always.)"""
    window = make_window()
    window.resize(1500, 950)
    window.reset_layout()
    inspector = window.docks["inspector"]
    qtbot.waitUntil(lambda: inspector in window.column_shares.shares, timeout=5000)
    share = inspector.width() / window.width()
    assert share > 0.3
    window.resize(1000, 700)
    qtbot.wait(300)
    window.resize(1500, 950)
    qtbot.wait(300)
    assert abs(inspector.width() / window.width() - share) < 0.03
    assert window.docks["inspector"] in window.column_shares.shares


@pytest.mark.parametrize("width, columns", [(1500, 3), (1000, 2), (650, 1)])
def test_the_default_layout_has_as_many_columns_as_the_window_has_room_for(make_window, qtbot, width, columns):
    window = make_window()
    window.resize(width, 600)
    window.reset_layout()
    docks = window.docks
    tabbed_with_curves = window.tabifiedDockWidgets(docks["curves"])
    assert (docks["inspector"] in tabbed_with_curves) == (columns < 3)
    assert (docks["training"] in tabbed_with_curves) == (columns == 1)
    assert all(not dock.isHidden() and not dock.isFloating() for dock in docks.values())
    assert in_front(docks["training"]) and in_front(docks["log"])
    if columns > 1:
        assert in_front(docks["curves"])
        assert docks["training"].width() >= docks["training"].widget().minimumWidth()


def test_pause_and_stop_are_off_until_a_run_starts(make_window, qtbot):
    window = make_window()
    actions = window.actions
    assert not actions.pause.isEnabled() and not actions.stop.isEnabled() and actions.train.isEnabled()
    long_training(window, qtbot)
    assert actions.pause.isEnabled() and actions.stop.isEnabled() and not actions.train.isEnabled()
    with qtbot.waitSignal(window.controller.sig_finished, timeout=30000):
        actions.stop.trigger()
    qtbot.waitUntil(lambda: not actions.stop.isEnabled(), timeout=10000)
