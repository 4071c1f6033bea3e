"""Networks whose input is not 784 or whose output is not 10, loaded into the real window (issue 10, class 7).

Every panel either works for the shape or says in its place why it cannot; none raises.
"""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from mnistbench.data import to_inputs  # noqa: E402
from mnistbench.engine.network import Network  # noqa: E402
from mnistbench.netfile import save_network  # noqa: E402
from window_helpers import bring_to_front  # noqa: E402

pytestmark = pytest.mark.gui
SHAPES = [(100, 10), (784, 5), (784, 20), (784, 1), (1, 1), (4, 3, 2), (784, 64, 64, 64, 10), (2, 10),
          (10, 784), (784, 11), (784, 2), (783, 10), (785, 30, 10)]


def reads_images(shape):
    return shape[0] == 784


def says(shape):
    """The words a panel that cannot serve ``shape`` must show."""
    if not reads_images(shape):
        return f"reads {shape[0]} input"
    return f"{shape[-1]} output"


def panel_texts(window):
    """What the image-and-digit panels show in their own places."""
    return {
        "digit_pad": window.digit_pad_panel.answer.text(),
        "imagine": window.imagine_panel.captions["ascent"].text() + window.imagine_panel.saliency_caption.text(),
        "image_browser": window.image_browser_panel.predicted_label.text(),
        "confusion": window.confusion_panel.accuracy_label.text(),
        "own_digits": window.own_digits_panel.accuracy_label.text(),
    }


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "-".join(map(str, s)))
def test_every_panel_works_or_says_why_for_an_odd_shaped_network(make_window, qtbot, tmp_path, shape,
                                                                  logged_errors):
    window = make_window()
    path = tmp_path / "odd.nn"
    save_network(Network(list(shape), seed=1), path)
    assert window.files.open_network(path)
    for name in ("imagine", "digit_pad", "image_browser", "confusion", "own_digits", "inspector"):
        window.docks[name].show()
        window.docks[name].raise_()
        window.state.set_panel_in_view(name, True)
    images = window.state.dataset.test_images[:3]
    window.digit_pad_panel.canvas.set_background(images[0])
    window.digit_pad_panel.refresh()
    window.image_browser_panel.show_index(1)
    window.image_browser_panel.next_mistake()
    window.imagine_panel.recompute()
    window.own_digits_panel.add_digit(to_inputs(images[:1])[0], 3)
    window.training.evaluate()
    qtbot.waitUntil(lambda: not window.controller.running)
    window.show_test_image(2)
    texts = panel_texts(window)
    if shape[0] != 784 or shape[-1] != 10:
        for name, text in texts.items():
            assert says(shape) in text, f"{name} does not say why: {text!r}"
    else:
        assert "Accuracy" in texts["confusion"]


def test_training_an_odd_shaped_network_is_refused_in_one_line(make_window, tmp_path, logged_errors):
    window = make_window()
    path = tmp_path / "odd.nn"
    save_network(Network([100, 10], seed=1), path)
    assert window.files.open_network(path)
    logged_errors.expect("reads 100 inputs, not 28×28 images")
    assert not window.training.start(window.training_panel.training_form.config())
    assert not window.controller.running


def test_the_inspector_does_not_judge_a_blank_input_against_the_last_images_label(make_window, tmp_path):
    window = make_window()
    bring_to_front(window, "inspector")
    window.image_browser_panel.show_index(1)
    assert window.inspector_panel.scene.true_label is not None
    path = tmp_path / "odd.nn"
    save_network(Network([100, 10], seed=1), path)
    assert window.files.open_network(path)
    assert window.inspector_panel.scene.true_label is None
