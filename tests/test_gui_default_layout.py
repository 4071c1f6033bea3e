"""The default layout at common window sizes: the curves get a real share, tab titles are whole,
no panel in front needs a horizontal scroll bar, and a layout saved by an older version is reset cleanly."""

import logging

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QScrollArea, QTabBar  # noqa: E402

from mnistbench.gui.window import recovery  # noqa: E402
from mnistbench.gui.window.main_window import MainWindow  # noqa: E402
from mnistbench.gui.window.menus import in_front  # noqa: E402

pytestmark = pytest.mark.gui


def default_layout(make_window, qtbot, size):
    window = make_window()
    window.resize(*size)
    window.reset_layout()
    qtbot.wait(50)
    QApplication.processEvents()
    return window


def scrolls_sideways(dock) -> bool:
    widget = dock.widget()
    return isinstance(widget, QScrollArea) and widget.horizontalScrollBar().isVisible()


def dock_tab_bars(window):
    return [bar for bar in window.findChildren(QTabBar)
            if bar.parent() is window and bar.isVisible() and bar.count() > 1]


def elided_titles(bar) -> list:
    """Titles drawn in less room than their text needs (Qt shows them as "Cu…")."""
    metrics = bar.fontMetrics()
    return [bar.tabText(i) for i in range(bar.count())
            if bar.tabRect(i).width() < metrics.horizontalAdvance(bar.tabText(i)) + 8]


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_the_curves_get_a_real_share_and_no_panel_in_front_scrolls_sideways(make_window, qtbot, size):
    window = default_layout(make_window, qtbot, size)
    docks = window.docks
    assert docks["curves"].width() >= 0.33 * window.width()  # was 256 px of 1500
    assert docks["curves"].height() >= 0.75 * window.height()  # a column of its own, the log is left
    plots = window.curves_panel.graphics  # the loss and error plots, wholly in sight (not behind a scroll bar)
    viewport = docks["curves"].widget().viewport()
    left = plots.mapTo(viewport, QPoint(0, 0)).x()
    assert left >= 0 and left + plots.width() <= viewport.width()
    assert plots.width() >= 0.3 * window.width()
    in_sight = [name for name, dock in docks.items() if in_front(dock)]
    assert set(in_sight) >= {"training", "log", "curves", "inspector", "digit_pad"}
    assert [name for name in in_sight if scrolls_sideways(docks[name])] == []
    bars = dock_tab_bars(window)
    assert len(bars) == 3  # log | time machine, the curves' tabs, the inputs' tabs
    assert [title for bar in bars for title in elided_titles(bar)] == []


def test_the_log_shares_the_bottom_left_with_the_time_machine(make_window, qtbot):
    window = default_layout(make_window, qtbot, (1600, 1000))
    docks = window.docks
    assert window.tabifiedDockWidgets(docks["log"]) == [docks["time_machine"]]
    assert docks["log"].x() < docks["curves"].x() and docks["log"].y() > docks["training"].y()


def test_a_small_window_keeps_the_curves_and_the_pad_in_front_and_tall_enough(make_window, qtbot):
    window = default_layout(make_window, qtbot, (1024, 700))
    docks = window.docks
    assert in_front(docks["curves"]) and in_front(docks["digit_pad"]) and in_front(docks["training"])
    assert docks["curves"].height() >= 0.45 * window.height()
    assert not scrolls_sideways(docks["curves"]) and not scrolls_sideways(docks["digit_pad"])


def test_a_layout_saved_by_an_older_version_is_reset_with_a_log_line(make_window, qtbot, caplog):
    window = make_window()
    window.settings.setValue("window/state", window.saveState(2))  # what version 2 wrote
    window.settings.sync()
    with caplog.at_level(logging.INFO, logger="mnistbench"):
        again = MainWindow(settings=recovery.open_settings(), networks_dir=window.networks_dir)
        qtbot.addWidget(again)
    assert any("layout is from another version" in record.getMessage() for record in caplog.records)
    assert again.tabifiedDockWidgets(again.docks["log"]) == [again.docks["time_machine"]]


@pytest.mark.parametrize("name", ["confusion", "runs", "backprop"])
def test_the_panels_tabbed_with_the_curves_need_no_horizontal_scroll_bar_either(make_window, qtbot, name):
    """(1472x920 is the first window on a 1600x1000 screen: the runs table's buttons scrolled at 560 px.)"""
    window = default_layout(make_window, qtbot, (1472, 920))
    window.actions.view[name].trigger()
    qtbot.waitUntil(lambda: in_front(window.docks[name]))
    QApplication.processEvents()
    assert not scrolls_sideways(window.docks[name])
    assert not scrolls_sideways(window.docks["digit_pad"])


def test_a_panel_docked_back_into_its_tabs_comes_to_the_front(make_window, qtbot):
    """(Double-clicking a floating panel's title put it back behind the "Test image" tab, out of sight.)"""
    window = default_layout(make_window, qtbot, (1472, 920))
    pad = window.docks["digit_pad"]
    pad.setFloating(True)
    qtbot.waitUntil(lambda: in_front(window.docks["image_browser"]))
    pad.setFloating(False)
    qtbot.waitUntil(lambda: in_front(pad))
    assert window.tabifiedDockWidgets(pad)  # back in its tab group, not beside it


def test_reset_layout_puts_the_default_panels_in_front_even_after_one_floated(make_window, qtbot):
    window = default_layout(make_window, qtbot, (1472, 920))
    window.docks["imagine"].setFloating(True)
    window.reset_layout()
    qtbot.wait(50)
    assert in_front(window.docks["digit_pad"]) and not in_front(window.docks["imagine"])


def test_the_first_window_on_a_1280x800_screen_gives_the_curves_most_of_the_room(make_window, qtbot):
    """(92 % of 1280x800 is 1177x736: two columns, where the curves had 40 % of the height and the
    training form 36 % of the width.)"""
    window = default_layout(make_window, qtbot, (1177, 736))
    docks = window.docks
    assert docks["curves"].height() >= 0.55 * window.height()
    assert docks["curves"].width() >= 0.6 * window.width()
    in_sight = [name for name, dock in docks.items() if in_front(dock)]
    assert set(in_sight) >= {"training", "log", "curves", "digit_pad"}
    assert [name for name in in_sight if scrolls_sideways(docks[name])] == []


def test_tab_never_stops_on_the_scroll_area_around_a_panel(make_window, qtbot):
    """(Tab from the curves went to the invisible scroll area that wraps each dock's panel.)"""
    window = default_layout(make_window, qtbot, (1472, 920))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.curves_panel.graphics.setFocus(Qt.TabFocusReason)
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        assert not isinstance(QApplication.focusWidget(), QScrollArea), type(QApplication.focusWidget())



@pytest.mark.parametrize("size", [(1472, 920), (1600, 1000)])
def test_the_inspector_fits_its_dock_without_scrolling(make_window, qtbot, size):
    """(At the first window's size its legend and Export button sat behind a vertical scroll bar.)"""
    window = default_layout(make_window, qtbot, size)
    assert not window.docks["inspector"].widget().verticalScrollBar().isVisible()


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_the_digit_pad_fits_its_dock_without_scrolling(make_window, qtbot, size):
    """(At both sizes the pad scrolled and its steps strip was cut off at the bottom.)"""
    window = default_layout(make_window, qtbot, size)
    scroll = window.docks["digit_pad"].widget()
    pad = window.digit_pad_panel
    assert not scroll.verticalScrollBar().isVisible() and not scroll.horizontalScrollBar().isVisible()
    strip = pad.steps_strip  # wholly in sight, not under the dock's bottom edge
    bottom = strip.mapTo(scroll.viewport(), QPoint(0, strip.height())).y()
    assert strip.isVisible() and bottom <= scroll.viewport().height()
    assert pad.canvas.drawing_side() >= 150  # the square drawn in stays large enough to write on
