"""The network inspector, driven with real clicks on the drawing and a trained tiny network."""

import shutil
import subprocess

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip

from idx_factory import synthetic_digits
from mnistbench.data.datasets import to_inputs
from mnistbench.engine.network import Network
from mnistbench.gui.panels.inspector.inspector_panel import MAP_SIZES, InspectorPanel
from mnistbench.gui.widgets import palette
from mnistbench.gui.panels.image_browser.image_browser_panel import ImageBrowserPanel
from tiny_network import trained_network

pytestmark = pytest.mark.gui


@pytest.fixture
def net():
    return trained_network("relu", hidden=(32, 16), epochs=1)


@pytest.fixture
def panel(qtbot, net):
    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 650)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_network(net)
    images, labels = synthetic_digits(4, seed=1)
    panel.set_input(to_inputs(images)[0], int(labels[0]))
    return panel


def click_neuron(qtbot, panel, layer, j):
    """A real mouse click on the view's viewport at the neuron's centre."""
    point = panel.view.mapFromScene(QPointF(*panel.scene.columns[layer].centre(j)))
    with qtbot.waitSignal(panel.sig_neuron_selected, timeout=1000) as blocker:
        qtbot.mouseClick(panel.view.viewport(), Qt.LeftButton, pos=point)
    return blocker.args


def table_rows(details):
    """(source index, exact weight, shown text) for each row of the strongest-weights table."""
    table = details.table
    return [(table.item(r, 0).data(Qt.UserRole), table.item(r, 1).data(Qt.UserRole), table.item(r, 1).text())
            for r in range(table.rowCount())]


def connection_segments(scene):
    """Lines drawn into the selected neuron: (green, red) counts."""
    return scene.selection.segments()


def test_clicking_a_hidden_neuron_shows_its_incoming_weights(qtbot, panel, net):
    assert click_neuron(qtbot, panel, 2, 5) == [2, 5]
    assert panel.scene.selected == (2, 5)
    W, b = net.weights[1][5], float(net.biases[1][5])
    rows = table_rows(panel.details)
    assert len(rows) == 10
    assert rows[0][0] == int(np.argmax(np.abs(W)))
    for source, weight, text in rows:
        assert weight == pytest.approx(float(W[source]))
        assert float(text) == pytest.approx(float(W[source]), rel=1e-3)
    assert [abs(w) for _, w, _ in rows] == sorted((abs(w) for _, w, _ in rows), reverse=True)
    assert float(panel.details.values["bias"].text()) == pytest.approx(b, rel=1e-3)
    x = panel.scene._x
    z = float(W @ net.forward_layers(x[None])[1][0] + b)
    assert float(panel.details.values["z"].text()) == pytest.approx(z, rel=1e-3, abs=1e-6)
    assert float(panel.details.values["activation"].text()) == pytest.approx(max(z, 0.0), rel=1e-3, abs=1e-6)
    # every one of the 32 incoming connections is drawn, green for positive and red for negative
    assert connection_segments(panel.scene) == (int(np.sum(W >= 0)), int(np.sum(W < 0)))
    # hovering shows the same numbers in a tooltip (a real ToolTip event on the viewport)
    point = panel.view.mapFromScene(QPointF(*panel.scene.columns[2].centre(5)))
    QApplication.sendEvent(panel.view.viewport(),
                           QHelpEvent(QEvent.ToolTip, point, panel.view.viewport().mapToGlobal(point)))
    tip = QToolTip.text()
    QToolTip.hideText()
    assert "hidden layer 2, neuron 5" in tip and f"bias {b:+.4g}" in tip
    assert f"z {panel.details.values['z'].text()}" in tip  # the same numbers as the side view


def test_first_layer_neuron_paints_its_weights_on_the_input_grid(qtbot, panel, net):
    assert click_neuron(qtbot, panel, 1, 7) == [1, 7]
    W = net.weights[0][7]
    shown = panel.scene._columns[0].pixmap.pixmap().toImage()
    strongest_up, strongest_down = int(np.argmax(W)), int(np.argmin(W))
    up = shown.pixelColor(strongest_up % 28, strongest_up // 28)
    down = shown.pixelColor(strongest_down % 28, strongest_down // 28)
    assert up.green() > 150 and up.red() < 80  # green: excites
    assert down.red() > 150 and down.green() < 80  # red: inhibits
    assert connection_segments(panel.scene) == (0, 0)  # no 784 lines
    assert panel.details.weight_map.isVisible()
    qtbot.keyClick(panel.view, Qt.Key_Escape)
    assert panel.scene.selected is None
    restored = panel.scene._columns[0].pixmap.pixmap().toImage().pixelColor(strongest_up % 28, strongest_up // 28)
    assert restored.red() == restored.green() == restored.blue()  # the input again, in grey


def test_test_image_shows_true_label_and_a_verdict_that_agrees_with_predict(qtbot, panel, net):
    images, labels = synthetic_digits(60, seed=3)
    predicted = net.predict(to_inputs(images))
    labels = labels.copy()
    labels[5] = (predicted[5] + 1) % 10  # make sure at least one image is a mistake
    browser = ImageBrowserPanel()
    qtbot.addWidget(browser)
    browser.sig_input_chosen.connect(panel.set_input)
    browser.set_network(net)
    browser.set_dataset(images, labels)
    for i in range(8):
        browser.index_box.setValue(i)
        right = predicted[i] == labels[i]
        assert panel.scene.true_label == labels[i]
        assert panel.scene.predicted == predicted[i]
        assert panel.scene.verdict_colour == QColor(*(palette.current().right if right else palette.current().wrong))
        assert f"true <b>{labels[i]}</b>" in panel.verdict.text()
        assert f"<b>{labels[i]}</b>" in browser.true_label.text()
        assert browser.predicted_label.property("verdict") == ("right" if right else "wrong")
    assert panel.scene.verdict_colour == QColor(*palette.current().right) or labels[7] != predicted[7]
    browser.index_box.setValue(5)
    assert panel.scene.verdict_colour == QColor(*palette.current().wrong)
    assert panel.scene.output_column.true_box.isVisible()


def test_wide_layers_are_drawn_compact_and_stay_clickable(qtbot, panel):
    wide = Network([784, 100, 20, 10], activation="relu", loss="cross_entropy", init="he", seed=1)
    panel.set_network(wide)
    geoms = panel.scene.columns
    assert [g.compact for g in geoms] == [True, True, False, False]
    kinds = [type(item).__name__ for item in panel.scene.items()]
    assert kinds.count("QGraphicsPixmapItem") == 2  # the input and the 100-wide layer: one item each
    assert kinds.count("QGraphicsEllipseItem") == 30  # circles only where a layer is narrow
    panel.view.fit()
    assert click_neuron(qtbot, panel, 1, 37) == [1, 37]
    panel.select_neuron(2, 4)  # fed by the compact layer: only its strongest connections
    positive, negative = connection_segments(panel.scene)
    assert positive + negative == panel.scene.connection_limit == 48


def test_same_architecture_recolours_without_rebuilding(panel, net):
    panel.select_neuron(2, 3)
    items, builds = panel.scene.items(), panel.scene.build_count
    before = panel.scene.output().copy()
    changed = net.copy()
    changed.biases[-1][:] += np.arange(10, dtype=np.float32)
    panel.set_network(changed)
    assert panel.scene.build_count == builds
    assert panel.scene.items() == items  # the very same item objects
    assert not np.allclose(panel.scene.output(), before)  # … but coloured for the new weights
    assert panel.scene.selected == (2, 3)
    panel.set_network(Network([784, 20, 10], seed=2))
    assert panel.scene.build_count == builds + 1


def test_gallery_has_one_map_per_first_layer_neuron_and_selects_on_click(qtbot, panel, net):
    gallery = panel.gallery
    panel.tabs.setCurrentWidget(gallery)
    assert gallery.map_count == net.layer_sizes[1] == 32
    image = gallery.image()
    assert (image.width(), image.height()) == (6 * 30 - 2, 6 * 30 - 2)  # 6x6 grid of 28-px maps
    with qtbot.waitSignal(panel.sig_neuron_selected, timeout=1000) as blocker:
        qtbot.mouseClick(gallery, Qt.LeftButton, pos=gallery.map_rect(13).center())
    assert blocker.args == [1, 13]
    assert panel.scene.selected == (1, 13)


def test_zoom_and_fit_shortcuts(qtbot, panel):
    panel.view.fit()
    fitted = panel.view.transform().m11()
    qtbot.keyClick(panel.view, Qt.Key_Equal, Qt.ControlModifier)
    assert panel.view.transform().m11() == pytest.approx(fitted * 1.25)
    qtbot.keyClick(panel.view, Qt.Key_F)
    assert panel.view.transform().m11() == pytest.approx(fitted)


def test_an_input_of_the_wrong_size_is_refused_with_a_message(panel):
    before = panel.scene.output().copy()
    panel.set_input(np.zeros(100, np.float32), 3)
    assert "100 values" in panel.verdict.text() and "784" in panel.verdict.text()
    np.testing.assert_array_equal(panel.scene.output(), before)


FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]


def on_screen(panel, item):
    """An item's rectangle in the view's pixels (its own scale and its group's included)."""
    return panel.view.mapFromScene(item.sceneBoundingRect()).boundingRect()


def test_output_labels_are_readable_at_fit_and_long_names_are_not_overrun(qtbot, panel):
    panel.resize(620, 520)  # about the inspector's share of a 1600x1000 window
    panel.set_class_names(FASHION)
    panel.set_input(panel.scene._x, 9)
    panel.view.fit()
    column = panel.scene.output_column
    for label, bar, value in zip(column.labels, column.bars, column.values):
        assert on_screen(panel, value).height() >= 9 and on_screen(panel, label).height() >= 9
        assert bar.sceneBoundingRect().left() >= label.sceneBoundingRect().right()  # "Ankle boot" not overrun
        assert value.sceneBoundingRect().left() >= bar.sceneBoundingRect().left() + 0.99 * bar.rect().width()
    verdict = on_screen(panel, column.verdict)
    assert panel.view.viewport().rect().contains(verdict), (verdict, panel.view.viewport().rect())


def test_another_file_refits_the_drawing_but_an_epoch_copy_does_not(panel, net):
    panel.set_document("/some/a.nn")
    panel.view.zoom(3.0)
    panel.set_network(net)  # an epoch's copy: the user's zoom stays
    assert not panel.view.fitted
    panel.set_document("/some/b.nn")
    assert panel.view.fitted


def test_the_weight_maps_can_be_enlarged(qtbot, panel):
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.gallery.map_side() > 0)
    panel.map_size.setValue(len(MAP_SIZES) - 1)
    assert panel.gallery.map_side() == MAP_SIZES[-1] and panel.map_size_label.text() == f"{MAP_SIZES[-1]} px"
    rect = panel.gallery.map_rect(31)  # the last of 32 maps: the tab scrolls to reach it
    assert rect.width() == MAP_SIZES[-1] and rect.bottom() > panel.tabs.height()
    panel.map_size.setValue(0)
    assert panel.map_size_label.text() == "fit"
    qtbot.waitUntil(lambda: panel.gallery.map_side() < MAP_SIZES[-1])


def test_pixels_no_image_inks_are_not_listed_among_the_strongest_weights(qtbot, panel, net):
    net = net.copy() if hasattr(net, "copy") else net
    border = np.zeros((28, 28), bool)
    border[:2], border[-2:], border[:, :2], border[:, -2:] = True, True, True, True
    net.weights[0][3][border.reshape(-1)] = 50.0  # huge weights on pixels every image leaves at 0
    panel.set_network(net)
    click_neuron(qtbot, panel, 1, 3)
    assert all(border.reshape(-1)[source] for source, _, _ in table_rows(panel.details)[:5])  # ranked by |w|
    mean = np.full(784, 0.3, np.float32)
    mean[border.reshape(-1)] = 0.0
    panel.set_input_mean(mean)
    rows = table_rows(panel.details)
    assert rows and not any(border.reshape(-1)[source] for source, _, _ in rows)
    assert "mean" in panel.details.table_title.text()


def test_the_drawing_exports_as_an_svg_any_renderer_reads(qtbot, panel, monkeypatch, tmp_path):
    from mnistbench.gui.widgets import export_dialog

    answer = tmp_path / "drawing.svg"
    monkeypatch.setattr(export_dialog.QFileDialog, "getSaveFileName",
                        lambda parent, caption, start, filters, selected: (str(answer), selected))
    assert panel.export_drawing_dialog() == answer
    text = answer.read_text()
    assert "<svg" in text and "output" in text and "Network drawing" in text
    rsvg = shutil.which("rsvg-convert")
    if rsvg:
        subprocess.run([rsvg, "-o", str(tmp_path / "drawing.png"), str(answer)], check=True)
        assert QImage(str(tmp_path / "drawing.png")).width() > 300


def test_a_narrow_dock_keeps_the_drawing_the_larger_part(qtbot, panel):
    panel.resize(320, 500)
    qtbot.waitUntil(lambda: panel.splitter.sizes()[0] > panel.splitter.sizes()[1])
    assert panel.view.width() >= 160


@pytest.mark.parametrize("width", [560, 450])
def test_the_side_tabs_show_their_titles_whole_in_a_third_of_the_window(qtbot, panel, width):
    """(At 1600x1000 the inspector's column is ~570 px: "Weight maps" was cut, behind scroll arrows.)"""
    panel.resize(330, 400)  # a dock's width changes after its first show (the window lays out its docks)
    qtbot.waitUntil(lambda: panel.width() < 400)
    panel.resize(width, 400)
    qtbot.waitUntil(lambda: panel.tabs.width() == panel.splitter.sizes()[1] and panel.width() == width)
    bar = panel.tabs.tabBar()
    assert bar.width() >= sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
    assert panel.view.width() > panel.tabs.width()


def test_the_neuron_details_never_squeeze_their_rows_together(qtbot, panel):
    """(In a 330-px dock the wrapped title took the rows' room: "Weighted input z" ran into "Bias".)"""
    panel.resize(480, 300)
    qtbot.waitUntil(lambda: panel.height() == 300)
    qtbot.wait(20)
    rows = [panel.details.title, *panel.details.values.values(), panel.details.table_title]
    for label in rows:
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    tops = [label.geometry().top() for label in panel.details.values.values()]
    assert all(b - a >= panel.details.fontMetrics().height() for a, b in zip(tops, tops[1:]))


def test_a_network_trained_black_and_white_is_shown_and_run_on_what_it_reads(panel, net):
    from mnistbench.gui.panels.imagine.imagine_work import saliency_of
    from mnistbench.workflows.validation_split import black_and_white

    images, labels = synthetic_digits(4, seed=1)
    grey = to_inputs(images)[0]
    assert 0 < np.count_nonzero((grey > 0) & (grey < 1))  # a grey digit: there is something to threshold
    net.metadata["training"] = {"runs": [{"config": {"binarize": True}}]}  # as train_and_record records it
    panel.set_network(net)
    panel.set_input(grey, int(labels[0]))
    shown = panel.scene._acts[0][0]
    assert np.array_equal(shown, black_and_white(grey[None])[0])  # the input column and every activation
    assert panel.scene.predicted == net.predict(black_and_white(grey[None]))[0]
    read, _, predicted, saliency = saliency_of(net, grey, int(labels[0]), "gradient")
    assert np.array_equal(read, shown) and predicted == panel.scene.predicted and saliency.shape == (784,)
