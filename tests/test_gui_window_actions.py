"""Every menu action runs, with its dialogs answered by the test; the log, the status bar and errors."""

import logging
import re
import sys

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction, QColor, QImage  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMenu  # noqa: E402

from mnistbench.gui import app  # noqa: E402
from mnistbench.gui.widgets import export_pictures, palette  # noqa: E402
from mnistbench.gui.window.menus import in_front  # noqa: E402
from mnistbench.netfile import load_network  # noqa: E402

pytestmark = pytest.mark.gui


class Dialogs:
    """Stands in for QFileDialog: save dialogs get a new file in ``folder``, open dialogs ``to_open``."""

    def __init__(self, folder):
        self.folder, self.saved, self.to_open, self.count, self.starts = folder, [], None, 0, []

    def save_name(self, parent, caption, start="", pattern="", *rest, **options):
        self.count += 1
        self.starts.append(start)
        found = re.search(r"\*(\.\w+)", pattern)  # the first filter's suffix
        suffix = found.group(1) if found else ".txt"
        self.saved.append(self.folder / f"file_{self.count}{suffix}")
        return str(self.saved[-1]), pattern

    def open_name(self, parent, caption, start="", pattern="", *rest, **options):
        return str(self.to_open), pattern


@pytest.fixture
def dialogs(tmp_path, monkeypatch):
    answers = Dialogs(tmp_path)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answers.save_name))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(answers.open_name))
    monkeypatch.setattr(export_pictures.PngOptionsDialog, "ask",  # the PNG export's size question
                        classmethod(lambda cls, parent, size: export_pictures.PngOptions(size.width(), 96)))
    return answers


def menu_actions(menu):
    """Every action reachable from ``menu`` (a submenu counts as its entries, not itself)."""
    found = []
    for action in menu.actions():
        if action.menu() is not None:
            found += menu_actions(action.menu())
        elif not action.isSeparator():
            found.append(action)
    return found


def test_the_menus_hold_exactly_the_window_actions(make_window):
    window = make_window()
    in_menus = set(menu_actions(window.menuBar()))
    assert in_menus == set(window.actions.all())
    assert all(isinstance(action, QAction) for action in window.actions.all())


def test_every_menu_action_does_its_job(make_window, qtbot, dialogs, tmp_path):
    window = make_window()
    actions, controller = window.actions, window.controller
    form = window.training_panel.training_form
    form.epochs.setValue(200)
    form.batch_size.setValue(50)
    actions.train.trigger()
    qtbot.waitUntil(lambda: window.status.progress.value() > 0, timeout=10000)
    actions.pause.trigger()
    assert controller.paused and window.training_panel.pause_button.text() == "Resume"
    actions.pause.trigger()
    assert not controller.paused
    with qtbot.waitSignal(controller.sig_finished, timeout=30000):
        actions.stop.trigger()
    assert window.state.modified and not actions.stop.isEnabled() and actions.train.isEnabled()
    with qtbot.waitSignal(controller.sig_running_changed, timeout=30000):
        actions.evaluate.trigger()
    qtbot.waitUntil(lambda: not controller.running, timeout=30000)
    assert window.confusion_panel.model.total == 200

    actions.save_as.trigger()
    saved = dialogs.saved[-1]
    assert saved.suffix == ".nn" and window.state.path == saved and not window.state.modified
    saved.unlink()
    actions.save.trigger()
    assert load_network(saved).layer_sizes == window.state.network.layer_sizes
    for action, suffix, start in ((actions.export_png, ".png", b"\x89PNG"), (actions.export_svg, ".svg", b"<"),
                                  (actions.export_csv, ".csv", b"epoch_position")):
        action.trigger()
        written = dialogs.saved[-1]
        assert written.suffix == suffix and written.read_bytes().startswith(start), written
    assert b"<svg" in dialogs.saved[-2].read_bytes()
    assert len(dialogs.saved[-1].read_text().splitlines()) > 2  # a header and the run's rows
    exports_beyond_the_curves(window, qtbot, dialogs)
    colours_menu(window, qtbot)

    actions.initialise.trigger()
    assert window.state.path is None and window.state.network is not None
    dialogs.to_open = saved
    actions.open.trigger()
    assert window.state.path == saved
    actions.initialise.trigger()
    actions.recent_menu.aboutToShow.emit()
    recent = [a for a in actions.recent_menu.actions() if a.text() == str(saved.resolve())]
    recent[0].trigger()
    assert window.state.path == saved

    for name, toggle in actions.view.items():  # a panel in front hides; one behind a tab comes to the front
        dock = window.docks[name]
        if in_front(dock):
            toggle.trigger()
            assert dock.isHidden() and not toggle.isChecked(), name
        toggle.trigger()
        assert in_front(dock) and toggle.isChecked(), name
    window.docks["digit_pad"].setFloating(True)
    actions.reset_layout.trigger()
    assert not window.docks["digit_pad"].isFloating()
    actions.quit.trigger()
    assert not window.isVisible()


def exports_beyond_the_curves(window, qtbot, dialogs):
    """File → Export: the confusion matrix, the drawing, the weight maps and the imagined digits."""
    actions = window.actions
    window.docks["imagine"].raise_()
    qtbot.waitUntil(lambda: window.imagine_panel.imagined() is not None, timeout=10000)
    sizes = {}
    for action in (actions.export_confusion, actions.export_drawing, actions.export_weight_maps,
                   actions.export_imagined):
        action.trigger()
        written = dialogs.saved[-1]
        assert written.suffix == ".png" and written.read_bytes().startswith(b"\x89PNG"), action.text()
        sizes[action.text()] = QImage(str(written)).size()
    assert all(size.width() >= 300 and size.height() >= 150 for size in sizes.values()), sizes
    assert dialogs.starts[-4].endswith("_confusion_matrix.png")  # named from the network and what it shows


def colours_menu(window, qtbot):
    """View → Colours: the colour-blind safe palette reaches the panels at once and is saved."""
    actions = window.actions
    assert actions.colours["standard"].isChecked()
    diagonal = window.confusion_panel.model.index(0, 0)
    before = window.confusion_panel.model.data(diagonal, Qt.BackgroundRole)
    actions.colours["colour_blind_safe"].trigger()
    try:
        after = window.confusion_panel.model.data(diagonal, Qt.BackgroundRole)
        assert after.blue() > after.green() > after.red() and before.green() > before.blue()
        assert window.settings.value("view/palette") == "colour_blind_safe"
        assert window.inspector_panel.scene.verdict_colour != QColor(*palette.STANDARD.unknown)
        actions.explain_colours.trigger()
        legend = actions.colour_legend
        assert legend.isVisible() and "Colour-blind safe" in legend.text.text()
        assert palette.COLOUR_BLIND_SAFE.hex("wrong") in legend.text.text()
        legend.close()
    finally:
        actions.colours["standard"].trigger()
    assert window.confusion_panel.model.data(diagonal, Qt.BackgroundRole) == before


def test_log_records_show_with_their_level_and_problems_reach_the_status_bar(make_window, logged_errors):
    logged_errors.expect("a refused file")
    window = make_window()
    logger = logging.getLogger("mnistbench.gui.test")
    logger.info("an ordinary line")
    logger.info("a good result", extra={"success": True})
    logger.warning("a warning line")
    logger.error("a refused file")
    lines = window.log_panel.text().splitlines()[-4:]
    assert [line.split(" ", 1)[1] for line in lines] == [
        "an ordinary line", "a good result", "warning: a warning line", "error: a refused file"]
    page = window.log_panel.view.document().toHtml()
    assert "#2e8b3a" in page and "#c07000" in page and "#d03030" in page
    assert window.status.currentMessage() == "a refused file"
    logger.debug("below INFO: not shown")
    assert "below INFO" not in window.log_panel.text()


def test_an_exception_escaping_a_slot_is_logged_by_the_application_hook(make_window, logged_errors):
    logged_errors.expect("unexpected error: ZeroDivisionError")
    window = make_window()
    try:
        1 / 0
    except ZeroDivisionError:
        app.log_uncaught(*sys.exc_info())
    assert "unexpected error: ZeroDivisionError: division by zero" in window.log_panel.text()
    assert window.status.currentMessage().startswith("unexpected error")


def test_a_closed_window_stops_listening_to_the_log(make_window):
    window = make_window()
    handler = window.log_handler
    assert handler in logging.getLogger("mnistbench").handlers
    window.close()
    assert handler not in logging.getLogger("mnistbench").handlers
