"""Backpropagation against centred finite differences, in float64.

For every activation x loss x a few depths, each analytic gradient entry
must match (L(w + h) - L(w - h)) / 2h within explicit tolerances.
"""

import numpy as np
import pytest

from mnistbench.engine.activations import HIDDEN_ACTIVATIONS
from mnistbench.engine.losses import one_hot
from mnistbench.engine.network import Network

STEP = 1e-6
RTOL, ATOL = 1e-5, 1e-8


def numeric_gradient(net, X, Y, param):
    """Centred differences of the loss with respect to every entry of ``param``."""
    grad = np.zeros_like(param)
    for i in np.ndindex(param.shape):
        saved = param[i]
        param[i] = saved + STEP
        plus = net.backward(X, Y)[0]
        param[i] = saved - STEP
        minus = net.backward(X, Y)[0]
        param[i] = saved
        grad[i] = (plus - minus) / (2 * STEP)
    return grad


CASES = [(act, loss, output, sizes)
         for act in HIDDEN_ACTIVATIONS
         for loss, output in (("quadratic", "sigmoid"), ("quadratic", "softmax"),
                              ("cross_entropy", "softmax"), ("cross_entropy", "sigmoid"))
         for sizes in ((5, 3), (5, 4, 3), (5, 4, 4, 3))]


@pytest.mark.parametrize("activation,loss,output,sizes", CASES)
def test_backprop_matches_finite_differences(activation, loss, output, sizes):
    net = Network(sizes, activation=activation, output=output, loss=loss, init="xavier",
                  seed=3, dtype="float64")
    rng = np.random.default_rng(7)
    for b in net.biases:  # non-zero biases so every term of the gradient is exercised
        b[...] = rng.normal(0, 0.3, b.shape)
    X = rng.normal(0, 1, (6, sizes[0]))
    Y = one_hot(rng.integers(0, sizes[-1], 6), sizes[-1], np.float64)
    _, grads_W, grads_b = net.backward(X, Y)
    for l in range(len(net.weights)):
        np.testing.assert_allclose(grads_W[l], numeric_gradient(net, X, Y, net.weights[l]),
                                   rtol=RTOL, atol=ATOL, err_msg=f"dW layer {l + 1}")
        np.testing.assert_allclose(grads_b[l], numeric_gradient(net, X, Y, net.biases[l]),
                                   rtol=RTOL, atol=ATOL, err_msg=f"db layer {l + 1}")


def test_dropout_gradient_matches_finite_differences_with_a_fixed_mask():
    """With the same dropout mask (same rng state) the gradient is still exact."""
    net = Network((6, 5, 5, 3), activation="sigmoid", loss="cross_entropy", output="softmax",
                  init="xavier", seed=1, dtype="float64")
    rng = np.random.default_rng(2)
    X = rng.normal(0, 1, (4, 6))
    Y = one_hot(rng.integers(0, 3, 4), 3, np.float64)

    def loss_at():
        return net.backward(X, Y, dropout=0.4, rng=np.random.default_rng(11))

    _, grads_W, _ = loss_at()
    W = net.weights[0]
    numeric = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        saved = W[i]
        W[i] = saved + STEP
        plus = loss_at()[0]
        W[i] = saved - STEP
        minus = loss_at()[0]
        W[i] = saved
        numeric[i] = (plus - minus) / (2 * STEP)
    np.testing.assert_allclose(grads_W[0], numeric, rtol=RTOL, atol=ATOL)
    assert np.any(grads_W[0] != net.backward(X, Y)[1][0]), "dropout had no effect"


def test_leaky_relu_passes_gradient_below_zero():
    net = Network((2, 1, 2), activation="leaky_relu", loss="cross_entropy", dtype="float64")
    net.weights[0][...] = [[1.0, 0.0]]
    net.biases[0][...] = [0.0]
    _, grads_W, _ = net.backward(np.array([[-3.0, 0.0]]), one_hot(np.array([0]), 2, np.float64))
    assert grads_W[0][0, 0] != 0.0  # plain ReLU would give exactly 0 here
