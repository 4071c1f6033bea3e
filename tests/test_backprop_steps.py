"""The numbers the step-through view shows equal the engine's, and centred finite differences in float64."""

import numpy as np
import pytest

from mnistbench.engine.losses import one_hot
from mnistbench.engine.network import Network
from mnistbench.errors import ConfigError
from mnistbench.workflows.backprop_steps import (apply_step, backward_sum, bias_update, cost_terms, forward_sum,
                                                 layer_values, mini_batch, output_error_form, steps, trace_pass,
                                                 weight_gradients)

FD_STEP = 1e-6  # centred differences in float64: error ~ h² · f‴, far below the tolerance
FD_RTOL, FD_ATOL = 1e-5, 1e-9

NETWORKS = {
    "classic sigmoid, quadratic": dict(activation="sigmoid", loss="quadratic"),
    "relu, softmax cross-entropy": dict(activation="relu", output="softmax", loss="cross_entropy", init="he"),
    "tanh, sigmoid cross-entropy": dict(activation="tanh", output="sigmoid", loss="cross_entropy", init="xavier"),
}


def small_batch(n_in=12, size=3, seed=1):
    rng = np.random.default_rng(seed)
    return rng.random((size, n_in)), rng.integers(0, 4, size)


def network(kind, dtype="float64"):
    return Network([12, 7, 5, 4], seed=3, dtype=dtype, **NETWORKS[kind])


def cost(net, inputs, labels):
    return net.backward(inputs, one_hot(labels, net.layer_sizes[-1], net.dtype))[0]


def centred_difference(net, array, index, inputs, labels):
    saved = array[index]
    array[index] = saved + FD_STEP
    up = cost(net, inputs, labels)
    array[index] = saved - FD_STEP
    down = cost(net, inputs, labels)
    array[index] = saved
    return (up - down) / (2 * FD_STEP)


@pytest.mark.parametrize("kind", NETWORKS)
def test_each_delta_is_the_engines_bias_gradient_and_a_finite_difference(kind):
    net = network(kind)
    inputs, labels = small_batch()
    trace = trace_pass(net, inputs, labels)
    for example in range(len(labels)):
        one = inputs[example:example + 1], labels[example:example + 1]
        _, grads_W, grads_b = net.backward(one[0], one_hot(one[1], 4, net.dtype))
        for l in range(1, trace.n_layers + 1):
            np.testing.assert_array_equal(trace.deltas[l - 1][example], grads_b[l - 1])
            for j in range(net.layer_sizes[l]):
                estimate = centred_difference(net, net.biases[l - 1], j, *one)
                assert trace.deltas[l - 1][example, j] == pytest.approx(estimate, rel=FD_RTOL, abs=FD_ATOL)


@pytest.mark.parametrize("kind", NETWORKS)
def test_the_shown_weight_gradients_are_the_engines_and_finite_differences(kind):
    net = network(kind)
    inputs, labels = small_batch()
    trace = trace_pass(net, inputs, labels)
    _, grads_W, _ = net.backward(inputs, one_hot(labels, 4, net.dtype))
    for layer in range(1, trace.n_layers + 1):
        np.testing.assert_array_equal(trace.grads_W[layer - 1], grads_W[layer - 1])
        for j in range(net.layer_sizes[layer]):
            shown = weight_gradients(trace, 0, layer, j, learning_rate=0.5, top=3)
            assert len(shown) == 3
            assert abs(shown[0].gradient) >= abs(shown[1].gradient) >= abs(shown[2].gradient)
            for row in shown:  # the batch's ∂C/∂w: the mean of aₖ δⱼ over its examples
                per_example = trace.activations[layer - 1][:, row.k] * trace.deltas[layer - 1][:, j]
                assert row.gradient == pytest.approx(per_example.mean(), rel=1e-12, abs=1e-15)
                assert row.example_gradient == pytest.approx(per_example[0], rel=1e-12, abs=1e-15)
                estimate = centred_difference(net, net.weights[layer - 1], (j, row.k), inputs, labels)
                assert row.gradient == pytest.approx(estimate, rel=FD_RTOL, abs=FD_ATOL)


@pytest.mark.parametrize("kind", NETWORKS)
def test_the_sums_shown_add_up_to_the_engines_z_and_delta(kind):
    net = network(kind)
    inputs, labels = small_batch()
    trace = trace_pass(net, inputs, labels)
    for layer in range(1, trace.n_layers + 1):
        for j in range(net.layer_sizes[layer]):
            z = forward_sum(trace, 1, layer, j, top=2)
            assert len(z.terms) == 2 and z.rest_count == net.layer_sizes[layer - 1] - 2
            assert abs(z.terms[0][3]) >= abs(z.terms[1][3])
            listed = sum(term[3] for term in z.terms) + z.rest + z.constant
            assert listed == pytest.approx(z.total, rel=1e-12, abs=1e-12)
            assert z.total == trace.zs[layer - 1][1, j]
            if layer < trace.n_layers:  # δⱼ = (Σₖ wₖⱼ δₖ) f′(zⱼ), checked against backward's δ
                back = backward_sum(trace, 1, layer, j, top=2)
                assert sum(t[3] for t in back.terms) + back.rest == pytest.approx(back.total, abs=1e-12)
                expected = back.total * trace.derivative(layer, 1)[j]
                assert trace.deltas[layer - 1][1, j] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_the_output_error_of_softmax_cross_entropy_is_p_minus_y():
    net = network("relu, softmax cross-entropy")
    inputs, labels = small_batch()
    trace = trace_pass(net, inputs, labels)
    assert output_error_form(net) == "p-y"
    np.testing.assert_allclose(trace.deltas[-1], trace.activations[-1] - trace.targets, rtol=0, atol=1e-15)
    a, y, value = cost_terms(trace, 2)
    assert value == pytest.approx(-np.log(a[labels[2]]))
    assert trace.costs.mean() == pytest.approx(trace.loss)


def test_the_output_error_of_the_quadratic_cost_is_the_gradient_times_f_prime():
    net = network("classic sigmoid, quadratic")
    trace = trace_pass(net, *small_batch())
    assert output_error_form(net) == "diagonal"
    a, y = trace.activations[-1], trace.targets
    np.testing.assert_allclose(trace.deltas[-1], (a - y) * a * (1 - a), rtol=1e-12)
    assert cost_terms(trace, 0)[2] == pytest.approx(0.5 * np.sum((a[0] - y[0]) ** 2))


def test_the_walk_and_what_each_layer_shows():
    walk = steps(3)
    assert [s.kind for s in walk] == ["input", "forward", "forward", "forward", "loss", "output_error",
                                      "backward", "backward", "gradients", "update"]
    assert [s.layer for s in walk if s.kind == "backward"] == [2, 1]
    trace = trace_pass(network("relu, softmax cross-entropy"), *small_batch())
    at_layer_1 = layer_values(trace, walk[1], 0)
    assert [shown and shown[0] for shown in at_layer_1] == ["a", "a", None, None]
    backward_2 = layer_values(trace, walk[6], 0)
    assert [shown[0] for shown in backward_2] == ["a", "a", "delta", "delta"]
    np.testing.assert_array_equal(backward_2[2][1], trace.deltas[1][0])


def test_applying_the_step_is_one_sgd_step_and_moves_the_prediction():
    net = network("relu, softmax cross-entropy", dtype="float32")
    inputs, labels = small_batch(size=1)
    trace = trace_pass(net, inputs, labels)
    stepped = apply_step(net, inputs, labels, learning_rate=0.5)
    assert stepped is not net
    for row in weight_gradients(trace, 0, 1, 3, learning_rate=0.5):
        assert stepped.weights[0][3, row.k] == pytest.approx(row.after, rel=1e-6)
        assert net.weights[0][3, row.k] == row.before  # the original is untouched
    gradient, before, after = bias_update(trace, 2, 1, 0.5)
    assert stepped.biases[1][1] == pytest.approx(after, rel=1e-6) and before == net.biases[1][1]
    p_before = net.forward(inputs)[0, labels[0]]
    p_after = stepped.forward(inputs)[0, labels[0]]
    assert p_after > p_before  # a step down the gradient makes the true class more likely


def test_bad_labels_and_rates_are_one_clear_line():
    net = network("relu, softmax cross-entropy")
    inputs, _ = small_batch(size=1)
    with pytest.raises(ConfigError, match=r"true labels must be 0 … 3, not \[7\]"):
        trace_pass(net, inputs, [7])
    with pytest.raises(ConfigError, match="learning rate must be above 0"):
        apply_step(net, inputs, [1], 0.0)


def test_a_mini_batch_is_the_input_then_dataset_examples_with_their_labels():
    images = np.arange(6 * 784, dtype=np.int64).reshape(6, 28, 28) % 256
    x = np.full(784, 0.5, dtype=np.float32)
    inputs, labels = mini_batch(x, 7, (images.astype(np.uint8), np.arange(6) + 10), size=4)
    assert inputs.shape == (4, 784) and labels[0] == 7 and np.all(inputs[0] == 0.5)
    for row, label in zip(inputs[1:], labels[1:]):  # each example keeps its own label
        np.testing.assert_allclose(row * 255, images[label - 10].reshape(-1), atol=1e-3)
    assert len(set(labels[1:])) == 3
    assert mini_batch(x, 2, None, size=8)[1].tolist() == [2]  # no dataset: the input alone
