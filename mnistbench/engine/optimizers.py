"""Optimisers: each turns gradients into an in-place update of the parameters.

``step(params, grads, learning_rate)`` updates every array in ``params`` in
place. Their formulas (t counts steps from 1):
- SGD:       p -= lr * g
- Momentum:  v = mu * v - lr * g;  p += v
- Nesterov:  v = mu * v - lr * g;  p += mu * v - lr * g   (the look-ahead form)
- Adam:      m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;
             p -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps * sqrt(1-b2^t))
"""

import math

import numpy as np


class SGD:
    def step(self, params, grads, learning_rate):
        for p, g in zip(params, grads):
            p -= learning_rate * g


class Momentum:
    def __init__(self, momentum=0.9, nesterov=False):
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = None

    def step(self, params, grads, learning_rate):
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in params]
        mu = self.momentum
        for p, g, v in zip(params, grads, self.velocities):
            v *= mu
            v -= learning_rate * g
            if self.nesterov:
                p += mu * v - learning_rate * g
            else:
                p += v


class Adam:
    def __init__(self, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.means = self.squares = self.scratch = None

    def step(self, params, grads, learning_rate):
        if self.means is None:
            self.means = [np.zeros_like(p) for p in params]
            self.squares = [np.zeros_like(p) for p in params]
            self.scratch = [np.empty_like(p) for p in params]
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # Bias correction folded into the step size (Kingma & Ba, section 2). Python floats,
        # not NumPy float64 scalars: those would make every float32 operation run in float64.
        step_size = float(learning_rate * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t))
        eps = float(self.epsilon * math.sqrt(1 - b2 ** self.t))
        for p, g, m, v, tmp in zip(params, grads, self.means, self.squares, self.scratch):
            # m += (1 - b1)(g - m) is m = b1 m + (1 - b1) g; written in place, no new arrays.
            np.subtract(g, m, out=tmp)
            tmp *= 1 - b1
            m += tmp
            np.multiply(g, g, out=tmp)  # v = b2 v + (1 - b2) g², likewise
            tmp -= v
            tmp *= 1 - b2
            v += tmp
            np.sqrt(v, out=tmp)  # p -= step_size * m / (sqrt(v) + eps)
            tmp += eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp


def make_optimizer(config):
    """The optimiser a ``TrainingConfig`` names."""
    if config.optimizer == "adam":
        return Adam(config.beta1, config.beta2, config.epsilon)
    if config.optimizer in ("momentum", "nesterov"):
        return Momentum(config.momentum, nesterov=config.optimizer == "nesterov")
    return SGD()
