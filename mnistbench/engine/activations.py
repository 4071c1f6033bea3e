"""Activation functions as (forward, backward) pairs.

``forward(z) -> a`` maps weighted inputs to activations; ``backward(z, a, grad_a)
-> grad_z`` is the vector-Jacobian product, so backpropagation never needs to
know which activation it is passing through. All work on batches ``(B, n)``.
"""

from typing import Callable, NamedTuple

import numpy as np

LEAKY_SLOPE = 0.01  # slope of leaky ReLU for z < 0


class Activation(NamedTuple):
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    bounded: bool  # outputs lie in [0, 1]: the inspector can colour them directly


def sigmoid(z):
    """1 / (1 + e^-z), the original tools' formula; e^-z may overflow to inf, giving exactly 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def sigmoid_backward(z, a, grad_a):
    return grad_a * a * (1.0 - a)


def tanh_backward(z, a, grad_a):
    return grad_a * (1.0 - a * a)


def relu(z):
    return np.maximum(z, 0)


def relu_backward(z, a, grad_a):
    return grad_a * (z > 0)


def leaky_relu(z):
    return np.where(z > 0, z, z * LEAKY_SLOPE)


def leaky_relu_backward(z, a, grad_a):
    return grad_a * np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


def softmax(z):
    """Row-wise softmax; subtracting the row maximum keeps exp() finite."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_backward(z, a, grad_a):
    """J^T grad for J = diag(a) - a a^T, without building J."""
    return a * (grad_a - np.sum(grad_a * a, axis=1, keepdims=True))


def identity(z):
    return z


def identity_backward(z, a, grad_a):
    return grad_a


ACTIVATIONS = {
    "sigmoid": Activation(sigmoid, sigmoid_backward, bounded=True),
    "tanh": Activation(np.tanh, tanh_backward, bounded=False),
    "relu": Activation(relu, relu_backward, bounded=False),
    "leaky_relu": Activation(leaky_relu, leaky_relu_backward, bounded=False),
    "softmax": Activation(softmax, softmax_backward, bounded=True),
    "identity": Activation(identity, identity_backward, bounded=False),
}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid")
