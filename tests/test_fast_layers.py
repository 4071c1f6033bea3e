"""The fused ReLU layers (fast_layers.py) against Network.backward: the same loss, gradients and output, bit for bit."""

import numpy as np
import pytest

from mnistbench.engine import fast_kernels, fast_layers
from mnistbench.engine.losses import one_hot
from mnistbench.engine.network import Network
from mnistbench.engine.training import Trainer

pytest.importorskip("numba")  # CI installs the [fast] extra, so these run there


def same_bits(a, b):
    """Equal to the last bit, -0 included; a NaN only has to be a NaN (x86 gives inf - inf a sign bit)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    numbers = ~np.isnan(a)
    return np.array_equal(a[numbers].view(np.uint8), b[numbers].view(np.uint8))


def assert_backward_equal(net, kernels, X, Y, dropout=0.0):
    with np.errstate(all="ignore"):  # saturated outputs: log(0) in the loss, on both paths alike
        reference = net.backward(X, Y, dropout, np.random.default_rng(5), return_output=True)
        fused = fast_layers.backward(net, kernels, X, Y, dropout, np.random.default_rng(5))
    assert reference[0] == fused[0] or (np.isnan(reference[0]) and np.isnan(fused[0]))
    for kind, expected, got in (("dW", reference[1], fused[1]), ("db", reference[2], fused[2])):
        assert len(expected) == len(got) == len(net.weights)
        for l, (e, g) in enumerate(zip(expected, got)):
            assert same_bits(e, g), f"{kind} of layer {l + 1} differs"
    assert same_bits(reference[3], fused[3])


@pytest.mark.parametrize("sizes", [(784, 10), (784, 32, 10), (20, 16, 12, 4), (5, 3, 3, 3, 3, 2)])
@pytest.mark.parametrize("batch", [1, 7, 128])
@pytest.mark.parametrize("loss, output", [("cross_entropy", "softmax"), ("cross_entropy", "sigmoid"),
                                          ("quadratic", "sigmoid")])
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_fused_relu_layers_give_the_reference_gradients_bit_for_bit(kernels, sizes, batch, loss, output, dropout):
    rng = np.random.default_rng(batch)
    net = Network(sizes, activation="relu", output=output, loss=loss, init="he", seed=batch)
    net.biases = [rng.normal(0, 0.3, b.shape).astype(np.float32) for b in net.biases]  # some z near 0
    X = rng.random((batch, sizes[0]), dtype=np.float32) * rng.choice([0, 1, 100], (batch, sizes[0]))
    Y = one_hot(rng.integers(0, sizes[-1], batch), sizes[-1])
    assert fast_layers.fits(net)
    assert_backward_equal(net, kernels, X, Y, dropout)


def test_minus_zero_nan_and_infinity_pass_through_as_numpy_passes_them(kernels):
    net = Network((4, 3, 2), activation="relu", loss="cross_entropy", init="he", seed=0)
    net.weights[0] = np.array([[1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0]], np.float32)
    net.biases[0] = np.array([-0.0, -0.0, 0.0], np.float32)
    X = np.array([[-0.0, 0.0, 1, 2], [np.nan, 1, 0, 0], [np.inf, -np.inf, -1, 0], [1e30, -1e30, 3, 0]], np.float32)
    Y = one_hot(np.array([0, 1, 0, 1]), 2)
    assert_backward_equal(net, kernels, X, Y)


@pytest.mark.parametrize("values", [[-0.0, 0.0, np.nan, -1, 2, np.inf, -np.inf], [3e38, -3e38, 1e-45, -1e-45]])
def test_the_kernels_alone_match_their_numpy_formulas(kernels, values):
    rng = np.random.default_rng(0)
    z = np.array(values * 6, np.float32).reshape(6, -1)
    b = rng.choice(np.array(values, np.float32), z.shape[1])
    with np.errstate(all="ignore"):
        expected = np.maximum(z + b, 0)
        fused = z.copy()
        kernels.bias_relu(fused, b)
        assert same_bits(expected, fused)
        grad = rng.permutation(z.ravel()).reshape(z.shape)
        expected_delta = grad * (expected > 0)
        db = np.empty(z.shape[1], np.float32)
        kernels.relu_delta_and_bias_gradient(grad, expected, db)
        assert same_bits(expected_delta, grad)
        assert same_bits(expected_delta.sum(axis=0), db)


def test_gathered_pixels_are_the_inputs_as_input_makes(kernels):
    rng = np.random.default_rng(0)
    pixels = np.concatenate([np.arange(256, dtype=np.uint8)[None].repeat(49, 0).reshape(16, 784),
                             rng.integers(0, 256, (40, 784), dtype=np.uint8)])
    index = rng.permutation(len(pixels))[:37]
    net = Network((784, 10))
    assert same_bits(fast_kernels.gather_pixels(kernels, pixels, index), net.as_input(pixels[index]))


@pytest.mark.parametrize("net, fits", [
    (Network((6, 5, 3), activation="relu", loss="cross_entropy"), True),
    (Network((6, 5, 3), activation="tanh", loss="cross_entropy"), False),
    (Network((6, 5, 3), activation="leaky_relu", loss="cross_entropy"), False),
    (Network((6, 5, 3), activation="relu", loss="cross_entropy", dtype="float64"), False),
    (Network((6, 3), activation="sigmoid", loss="quadratic"), True),  # no hidden layer to fuse
])
def test_only_networks_the_kernels_serve_take_the_fused_layers(net, fits):
    assert fast_layers.fits(net) is fits


def test_training_takes_the_fused_layers_when_they_fit_and_numpy_when_forced(kernels, monkeypatch):
    from mnistbench.engine.config import TrainingConfig
    from mnistbench.engine.divergence import DivergenceGuard
    from mnistbench.engine.training import TrainingCallbacks, TrainingControl

    def trainer(net, **settings):
        X, y = np.zeros((4, 6), np.float32), np.zeros(4, np.int64)
        return Trainer(net, TrainingConfig(**settings), None, TrainingCallbacks(), TrainingControl(),
                       DivergenceGuard(net, X, y))

    relu = Network((6, 5, 3), activation="relu", loss="cross_entropy")
    assert trainer(relu).fused_layers and trainer(relu, dropout=0.5).fused_layers
    assert not trainer(Network((6, 5, 3), activation="tanh", loss="cross_entropy")).fused_layers
    monkeypatch.setenv(fast_kernels.ENGINE_VARIABLE, "numpy")
    assert not trainer(relu).fused_layers
