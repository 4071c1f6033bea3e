"""Files dropped anywhere on the workbench: every dock, the inspector's drawing and the digit pad."""

import pytest

pytest.importorskip("pytestqt")

from PIL import Image  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from mnistbench.netfile import save_network  # noqa: E402
from window_helpers import bring_to_front, drop, drop_target, small_net  # noqa: E402

pytestmark = pytest.mark.gui


def drop_targets(window):
    """Each distinct widget a drop can land on inside the docks -> (dock name, a widget over it)."""
    targets = {}
    for name, dock in window.docks.items():
        for widget in [dock, *dock.findChildren(QWidget)]:
            target = drop_target(widget)
            if target is not None and target not in targets:
                targets[target] = (name, widget)
    return targets


def test_a_network_dropped_on_any_part_of_any_dock_opens(make_window, qtbot, tmp_path):
    window = make_window()
    bring_to_front(window, "inspector")
    targets = drop_targets(window)
    pad, view = window.digit_pad_panel, window.inspector_panel.view
    assert drop_target(pad.canvas) is pad and drop_target(view.viewport()) is view.viewport()
    assert {name for name, _ in targets.values()} == set(window.docks)
    for number, (target, (name, widget)) in enumerate(targets.items()):
        path = tmp_path / f"net_{number}.nn"
        save_network(small_net(hidden=3 + number), path)
        drop(widget, [path])
        qtbot.waitUntil(lambda: window.state.path == path, timeout=3000)
        assert window.state.network.layer_sizes == (784, 3 + number, 10), f"{name}: {type(target).__name__}"
    assert window.inspector_panel.scene.net is window.state.network


def test_text_boxes_do_not_take_a_dropped_file_as_text(make_window, qtbot, tmp_path):
    window = make_window()
    rate = window.training_panel.training_form.learning_rate
    before = rate.text()
    path = tmp_path / "typed.nn"
    save_network(small_net(hidden=4), path)
    assert drop(rate, [path]) is window.docks["training"]
    qtbot.waitUntil(lambda: window.state.path == path, timeout=3000)
    assert rate.text() == before


def test_an_image_dropped_on_the_pad_opens_there_not_as_a_network(make_window, qtbot, tmp_path):
    window = make_window()
    opened = window.state.path
    picture = tmp_path / "digit.png"
    ink = Image.new("L", (100, 100), 255)
    ink.paste(0, (40, 15, 60, 85))  # a dark upright bar on white: a "1"
    ink.save(picture)
    drop(window.digit_pad_panel.canvas, [picture])
    assert window.digit_pad_panel.network_input() is not None
    assert "digit.png" in window.digit_pad_panel.status.text()
    qtbot.wait(20)  # a network file would open after the drop has returned
    assert window.state.path == opened
