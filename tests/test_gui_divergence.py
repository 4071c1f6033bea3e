"""A run that diverges in the window leaves the document as it was: the window adopts what the
controller returns, and the engine puts back the last good weights (issue 10 class 1)."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.engine.network import Network  # noqa: E402

pytestmark = pytest.mark.gui


def linear_network():
    """784 inputs straight to 10 outputs: a far too large step makes it explode within a few batches."""
    rng = np.random.default_rng(0)
    return Network.from_parameters([rng.normal(0, 0.01, (10, 784))], [np.zeros(10)], ["identity"], "quadratic")


def test_a_diverging_run_leaves_the_window_with_a_network_that_predicts(make_window, qtbot):
    window = make_window()
    window.state.set_network(linear_network())
    before = window.state.network.weights[0].copy()
    config = TrainingConfig(optimizer="sgd", learning_rate=5.0, batch_size=20, epochs=3)
    with qtbot.waitSignal(window.controller.sig_finished, timeout=60000) as finished:
        assert window.training.start(config)
    qtbot.waitUntil(lambda: not window.controller.running)
    result = finished.args[0]
    assert result.stop_reason == "diverged" and "put back" in result.message
    net = window.state.network
    # Before: the document became the exploded network (|w| ~ 1e18), whose every prediction was NaN.
    assert np.array_equal(net.weights[0], before)
    X = window.state.dataset.test_images.reshape(-1, 784) / np.float32(255)
    assert np.isfinite(net.predict_proba(X)).all()
    assert "put back" in window.log_panel.text()
