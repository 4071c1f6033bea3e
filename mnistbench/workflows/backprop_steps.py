"""Backpropagation one step at a time: the numbers of one forward and backward pass, read from the engine.

Every number comes from the engine's own code — ``Network.forward_with_z`` for
z and a, ``Network.backward`` for the loss, δ and the gradients, the engine's
activation table for f′(z), ``SGD.step`` for the update — never from a second
implementation: the formulas shown are checked against those numbers, not
used to make them. Layers are numbered as drawn: 0 the input, L the output;
layer l >= 1 is fed by ``net.weights[l - 1]``. For one example δˡ is the bias
gradient ∂C/∂bˡ that ``backward`` returns; for a mini-batch each example's δ
comes from ``backward`` on that example, and the gradients shown are the
batch's (their average over the examples).
"""

from dataclasses import dataclass

import numpy as np

from mnistbench.data.datasets import to_inputs
from mnistbench.engine.activations import ACTIVATIONS
from mnistbench.engine.losses import LOSSES, one_hot
from mnistbench.engine.optimizers import SGD
from mnistbench.errors import ConfigError

TOP_TERMS = 5  # a sum shows its largest terms and adds up the rest


@dataclass(frozen=True)
class Step:
    """One stop of the walk through a pass."""

    kind: str  # "input" | "forward" | "loss" | "output_error" | "backward" | "gradients" | "update"
    layer: int  # the drawn layer it is about (0 the input … L the output)
    title: str


@dataclass(frozen=True)
class BackpropTrace:
    """One forward and backward pass of ``net`` over a batch, as the engine computed it (shapes per example)."""

    net: object  # the Network: read, never changed
    inputs: np.ndarray  # (B, n_0)
    labels: np.ndarray  # (B,) int
    targets: np.ndarray  # (B, n_L) one-hot
    zs: list  # zs[l - 1] (B, n_l) for l = 1 … L
    activations: list  # [a⁰ = inputs, a¹, …, aᴸ], each (B, n_l)
    deltas: list  # deltas[l - 1] (B, n_l): δˡ of each example alone
    costs: np.ndarray  # (B,) each example's cost
    loss: float  # the batch's mean cost
    grads_W: list  # grads_W[l - 1] (n_l, n_{l-1}): ∂C/∂Wˡ averaged over the batch
    grads_b: list  # grads_b[l - 1] (n_l,)

    @property
    def n_layers(self):
        return len(self.net.layer_sizes) - 1  # L, the number of weighted layers

    @property
    def batch_size(self):
        return len(self.labels)

    def derivative(self, layer, example):
        """f′(zˡ) of one example (n_l,): the engine's activation backward with a gradient of ones."""
        z, a = self.zs[layer - 1][example:example + 1], self.activations[layer][example:example + 1]
        name = self.net.activations[layer - 1]
        return ACTIVATIONS[name].backward(z, a, np.ones_like(z))[0]


def trace_pass(net, inputs, labels) -> BackpropTrace:
    """The pass of ``net`` over ``inputs`` (B, n_0) with true ``labels`` (B,)."""
    inputs = net.as_input(np.asarray(inputs).reshape(len(labels), -1))
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    n_out = net.layer_sizes[-1]
    if len(labels) == 0 or labels.min() < 0 or labels.max() >= n_out:
        raise ConfigError(f"true labels must be 0 … {n_out - 1}, not {labels.tolist()}")
    targets = one_hot(labels, n_out, net.dtype)
    zs, activations = net.forward_with_z(inputs)
    loss, grads_W, grads_b = net.backward(inputs, targets)
    per_example = [net.backward(inputs[i:i + 1], targets[i:i + 1]) for i in range(len(labels))]
    deltas = [np.stack([grads[2][l] for grads in per_example]) for l in range(len(net.weights))]
    costs = np.array([grads[0] for grads in per_example])
    return BackpropTrace(net, inputs, labels, targets, zs, activations, deltas, costs, loss, grads_W, grads_b)


def mini_batch(x, label, examples=None, size=1, seed=0):
    """The input ``x`` with its ``label``, then ``size - 1`` of ``examples`` (uint8 images, labels).

    Returns (inputs (B, n), labels (B,)); the same examples for the same seed.
    """
    inputs, labels = np.asarray(x, dtype=np.float32).reshape(1, -1), np.array([int(label)])
    if size > 1 and examples is not None and len(examples[0]):
        images, known = examples
        pick = np.random.default_rng(seed).choice(len(images), min(size - 1, len(images)), replace=False)
        inputs = np.concatenate([inputs, to_inputs(images[pick])])
        labels = np.concatenate([labels, np.asarray(known, dtype=np.int64)[pick]])
    return inputs, labels


def steps(n_layers) -> list:
    """The walk for a network of ``n_layers`` weighted layers: forward, loss, backward, gradients, update."""
    walk = [Step("input", 0, "The input")]
    walk += [Step("forward", l, f"Forward: layer {l}") for l in range(1, n_layers + 1)]
    walk.append(Step("loss", n_layers, "The cost"))
    walk.append(Step("output_error", n_layers, f"Backward: the output error δ{superscript(n_layers)}"))
    walk += [Step("backward", l, f"Backward: δ{superscript(l)} of layer {l}") for l in range(n_layers - 1, 0, -1)]
    walk.append(Step("gradients", 1, "The gradients ∂C/∂b and ∂C/∂w"))
    walk.append(Step("update", 1, "The update w ← w − η ∂C/∂w"))
    return walk


def superscript(number) -> str:
    return str(number).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def layer_values(trace, step, example):
    """What each drawn layer shows at ``step``: (kind, values (n_l,)) with kind "a" or "delta", or None."""
    L = trace.n_layers
    shown = [None] * (L + 1)
    for l in range(L + 1):
        if step.kind in ("input", "forward") and l <= step.layer or step.kind == "loss" or l == 0:
            shown[l] = ("a", trace.activations[l][example])
    if step.kind in ("output_error", "backward", "gradients", "update"):
        first = step.layer if step.kind in ("output_error", "backward") else 1
        for l in range(first, L + 1):
            shown[l] = ("delta", trace.deltas[l - 1][example])
        for l in range(1, first):
            shown[l] = ("a", trace.activations[l][example])
    return shown


@dataclass(frozen=True)
class WeightedSum:
    """Σₖ factorₖ · valueₖ + constant, its largest terms spelled out and the others added up."""

    terms: tuple  # ((k, factor, value, factor * value), …), largest |product| first
    rest: float  # the sum of the other products
    rest_count: int
    constant: float
    total: float  # the engine's result (z, or (Wᵀδ)ⱼ)


def weighted_sum(factors, values, constant, total, top=TOP_TERMS) -> WeightedSum:
    products = np.asarray(factors, dtype=np.float64) * np.asarray(values, dtype=np.float64)
    count = min(top, len(products))
    order = np.argsort(-np.abs(products), kind="stable")[:count]
    rest = float(products.sum() - products[order].sum())
    terms = tuple((int(k), float(factors[k]), float(values[k]), float(products[k])) for k in order)
    return WeightedSum(terms, rest, len(products) - count, float(constant), float(total))


def forward_sum(trace, example, layer, j, top=TOP_TERMS) -> WeightedSum:
    """zⱼˡ = Σₖ wⱼₖ aₖˡ⁻¹ + bⱼ for one example."""
    W, b = trace.net.weights[layer - 1], trace.net.biases[layer - 1]
    return weighted_sum(W[j], trace.activations[layer - 1][example], b[j],
                        trace.zs[layer - 1][example, j], top)


def backward_sum(trace, example, layer, j, top=TOP_TERMS) -> WeightedSum:
    """((Wˡ⁺¹)ᵀ δˡ⁺¹)ⱼ = Σₖ wₖⱼ δₖˡ⁺¹ of a hidden neuron; times f′(zⱼˡ) it is δⱼˡ."""
    W = trace.net.weights[layer]
    delta = trace.deltas[layer][example]
    return weighted_sum(W[:, j], delta, 0.0, float(W[:, j].astype(np.float64) @ delta), top)


def output_error_form(net) -> str:
    """Which formula gives δᴸ: "p-y" (softmax or sigmoid with cross-entropy), "diagonal" or "softmax-jacobian"."""
    if net.loss == "cross_entropy":
        return "p-y"
    return "softmax-jacobian" if net.activations[-1] == "softmax" else "diagonal"


def cost_terms(trace, example):
    """(output a (n_L,), target y (n_L,), cost): the cost from the engine's loss on this example."""
    a = trace.activations[-1][example:example + 1]
    y = trace.targets[example:example + 1]
    return a[0], y[0], LOSSES[trace.net.loss].value(a, y, trace.net.activations[-1])


@dataclass(frozen=True)
class WeightGradient:
    """∂C/∂wⱼₖ of a neuron's strongest gradients, and the update it makes."""

    k: int
    a_prev: float  # aₖˡ⁻¹ of the example shown
    delta: float  # δⱼˡ of the example shown
    example_gradient: float  # aₖˡ⁻¹ δⱼˡ for that example
    gradient: float  # ∂C/∂wⱼₖ of the batch (the mean over its examples)
    before: float
    after: float  # before − learning_rate · gradient


def weight_gradients(trace, example, layer, j, learning_rate, top=TOP_TERMS):
    """The ``top`` largest |∂C/∂wⱼₖ| of neuron j and their updates, largest first."""
    grads = trace.grads_W[layer - 1][j]
    before = trace.net.weights[layer - 1][j]
    order = np.argsort(-np.abs(grads.astype(np.float64)), kind="stable")[:top]
    a_prev = trace.activations[layer - 1][example]
    delta = float(trace.deltas[layer - 1][example, j])
    return [WeightGradient(int(k), float(a_prev[k]), delta, float(a_prev[k]) * delta, float(grads[k]),
                           float(before[k]), float(before[k] - learning_rate * grads[k])) for k in order]


def bias_update(trace, layer, j, learning_rate):
    """(∂C/∂bⱼ of the batch, bⱼ before, bⱼ after)."""
    gradient, before = float(trace.grads_b[layer - 1][j]), float(trace.net.biases[layer - 1][j])
    return gradient, before, before - learning_rate * gradient


def apply_step(net, inputs, labels, learning_rate):
    """A copy of ``net`` after one SGD step on the batch, with the engine's backward and optimiser."""
    if not learning_rate > 0:
        raise ConfigError(f"the learning rate must be above 0, not {learning_rate}")
    stepped = net.copy()
    inputs = stepped.as_input(np.asarray(inputs).reshape(len(labels), -1))
    targets = one_hot(np.asarray(labels, dtype=np.int64), stepped.layer_sizes[-1], stepped.dtype)
    _, grads_W, grads_b = stepped.backward(inputs, targets)
    SGD().step(stepped.weights + stepped.biases, grads_W + grads_b, learning_rate)
    return stepped
