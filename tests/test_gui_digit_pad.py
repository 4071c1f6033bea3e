"""The digit pad, driven with real mouse events on the canvas and a trained tiny network."""

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from mnistbench.gui.panels.digit_pad.digit_pad_panel import DigitPadPanel
from tiny_network import trained_network

pytestmark = pytest.mark.gui

SEVEN = [(80, 70), (200, 70), (150, 160), (120, 230)]
BAR = [(60, 140), (220, 140)]


@pytest.fixture
def pad(qtbot):
    panel = DigitPadPanel()
    qtbot.addWidget(panel)
    panel.set_network(trained_network())
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def draw(qtbot, canvas, corners, release=True, steps=10):
    """Press at the first corner, move along the polyline, release at the last."""
    qtbot.mousePress(canvas, Qt.LeftButton, pos=QPoint(*corners[0]))
    for (x0, y0), (x1, y1) in zip(corners[:-1], corners[1:]):
        for t in np.linspace(0, 1, steps + 1)[1:]:
            qtbot.mouseMove(canvas, QPoint(round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t)))
    if release:
        qtbot.mouseRelease(canvas, Qt.LeftButton, pos=QPoint(*corners[-1]))


def centre_of_mass(x):
    image = x.reshape(28, 28).astype(np.float64)
    rows, cols = np.mgrid[0:28, 0:28]
    return (image * rows).sum() / image.sum(), (image * cols).sum() / image.sum()


def test_drawing_gives_probabilities_and_a_centred_input(qtbot, pad):
    with qtbot.waitSignal(pad.sig_input_chosen) as chosen:
        draw(qtbot, pad.canvas, SEVEN)
    probabilities = pad.probabilities()
    assert probabilities.shape == (10,)
    assert abs(probabilities.sum() - 1.0) < 1e-5
    x = pad.network_input()
    assert x.dtype == np.float32 and x.shape == (784,) and x.max() > 0.9
    row, col = centre_of_mass(x)
    assert abs(row - 14) <= 1 and abs(col - 14) <= 1
    np.testing.assert_array_equal(chosen.args[0], x)
    assert chosen.args[1] is None
    assert pad.answer.text().startswith(f"Reads {int(probabilities.argmax())}")


def test_prediction_updates_while_the_stroke_is_still_being_drawn(qtbot, pad):
    assert pad.probabilities() is None
    draw(qtbot, pad.canvas, SEVEN, release=False)
    qtbot.waitUntil(lambda: pad.probabilities() is not None, timeout=1000)
    qtbot.mouseRelease(pad.canvas, Qt.LeftButton, pos=QPoint(*SEVEN[-1]))


def test_undo_removes_the_last_stroke_and_clear_empties(qtbot, pad):
    draw(qtbot, pad.canvas, SEVEN)
    after_one = pad.network_input()
    draw(qtbot, pad.canvas, BAR)
    assert pad.canvas.stroke_count() == 2
    assert not np.array_equal(pad.network_input(), after_one)
    qtbot.mouseClick(pad.undo_button, Qt.LeftButton)
    assert pad.canvas.stroke_count() == 1
    np.testing.assert_array_equal(pad.network_input(), after_one)
    qtbot.mouseClick(pad.clear_button, Qt.LeftButton)
    assert pad.canvas.is_empty() and pad.canvas.pixels().max() == 0
    assert pad.network_input() is None and pad.probabilities() is None


def test_eraser_rubs_out_ink(qtbot, pad):
    draw(qtbot, pad.canvas, BAR)
    ink = int(pad.canvas.pixels().sum())
    qtbot.mouseClick(pad.eraser, Qt.LeftButton)
    draw(qtbot, pad.canvas, [(50, 140), (140, 140)])
    assert pad.canvas.pixels().sum() < 0.7 * ink


def test_keep_as_hands_the_drawing_over_with_its_label(qtbot, pad):
    draw(qtbot, pad.canvas, SEVEN)
    action = [a for a in pad.keep_button.menu().actions() if a.text() == "3"][0]
    with qtbot.waitSignal(pad.sig_digit_kept) as kept:
        action.trigger()
    np.testing.assert_array_equal(kept.args[0], pad.network_input())
    assert kept.args[1] == 3


def write_digit_png(path):
    """A dark 'one' on light paper, like a photo of a written digit."""
    image = np.full((120, 90), 230, dtype=np.uint8)
    image[15:105, 40:52] = 20
    Image.fromarray(image).save(path)
    return path


def test_an_opened_image_file_becomes_the_input(qtbot, pad, tmp_path):
    assert pad.open_image(write_digit_png(tmp_path / "one.png"))
    x = pad.network_input()
    row, col = centre_of_mass(x)
    assert abs(row - 14) <= 1 and abs(col - 14) <= 1
    assert "one.png" in pad.status.text()


def drop(pad, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    pad.dropEvent(event)


def test_dropped_files_are_read_or_refused_in_one_line(qtbot, pad, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    drop(pad, bad)
    assert "notes.png" in pad.status.text() and pad.network_input() is None
    drop(pad, write_digit_png(tmp_path / "digit.png"))
    assert pad.network_input() is not None


def test_keyboard_undo_and_clear(qtbot, pad):
    with qtbot.waitActive(pad):
        pad.activateWindow()
    draw(qtbot, pad.canvas, SEVEN)
    draw(qtbot, pad.canvas, BAR)
    qtbot.keyClick(pad.canvas, Qt.Key_Z, Qt.ControlModifier)
    assert pad.canvas.stroke_count() == 1
    qtbot.keyClick(pad.canvas, Qt.Key_Delete)
    assert pad.canvas.is_empty() and pad.network_input() is None


def test_dropped_files_that_are_not_images_go_to_the_window(qtbot, pad, tmp_path):
    network = tmp_path / "net.nn"
    network.write_bytes(b"not read by the pad")
    with qtbot.waitSignal(pad.sig_files_dropped, timeout=1000) as dropped:
        drop(pad, network)
    assert dropped.args == [[str(network)]]
    assert pad.network_input() is None and "net.nn" not in pad.status.text()
