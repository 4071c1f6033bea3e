"""Your own digits: kept, saved, reloaded in a new panel, scored, and handed over for fine-tuning."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mnistbench.data import load_dataset, to_inputs
from mnistbench.errors import DatasetError
from mnistbench.gui.panels.own_digits.own_digits_panel import OwnDigitsPanel
from mnistbench.own_digits import (IMAGES, load_own_digits, own_digits_dir, save_own_digits)
from tiny_network import trained_network, training_digits

pytestmark = pytest.mark.gui


@pytest.fixture
def digits():
    """Six training digits; the last two deliberately mislabelled (label + 1)."""
    images, labels = training_digits()
    images, labels = images[10:16].copy(), labels[10:16].copy()
    labels[4:] = (labels[4:] + 1) % 10
    return images, labels


def new_panel(qtbot, net=None):
    panel = OwnDigitsPanel()
    qtbot.addWidget(panel)
    if net is not None:
        panel.set_network(net)
    return panel


def test_kept_digits_are_saved_and_come_back_in_a_new_panel(qtbot, digits):
    images, labels = digits
    panel = new_panel(qtbot)
    assert panel.gallery.count() == 0 and not panel.fine_tune_button.isEnabled()
    for x, label in zip(to_inputs(images), labels):
        panel.add_digit(x, int(label))
    assert (own_digits_dir() / IMAGES).is_file()
    again = new_panel(qtbot)
    np.testing.assert_array_equal(again.images(), images)
    np.testing.assert_array_equal(again.labels(), labels)
    assert again.gallery.count() == 6 and again.gallery.item(0).text() == str(labels[0])


def test_accuracy_label_counts_the_digits_the_network_reads_as_labelled(qtbot, digits):
    images, labels = digits
    net = trained_network()
    save_own_digits(images, labels)
    panel = new_panel(qtbot, net)
    right = int(np.sum(net.predict(to_inputs(images)) == labels))
    assert right <= 4  # the two mislabelled digits cannot be right
    assert panel.accuracy() == pytest.approx(right / 6)
    assert f"{100 * right / 6:.1f}% ({right} right)" in panel.accuracy_label.text()
    wrong_item = panel.gallery.item(5)
    assert "→" in wrong_item.text() and "network reads" in wrong_item.toolTip()


def test_deleting_selected_digits_saves_the_smaller_set(qtbot, digits):
    images, labels = digits
    save_own_digits(images, labels)
    panel = new_panel(qtbot)
    panel.gallery.item(1).setSelected(True)
    panel.gallery.item(3).setSelected(True)
    qtbot.mouseClick(panel.delete_button, Qt.LeftButton)
    keep = [0, 2, 4, 5]
    np.testing.assert_array_equal(panel.labels(), labels[keep])
    saved_images, saved_labels = load_own_digits()
    np.testing.assert_array_equal(saved_images, images[keep])
    np.testing.assert_array_equal(saved_labels, labels[keep])


def test_fine_tune_hands_over_the_whole_set(qtbot, digits):
    images, labels = digits
    save_own_digits(images, labels)
    panel = new_panel(qtbot)
    with qtbot.waitSignal(panel.sig_fine_tune_requested) as request:
        qtbot.mouseClick(panel.fine_tune_button, Qt.LeftButton)
    sent_images, sent_labels = request.args
    assert sent_images.dtype == np.uint8 and sent_images.shape == (6, 28, 28)
    assert sent_labels.dtype == np.int64
    np.testing.assert_array_equal(sent_images, images)
    np.testing.assert_array_equal(sent_labels, labels)


def test_a_damaged_saved_set_is_reported_not_fatal(qtbot):
    folder = own_digits_dir()
    folder.mkdir(parents=True)
    (folder / IMAGES).write_bytes(b"\x00\x00\x08\x03garbage")
    panel = new_panel(qtbot)
    assert panel.gallery.count() == 0
    assert "Could not read" in panel.status.text() and IMAGES in panel.status.text()


def test_the_saved_set_loads_as_a_dataset_and_survives_an_interrupted_save(digits):
    images, labels = digits
    folder = save_own_digits(images, labels)
    dataset = load_dataset(folder)
    np.testing.assert_array_equal(dataset.train_images, images)
    np.testing.assert_array_equal(dataset.train_labels, labels)
    folder.rename(folder.with_name(folder.name + ".old"))  # as if a save stopped between renames
    np.testing.assert_array_equal(load_own_digits()[1], labels)


def test_malformed_sets_are_refused():
    with pytest.raises(DatasetError, match="labels"):
        save_own_digits(np.zeros((2, 28, 28), np.uint8), np.array([1, 12]))
    with pytest.raises(DatasetError, match="uint8"):
        save_own_digits(np.zeros((2, 28, 28)), np.array([1, 2]))


def test_delete_key_removes_the_selected_digit(qtbot, digits):
    images, labels = digits
    save_own_digits(images, labels)
    panel = new_panel(qtbot)
    panel.show()
    with qtbot.waitActive(panel):
        panel.activateWindow()
    panel.gallery.setFocus()
    panel.gallery.item(0).setSelected(True)
    qtbot.keyClick(panel.gallery, Qt.Key_Delete)
    np.testing.assert_array_equal(load_own_digits()[1], labels[1:])


def test_a_misread_digit_is_marked_in_the_palettes_wrong_colour_and_follows_a_palette_change(qtbot, digits):
    from mnistbench.gui.widgets import palette

    images, labels = digits
    save_own_digits(images, labels)
    panel = new_panel(qtbot, trained_network())
    wrong = panel.gallery.item(5)  # mislabelled: the network reads it differently
    assert wrong.foreground().color().getRgb()[:3] == palette.STANDARD.wrong
    try:
        palette.use("colour_blind_safe")
        panel.repaint_colours()  # what View → Colours calls on every panel
        assert panel.gallery.item(5).foreground().color().getRgb()[:3] == palette.COLOUR_BLIND_SAFE.wrong
    finally:
        palette.use("standard")
