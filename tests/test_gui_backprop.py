"""The Step through panel: real clicks on its buttons and drawing, numbers checked against the engine."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from idx_factory import synthetic_digits
from mnistbench.data.datasets import to_inputs
from mnistbench.engine.losses import one_hot
from mnistbench.gui.panels.backprop.backprop_panel import BackpropPanel
from mnistbench.gui.panels.backprop.formula_html import num
from mnistbench.workflows.backprop_steps import apply_step, forward_sum
from tiny_network import trained_network
from window_helpers import small_net

pytestmark = pytest.mark.gui


@pytest.fixture
def digits():
    images, labels = synthetic_digits(12, seed=2)
    return images, labels.astype(np.int64)


@pytest.fixture
def panel(qtbot, digits):
    panel = BackpropPanel()
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_network(trained_network("relu", hidden=(16,), epochs=1))
    images, labels = digits
    panel.set_input(to_inputs(images)[0], int(labels[0]))
    return panel


def click_neuron(qtbot, panel, layer, j):
    point = panel.view.mapFromScene(QPointF(*panel.scene.columns[layer].centre(j)))
    qtbot.mouseClick(panel.view.viewport(), Qt.LeftButton, pos=point)


def go_to(qtbot, panel, kind, layer=None):
    """Press Next (a real click) until the step of that kind (and layer) is shown."""
    while panel.step_index > 0:
        qtbot.mouseClick(panel.back_button, Qt.LeftButton)
    while not (panel.walk[panel.step_index].kind == kind and layer in (None, panel.walk[panel.step_index].layer)):
        assert panel.next_button.isEnabled(), f"no {kind} step"
        qtbot.mouseClick(panel.next_button, Qt.LeftButton)


def test_the_clicked_neurons_delta_and_gradients_are_the_engines(qtbot, panel, digits):
    net = panel.net
    x, label = to_inputs(digits[0])[:1], digits[1][:1]
    _, grads_W, grads_b = net.backward(x, one_hot(label, 10, net.dtype))
    go_to(qtbot, panel, "output_error")
    click_neuron(qtbot, panel, 2, int(label[0]))
    assert panel.selected == (2, int(label[0]))
    text = panel.formulas.toPlainText()
    assert f"= {num(float(grads_b[1][label[0]]))}" in text  # δ = p − y of the true class
    hidden = int(np.argmax(np.abs(grads_b[0])))  # a neuron whose δ is not zero
    go_to(qtbot, panel, "gradients")
    click_neuron(qtbot, panel, 1, hidden)
    text = panel.formulas.toPlainText()
    assert f"= {num(float(grads_b[0][hidden]))}" in text  # ∂C/∂b = δ
    k = int(np.argmax(np.abs(grads_W[0][hidden])))
    table = text[text.index("weight from"):]
    first_source = next(line for line in table.splitlines() if line.startswith("pixel ("))
    assert first_source == f"pixel ({k // 28}, {k % 28})"  # the largest |∂C/∂w| is listed first …
    assert num(float(grads_W[0][hidden, k])) in table  # … with the engine's value


def test_the_drawing_colours_the_step_and_play_walks_to_the_end(qtbot, panel):
    go_to(qtbot, panel, "forward", 1)
    assert panel.scene._captions[1].text().endswith(": a") and panel.scene._captions[2].text().endswith("·")
    click_neuron(qtbot, panel, 1, 3)  # its largest terms are drawn as lines from their pixels
    lines = sum(link.path().elementCount() for link in panel.scene._links)
    assert lines == 2 * len(forward_sum(panel.trace, 0, 1, 3).terms)
    go_to(qtbot, panel, "output_error")
    assert panel.scene._captions[2].text().endswith(": δ")
    click_neuron(qtbot, panel, 2, 0)
    assert sum(link.path().elementCount() for link in panel.scene._links) == 0  # an output's δ is p − y: no sum
    panel.play_timer.setInterval(10)
    qtbot.mouseClick(panel.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.play_button.isChecked(), timeout=3000)
    assert panel.walk[panel.step_index].kind == "update"
    assert not panel.next_button.isEnabled()


def test_apply_emits_one_sgd_step_of_the_engine_and_the_prediction_moves(qtbot, panel, digits):
    net, x, label = panel.net, to_inputs(digits[0])[:1], digits[1][:1]
    panel.sig_network_changed.connect(panel.set_network)
    panel.rate_box.setValue(0.3)
    cost_before = panel.trace.costs[0]
    with qtbot.waitSignal(panel.sig_network_changed, timeout=1000) as blocker:
        qtbot.mouseClick(panel.apply_button, Qt.LeftButton)
    stepped = blocker.args[0]
    expected = apply_step(net, x, label, 0.3)
    for W, V in zip(stepped.weights, expected.weights):
        np.testing.assert_array_equal(W, V)
    assert stepped.forward(x)[0, label[0]] > net.forward(x)[0, label[0]]
    assert panel.net is stepped and panel.trace.costs[0] < cost_before
    assert f"cost {num(cost_before)} → {num(float(panel.trace.costs[0]))}" in panel.prediction.text()


def test_a_drawing_waits_for_its_label_and_a_batch_averages_its_examples(qtbot, panel, digits):
    images, labels = digits
    panel.label_box.setCurrentIndex(0)
    panel.set_input(to_inputs(images)[3], None)
    assert panel.trace is None and "Pick the true label" in panel.formulas.toPlainText()
    assert not panel.apply_button.isEnabled()
    panel.label_box.setCurrentIndex(int(labels[3]) + 1)
    assert panel.trace.batch_size == 1
    panel.set_examples(images, labels)
    panel.batch_box.setCurrentIndex(panel.batch_box.findText("4"))
    trace = panel.trace
    assert trace.batch_size == 4 and panel.example_box.maximum() == 4
    np.testing.assert_allclose(trace.grads_b[0], trace.deltas[0].mean(axis=0), rtol=1e-5, atol=1e-7)
    panel.example_box.setValue(3)
    go_to(qtbot, panel, "forward", 1)
    click_neuron(qtbot, panel, 1, 0)
    assert num(float(trace.zs[0][2, 0])) in panel.formulas.toPlainText()  # the third example's z


def test_an_input_set_before_the_network_keeps_its_true_label(qtbot, digits):
    panel = BackpropPanel()
    qtbot.addWidget(panel)
    images, labels = digits
    panel.set_input(to_inputs(images)[4], int(labels[4]))  # the window's first test image comes first
    panel.set_network(small_net())
    assert panel.settings.label() == labels[4] and panel.trace is not None


def test_out_of_view_nothing_is_computed(qtbot, panel, digits):
    panel.set_in_view(False)
    before = panel.trace
    panel.set_network(small_net())
    panel.set_input(to_inputs(digits[0])[5], int(digits[1][5]))
    assert panel.trace is before and panel.stale
    panel.set_in_view(True)
    assert panel.trace is not before and panel.trace.net is panel.net and not panel.stale


def test_a_network_that_does_not_fit_the_input_is_one_line(qtbot, panel):
    from mnistbench.engine.network import Network

    panel.set_network(Network([100, 5, 10]))
    assert panel.formulas.toPlainText().strip() == "input has 784 values per example, the network expects 100"


def draw_a_stroke(qtbot, canvas):
    qtbot.mousePress(canvas, Qt.LeftButton, pos=QPoint(140, 40))
    for y in range(40, 241, 20):
        qtbot.mouseMove(canvas, QPoint(140, y))
    qtbot.mouseRelease(canvas, Qt.LeftButton, pos=QPoint(140, 240))


def test_in_the_window_a_drawn_digit_steps_and_the_applied_step_becomes_the_network(make_window, qtbot):
    window = make_window()
    window.state.set_network(small_net(hidden=12))
    panel, dock = window.backprop_panel, window.docks["backprop"]
    assert window.tabifiedDockWidgets(dock)  # tabbed with the digit pad group
    qtbot.waitUntil(lambda: not window.state.is_in_view("backprop"), timeout=2000)
    window.docks["digit_pad"].raise_()
    draw_a_stroke(qtbot, window.digit_pad_panel.canvas)
    qtbot.waitUntil(lambda: window.state.input is not None and window.state.input.source == "digit_pad",
                    timeout=2000)
    for epoch in range(3):  # training sends a network per epoch: behind its tab the panel takes none
        window.state.mark_trained(small_net(hidden=12))
    assert panel.trace is None and panel.net is not window.state.network  # out of view: no work
    dock.raise_()
    qtbot.waitUntil(lambda: window.state.is_in_view("backprop"), timeout=2000)
    assert panel.net is window.state.network  # the latest one, once shown
    assert "Pick the true label" in panel.formulas.toPlainText()
    panel.label_box.setCurrentIndex(1 + 1)  # "this is a 1"
    go_to(qtbot, panel, "update")
    before = window.state.network
    p_before = before.forward(window.state.input.x[None])[0, 1]
    qtbot.mouseClick(panel.apply_button, Qt.LeftButton)
    after = window.state.network
    assert after is not before and window.state.modified and panel.net is after
    assert after.forward(window.state.input.x[None])[0, 1] > p_before
    assert "After the step:" in panel.prediction.text()


def test_numbers_read_as_formulas_do():
    assert num(-0.0) == "0" and num(-0.25) == "−0.25"
    assert num(3.314e-5) == "3.314·10<sup>-5</sup>".replace("-", "−")


def labels_in_a_small_dock(qtbot, digits, hidden):
    """A 600-px step-through drawing one example of a ``hidden`` network: (panel, its text labels)."""
    panel = BackpropPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 520)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_network(trained_network("relu", hidden=hidden, epochs=1))
    images, labels = digits
    panel.set_input(to_inputs(images)[0], int(labels[0]))
    qtbot.wait(20)
    return panel, [*panel.scene._captions, *panel.scene._output_texts]


@pytest.mark.parametrize("hidden", [(16,), (512, 128)])
def test_the_drawings_labels_stay_readable_in_a_small_dock(qtbot, digits, hidden):
    """(In a 600-px dock the layer captions and class labels were drawn 4 px high.)"""
    panel, texts = labels_in_a_small_dock(qtbot, digits, hidden)
    transform = panel.view.viewportTransform()
    for item in texts:
        on_screen = item.deviceTransform(transform).mapRect(item.boundingRect())
        assert on_screen.height() >= 12, (item.text(), on_screen.height())


@pytest.mark.parametrize("hidden", [(16,), (512, 128)])
def test_the_drawings_labels_are_inside_the_view(qtbot, digits, hidden):
    """(The output layer's caption ran past the right edge of a 600-px dock.)"""
    panel, texts = labels_in_a_small_dock(qtbot, digits, hidden)
    transform, viewport = panel.view.viewportTransform(), panel.view.viewport().rect()
    for item in texts:
        on_screen = item.deviceTransform(transform).mapRect(item.boundingRect()).toAlignedRect()
        assert viewport.contains(on_screen), (item.text(), on_screen, viewport)
