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


def test_every_step_is_shown_for_a_drawing(qtbot, pad):
    draw(qtbot, pad.canvas, SEVEN)
    shown = [view.image() for view in pad.steps_strip.views]
    assert all(image is not None for image in shown)
    assert shown[0].shape == (280, 280) and shown[-1].shape == (28, 28)
    np.testing.assert_array_equal(shown[-1], (pad.network_input().reshape(28, 28) * 255).round())
    pad.clear()
    assert all(view.image() is None for view in pad.steps_strip.views)


def test_digits_side_by_side_are_read_as_a_number_with_boxes(qtbot, pad):
    draw(qtbot, pad.canvas, [(40, 80), (40, 200)])
    draw(qtbot, pad.canvas, [(230, 80), (230, 200)])
    reading = pad.answer.text()
    assert reading.startswith("Reads ") and reading.count(",") == 1  # two digits, two confidences
    assert len(pad.canvas._boxes) == 2
    lefts = [box[1] for box, _ in pad.canvas._boxes]
    assert lefts == sorted(lefts) and lefts[0] < 60 < 200 < lefts[1]
    assert "2 digits" in pad.step_note.text()


def write_photo_png(path):
    """Two dark bars on light paper, far apart: a one that counts, and a smudge to crop away."""
    image = np.full((240, 320), 225, dtype=np.uint8)
    image[40:200, 60:75] = 30
    image[80:180, 250:290] = 60
    Image.fromarray(image).save(path)
    return path


def test_moving_the_threshold_and_cropping_a_photo_change_what_is_read(qtbot, pad, tmp_path):
    assert pad.open_image(write_photo_png(tmp_path / "photo.png"))
    assert pad.photo_view.has_image()
    assert pad.auto_threshold.isChecked() and 0 < pad.threshold_slider.value() < 100
    assert pad.network_input() is None and "2 digits" in pad.step_note.text()  # read as a number
    assert len(pad.photo_view._boxes) == 2
    view = pad.photo_view  # 320x240 shown in 280x210: 0.875 widget px per image px
    qtbot.mousePress(view, Qt.LeftButton, pos=QPoint(40, 20))
    qtbot.mouseMove(view, QPoint(80, 190))
    qtbot.mouseRelease(view, Qt.LeftButton, pos=QPoint(80, 190))
    top, left, bottom, right = view.crop()
    assert left < 60 and right > 75 and right < 250
    cropped = pad.network_input()
    assert cropped is not None
    row, col = centre_of_mass(cropped)
    assert abs(row - 14) <= 1 and abs(col - 14) <= 1
    pad.threshold_slider.setValue(90)  # darker than anything: nothing is ink
    assert not pad.auto_threshold.isChecked()
    assert pad.network_input() is None and "threshold 0.90" in pad.step_note.text()
    pad.auto_threshold.setChecked(True)
    np.testing.assert_array_equal(pad.network_input(), cropped)
    qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(100, 100))  # a click clears the crop
    assert view.crop() is None and "2 digits" in pad.step_note.text()


def test_the_network_view_shows_what_a_black_and_white_network_reads(qtbot, pad):
    draw(qtbot, pad.canvas, SEVEN)
    qtbot.waitUntil(lambda: pad.network_view._pixels is not None)
    grey = pad.network_view._pixels.copy()
    assert 0 < np.count_nonzero((grey > 0) & (grey < 255))  # antialiased strokes: grey edges
    net = trained_network()
    net.metadata["training"] = {"runs": [{"config": {"binarize": True}}]}  # as train_and_record records it
    pad.set_network(net)
    shown = pad.network_view._pixels
    assert set(np.unique(shown)) <= {0, 255}
    assert np.array_equal(shown == 255, grey / 255 >= 0.5)
