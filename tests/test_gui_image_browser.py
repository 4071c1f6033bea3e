"""The test-image browser: index box, previous/next, next mistake, and what it sends."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from idx_factory import synthetic_digits
from mnistbench.data.datasets import to_inputs
from mnistbench.gui.panels.image_browser.image_browser_panel import ImageBrowserPanel
from tiny_network import trained_network

pytestmark = pytest.mark.gui


@pytest.fixture
def data():
    images, labels = synthetic_digits(80, seed=5)
    return images, labels


@pytest.fixture
def net():
    return trained_network("relu", hidden=(16,), epochs=1)


@pytest.fixture
def browser(qtbot, data, net):
    panel = ImageBrowserPanel()
    qtbot.addWidget(panel)
    panel.set_network(net)
    panel.set_dataset(*data)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def with_mistakes(data, net, where=(3, 40, 41)):
    """Labels with known mistakes: every other image the network reads correctly."""
    images, _ = data
    labels = net.predict(to_inputs(images)).copy()
    labels[list(where)] = (labels[list(where)] + 1) % 10
    return images, labels


def test_each_change_sends_the_image_and_its_true_label(qtbot, browser, data):
    images, labels = data
    assert browser.index_box.maximum() == len(labels) - 1
    with qtbot.waitSignal(browser.sig_input_chosen, timeout=1000) as blocker:
        qtbot.mouseClick(browser.buttons["next"], Qt.LeftButton)
    x, label = blocker.args
    assert browser.index_box.value() == 1
    assert x.dtype == np.float32 and x.shape == (784,)
    np.testing.assert_array_equal(x, to_inputs(images[1:2])[0])
    assert label == labels[1] and isinstance(label, int)
    assert f"<b>{labels[1]}</b>" in browser.true_label.text()
    with qtbot.waitSignal(browser.sig_input_chosen, timeout=1000) as blocker:
        browser.show_index(17)
    assert blocker.args[1] == labels[17] and browser.index_box.value() == 17


def test_left_and_right_keys_step_even_in_the_number_box(qtbot, browser):
    browser.show_index(10)
    browser.index_box.setFocus()
    qtbot.keyClick(browser.index_box, Qt.Key_Right)
    assert browser.index_box.value() == 11
    qtbot.keyClick(browser.buttons["next"], Qt.Key_Left)
    qtbot.keyClick(browser.buttons["next"], Qt.Key_Left)
    assert browser.index_box.value() == 9
    browser.show_index(0)
    qtbot.keyClick(browser.index_box, Qt.Key_Left)
    assert browser.index_box.value() == 0  # stops at the first image


def test_predicted_label_agrees_with_the_network(browser, data, net):
    images, labels = with_mistakes(data, net)
    browser.set_dataset(images, labels)
    predicted = net.predict(to_inputs(images))
    for i in (2, 3, 40):
        browser.show_index(i)
        assert f">{predicted[i]}</b>" in browser.predicted_label.text()
        assert browser.predicted_label.property("verdict") == ("right" if predicted[i] == labels[i] else "wrong")


def test_next_mistake_walks_the_wrong_ones_and_wraps(qtbot, browser, data, net):
    browser.set_dataset(*with_mistakes(data, net))
    calls = []
    original = net.predict
    net.predict = lambda X: calls.append(len(X)) or original(X)
    visited = []
    for _ in range(4):
        qtbot.mouseClick(browser.buttons["next_mistake"], Qt.LeftButton)
        visited.append(browser.index_box.value())
    assert visited == [3, 40, 41, 3]
    assert calls == [80]  # one vectorised prediction for the whole test set, then cached
    assert "3 mistakes in 80" in browser.mistakes.text()
    qtbot.mouseClick(browser.buttons["previous_mistake"], Qt.LeftButton)
    assert browser.index_box.value() == 41
    browser.set_network(net)  # a new network (e.g. the next epoch) predicts again when asked
    qtbot.mouseClick(browser.buttons["next_mistake"], Qt.LeftButton)
    assert calls[-1] == 80 and len([c for c in calls if c == 80]) == 2


def test_without_a_network_mistake_buttons_are_disabled(qtbot, data):
    panel = ImageBrowserPanel()
    qtbot.addWidget(panel)
    assert not panel.buttons["next"].isEnabled()
    panel.set_dataset(*data)
    assert panel.buttons["next"].isEnabled() and not panel.buttons["next_mistake"].isEnabled()
    assert "no network" in panel.predicted_label.text()


def test_the_image_is_large_and_the_networks_probabilities_sit_beside_it(browser, data, net):
    images, labels = data
    browser.show_index(5)
    assert browser.thumbnail.width() >= 160  # 6x, not 4x
    shown = browser.bars.probabilities()
    np.testing.assert_allclose(shown, net.predict_proba(images[5:6].reshape(1, -1))[0], rtol=1e-6)
    assert f">{int(np.argmax(shown))}</b>" in browser.predicted_label.text()
    mark = "✓" if np.argmax(shown) == labels[5] else "✗"
    assert mark in browser.predicted_label.text()
