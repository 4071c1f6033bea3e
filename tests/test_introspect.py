"""engine.introspect: input gradients against finite differences, imagine, saliency, back-projection."""

import numpy as np
import pytest

from mnistbench.bundled import resolve_network
from mnistbench.engine.introspect import (back_project, back_query, gaussian_blur, imagine, input_gradient,
                                          saliency)
from mnistbench.engine.network import Network
from mnistbench.netfile import load_network
from tiny_network import mean_image, trained_network

# Centred differences in float64 with step H have truncation error ~H^2 * f''' and
# rounding error ~1e-16 / H; both stay far below these tolerances for small nets.
H = 1e-6
TOLERANCES = {"sigmoid": (1e-6, 1e-9), "tanh": (1e-6, 1e-9), "relu": (1e-5, 1e-8)}  # (rtol, atol)


def numeric_gradient(net, x, score):
    """Centred finite differences of score(net, x) for every input pixel: (784,)."""
    grad = np.empty_like(x)
    for i in range(len(x)):
        up, down = x.copy(), x.copy()
        up[i] += H
        down[i] -= H
        grad[i] = (score(net, up) - score(net, down)) / (2 * H)
    return grad


def small_net(activation, output="softmax"):
    loss = "cross_entropy"
    return Network([784, 12, 8, 10], activation=activation, output=output, loss=loss,
                   init="xavier", seed=3).astype("float64")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_input_gradient_of_z_matches_finite_differences(activation):
    net = small_net(activation)
    x = np.random.default_rng(1).uniform(0, 1, 784)
    cls = 4

    def z_score(net, x):
        return net.forward_with_z(x[None])[0][-1][0, cls]

    expected = numeric_gradient(net, x, z_score)
    rtol, atol = TOLERANCES[activation]
    np.testing.assert_allclose(input_gradient(net, x, cls), expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_input_gradient_of_log_probability_matches_finite_differences(output):
    net = small_net("tanh", output=output)
    x = np.random.default_rng(2).uniform(0, 1, 784)
    cls = 7

    def log_p(net, x):
        return np.log(net.forward(x[None])[0, cls])

    expected = numeric_gradient(net, x, log_p)
    got = input_gradient(net, x, cls, score="log_probability")
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)


def test_input_gradient_rejects_unknown_score():
    with pytest.raises(ValueError, match="score"):
        input_gradient(small_net("relu"), np.zeros(784), 0, score="probability")


def test_saliency_is_a_non_negative_map_explaining_the_prediction():
    net = trained_network()
    x = np.random.default_rng(0).uniform(0, 1, 784).astype(np.float32)
    result = saliency(net, x)
    assert result.shape == (784,)
    assert (result >= 0).all() and result.max() > 0
    predicted = int(net.predict(x[None])[0])
    np.testing.assert_allclose(result, np.abs(input_gradient(net, x, predicted)))


def test_gradient_times_input_saliency_lights_only_inked_pixels():
    net = trained_network()
    x = np.zeros(784, np.float32)
    x[300:320] = 0.8
    result = saliency(net, x, 3, method="gradient_x_input")
    np.testing.assert_allclose(result, np.abs(x * input_gradient(net, x, 3)), rtol=1e-6)
    assert result[x == 0].max() == 0 and result.max() > 0
    with pytest.raises(ValueError, match="method"):
        saliency(net, x, 3, method="smooth")


def test_gaussian_blur_keeps_the_total_and_spreads_a_point():
    image = np.zeros((28, 28))
    image[14, 14] = 1.0
    blurred = gaussian_blur(image, 1.0)
    assert blurred.sum() == pytest.approx(1.0)
    assert blurred[14, 14] < 0.2 and blurred[14, 15] > 0.05
    assert blurred[14, 15] == pytest.approx(blurred[15, 14])


@pytest.mark.parametrize("start", ["blank", "mean"])
def test_imagined_digits_are_read_as_the_asked_digit(start):
    net = trained_network()
    for digit in (0, 3, 7, 8):
        image = imagine(net, digit, start=start, mean_image=mean_image())
        assert image.shape == (784,) and image.dtype == np.float32
        assert image.min() >= 0.0 and image.max() <= 1.0
        probabilities = net.predict_proba(image[None])[0]
        assert probabilities.argmax() == digit, (digit, probabilities.round(2))
        assert probabilities[digit] > 0.5


def test_imagine_reports_each_step_and_is_reproducible():
    net = trained_network()
    steps = []
    first = imagine(net, 2, steps=12, seed=5, on_step=lambda step, x: steps.append(step))
    assert steps == list(range(1, 13))
    np.testing.assert_array_equal(first, imagine(net, 2, steps=12, seed=5))


def test_imagine_needs_a_mean_image_for_a_mean_start():
    with pytest.raises(ValueError, match="mean_image"):
        imagine(trained_network(), 1, start="mean")


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_back_query_gives_an_image_in_unit_range_that_differs_per_digit(activation):
    net = trained_network(activation=activation)
    images = [back_query(net, digit) for digit in range(10)]
    for image in images:
        assert image.shape == (784,) and image.dtype == np.float32
        assert image.min() == pytest.approx(0.0) and image.max() == pytest.approx(1.0)
    assert np.abs(images[0] - images[1]).mean() > 0.02
    # The back-query of a trained network is mostly recognisable to the network itself.
    recognised = sum(int(net.predict(image[None])[0]) == d for d, image in enumerate(images))
    assert recognised >= 5


def test_back_project_is_the_one_hot_answer_times_the_transposed_weights_min_max_scaled():
    net = Network([784, 12, 8, 10], seed=4).astype("float64")
    W1, W2, W3 = net.weights
    votes = np.array([sum(W1[j, i] * sum(W2[k, j] * W3[6, k] for k in range(8)) for j in range(12))
                      for i in range(784)])  # pixel i's vote for 6 along every path, as loops
    expected = (votes - votes.min()) / (votes.max() - votes.min())
    np.testing.assert_allclose(back_project(net, 6), expected, atol=1e-6)


def test_back_project_ignores_biases_and_activations_as_the_original_did():
    net = trained_network(activation="relu")
    before = back_project(net, 3)
    other = Network.from_parameters(net.weights, [b + 5 for b in net.biases], ["tanh", "sigmoid"])
    np.testing.assert_array_equal(back_project(other, 3), before)
    assert np.abs(back_query(other, 3) - before).max() > 0.05  # the inverse-activation method differs


def test_the_classic_network_reads_the_original_formula_as_the_asked_digit_more_often():
    """Issue 13: the original formula's pictures are read right 8 times of 10 by the classic network."""
    net = load_network(resolve_network("classic-784-30-10"))

    def recognised(method):
        return sum(int(net.predict(method(net, d)[None])[0]) == d for d in range(10))

    assert recognised(back_project) >= 8
    assert recognised(back_project) > recognised(back_query)
