"""Losses as pairs: the value, and the gradient with respect to the output layer's z.

As in Nielsen's ``network2.py`` (``fn`` / ``delta``). Cross-entropy is fused with
its output activation so the gradient is simply ``a - y``: with softmax this is
the categorical cross-entropy, with sigmoid the per-unit binary one. Values are
means over the batch; so are the gradients (hence the ``/ B``).
"""

from typing import Callable, NamedTuple

import numpy as np

from mnistbench.engine.activations import ACTIVATIONS

_TINY = 1e-12  # keeps log() finite when a probability underflows to 0


class Loss(NamedTuple):
    value: Callable  # (a, y, output_activation) -> float, mean over the batch
    delta: Callable  # (z, a, y, output_activation) -> dL/dz, shape (B, n_out)
    outputs: tuple  # output activations this loss works with


def quadratic_value(a, y, output_activation):
    return float(0.5 * np.sum((a - y) ** 2) / len(a))


def quadratic_delta(z, a, y, output_activation):
    return ACTIVATIONS[output_activation].backward(z, a, a - y) / len(a)


def cross_entropy_value(a, y, output_activation):
    a = np.clip(a, _TINY, 1.0 - _TINY) if output_activation == "sigmoid" else np.maximum(a, _TINY)
    total = -np.sum(y * np.log(a))
    if output_activation == "sigmoid":
        total -= np.sum((1.0 - y) * np.log(1.0 - a))
    return float(total / len(a))


def cross_entropy_delta(z, a, y, output_activation):
    return (a - y) / len(a)


LOSSES = {
    "quadratic": Loss(quadratic_value, quadratic_delta, tuple(ACTIVATIONS)),
    "cross_entropy": Loss(cross_entropy_value, cross_entropy_delta, ("softmax", "sigmoid")),
}


def one_hot(labels, n_classes, dtype=np.float32):
    """Labels (B,) -> one-hot rows (B, n_classes)."""
    y = np.zeros((len(labels), n_classes), dtype=dtype)
    y[np.arange(len(labels)), labels] = 1
    return y
