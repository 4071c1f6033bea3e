"""The imagine panel: imagined digits are read as asked, saliency follows the input."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mnistbench.data import to_inputs
from mnistbench.engine.introspect import back_project, back_query
from mnistbench.gui.panels.imagine.imagine_panel import ImaginePanel
from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.digit_views import to_gray8
from tiny_network import mean_image, trained_network, training_digits

pytestmark = pytest.mark.gui


@pytest.fixture
def net():
    return trained_network()


@pytest.fixture
def panel(qtbot, net):
    widget = ImaginePanel()
    qtbot.addWidget(widget)
    widget.set_network(net)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_without_a_network_nothing_is_imagined(qtbot):
    widget = ImaginePanel()
    qtbot.addWidget(widget)
    widget.recompute()
    assert widget.imagined() is None
    assert widget.captions["ascent"].text() == "No network"


@pytest.mark.parametrize("digit", [1, 4, 7])
def test_clicking_a_digit_imagines_an_image_the_network_reads_as_that_digit(qtbot, panel, net, digit):
    qtbot.mouseClick(panel.digit_buttons.button(digit), Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.digit() == digit and not panel._timer.isActive(), timeout=2000)
    image = panel.imagined("ascent")
    assert image.shape == (784,) and 0.0 <= image.min() and image.max() <= 1.0
    assert int(net.predict(image[None])[0]) == digit
    assert f"reads <b>{digit}</b>" in panel.captions["ascent"].text()
    np.testing.assert_array_equal(panel.views["ascent"].image(), np.round(image.reshape(28, 28) * 255))
    back = panel.imagined("back_projection")
    assert back.shape == (784,) and back.min() == pytest.approx(0) and back.max() == pytest.approx(1)


def test_back_projection_is_the_original_formula_and_back_query_has_its_own_column(qtbot, panel, net):
    panel.choose_digit(8)
    panel.recompute()
    np.testing.assert_array_equal(panel.imagined("back_projection"), back_project(net, 8))
    np.testing.assert_array_equal(panel.imagined("back_query"), back_query(net, 8))
    assert np.abs(panel.imagined("back_projection") - panel.imagined("back_query")).max() > 0.05
    for method in ("back_projection", "back_query"):
        np.testing.assert_array_equal(panel.views[method].image(),
                                      np.round(panel.imagined(method).reshape(28, 28) * 255))
        assert "network reads <b>" in panel.captions[method].text()


def test_mean_start_uses_the_mean_digit(qtbot, panel, net):
    panel.choose_digit(5)
    panel.start.setCurrentIndex(panel.start.findData("blank"))
    panel.recompute()
    from_blank = panel.imagined()
    panel.set_mean_image(mean_image())
    panel.start.setCurrentIndex(panel.start.findData("mean"))
    panel.recompute()
    from_mean = panel.imagined()
    assert np.abs(from_mean - from_blank).mean() > 0.01
    assert int(net.predict(from_mean[None])[0]) == 5
    assert "steps in" in panel.timing.text()


def test_mean_start_without_a_dataset_falls_back_to_blank_and_says_so(qtbot, panel):
    panel.start.setCurrentIndex(panel.start.findData("mean"))
    panel.recompute()
    assert panel.imagined() is not None
    assert "blank" in panel.timing.text()


def test_saliency_follows_the_current_input(qtbot, panel, net):
    images, labels = training_digits()
    x = to_inputs(images[:1])[0]
    panel.set_input(x, int(labels[0]))
    assert panel.saliency_map.shape == (784,) and (panel.saliency_map >= 0).all()
    assert panel.saliency_map[x == 0].max() == 0  # gradient x input: only inked pixels count
    assert panel.saliency_map.max() > 0
    predicted = int(net.predict(x[None])[0])
    assert f"towards {predicted} (true label {int(labels[0])})" in panel.saliency_caption.text()
    panel.saliency_method.setCurrentIndex(panel.saliency_method.findData("gradient"))
    assert panel.saliency_map[x == 0].max() > 0  # |gradient| lights up background pixels too
    np.testing.assert_array_equal(panel.input_view.image(), images[0])


def test_send_to_inspector_emits_the_imagined_image(qtbot, panel):
    panel.choose_digit(2)
    panel.recompute()
    with qtbot.waitSignal(panel.sig_input_chosen) as chosen:
        panel.send_to_inspector("back_projection")
    np.testing.assert_array_equal(chosen.args[0], panel.imagined("back_projection"))
    assert chosen.args[1] is None


def test_number_keys_choose_the_digit(qtbot, panel):
    with qtbot.waitActive(panel):
        panel.activateWindow()
    qtbot.keyClick(panel, Qt.Key_6)
    assert panel.digit() == 6
    panel.recompute()
    assert "reads <b>" in panel.captions["ascent"].text()


def test_a_hidden_panel_waits_until_it_is_shown(qtbot, net):
    widget = ImaginePanel()
    qtbot.addWidget(widget)
    widget.set_network(net)
    widget.recompute()
    assert widget.imagined() is None
    widget.show()
    qtbot.waitUntil(lambda: widget.imagined() is not None, timeout=2000)
    before = widget.imagined()
    widget.set_in_view(False)  # the window: now a tab behind another
    widget.choose_digit(3 if widget.digit() != 3 else 4)
    qtbot.wait(50)
    np.testing.assert_array_equal(widget.imagined(), before)  # nothing computed out of view
    widget.set_in_view(True)
    qtbot.waitUntil(lambda: not np.array_equal(widget.imagined(), before), timeout=2000)



def test_a_picture_sent_to_the_inspector_is_the_one_whose_saliency_is_shown(qtbot, panel):
    images, labels = training_digits()
    panel.set_input(to_inputs(images[:1])[0], int(labels[0]))
    panel.choose_digit(4)
    panel.recompute()
    panel.send_to_inspector("ascent")
    sent = panel.imagined("ascent")
    np.testing.assert_array_equal(panel.input_view.image(), to_gray8(sent))  # the inspector's input now
    assert "true label" not in panel.saliency_caption.text()


def test_captions_carry_a_mark_as_well_as_a_colour(qtbot, panel, net):
    panel.choose_digit(3)
    panel.recompute()
    top = int(net.predict(panel.imagined("ascent")[None])[0])
    caption = panel.captions_text()["ascent"]
    assert caption.startswith("✓" if top == 3 else "✗") and f"reads {top}" in caption
    palette.use("colour_blind_safe")
    try:
        panel.repaint_colours()
        assert palette.COLOUR_BLIND_SAFE.hex("right" if top == 3 else "wrong") in panel.captions["ascent"].text()
    finally:
        palette.use("standard")


def test_the_imagined_digits_export_as_a_png(qtbot, panel, monkeypatch, tmp_path):
    from PySide6.QtGui import QImage

    from mnistbench.gui.widgets import export_dialog, export_pictures

    monkeypatch.setattr(export_dialog.QFileDialog, "getSaveFileName",
                        lambda parent, caption, start, filters, selected: (str(tmp_path / "imagined"), selected))
    monkeypatch.setattr(export_pictures.PngOptionsDialog, "ask",
                        classmethod(lambda cls, parent, size: export_pictures.PngOptions(size.width(), 96)))
    panel.choose_digit(7)
    panel.recompute()
    written = panel.export_dialog()
    assert written == tmp_path / "imagined.png"
    image = QImage(str(written))
    assert image.width() > 3 * 224 and image.height() > 224


def test_exporting_from_behind_a_tab_imagines_first_instead_of_exporting_nothing(qtbot, net, monkeypatch, tmp_path):
    """(File → Export imagined digits on a panel never shown wrote nothing: "nothing imagined yet" was
    overwritten at once by the imagining that the export itself had started.)"""
    from mnistbench.gui.widgets import export_dialog, export_pictures

    widget = ImaginePanel()
    qtbot.addWidget(widget)
    widget.set_in_view(False)
    widget.set_network(net)
    assert widget.imagined() is None  # out of view: nothing imagined yet
    monkeypatch.setattr(export_dialog, "_last_folder", [None])
    monkeypatch.setattr(export_dialog.QFileDialog, "getSaveFileName",
                        lambda *args: (str(tmp_path / "imagined.png"), "PNG image (*.png)"))
    monkeypatch.setattr(export_pictures.PngOptionsDialog, "ask",
                        staticmethod(lambda parent, size: export_pictures.PngOptions(size.width(), 96)))
    assert widget.export_dialog() == tmp_path / "imagined.png"
    assert (tmp_path / "imagined.png").stat().st_size > 0 and widget.imagined() is not None
