"""Optimisers: each turns gradients into an in-place update of the parameters.

``step(params, grads, learning_rate, decay=None)`` updates every array in
``params`` in place; ``decay`` (one coefficient per parameter, or None) first
adds ``decay * p`` to each gradient (L2 weight decay). Their formulas (t counts
steps from 1):
- SGD:       p -= lr * g
- Momentum:  v = mu * v - lr * g;  p += v
- Nesterov:  v = mu * v - lr * g;  p += mu * v - lr * g   (the look-ahead form)
- Adam:      m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;
             p -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps * sqrt(1-b2^t))

The NumPy code below is the reference. Given ``kernels`` (fast_kernels.load():
numba installed), each step runs as one fused pass per parameter instead,
with the same arithmetic in the same order, so the bits are the same.
"""

import math

import numpy as np


def add_decay(params, grads, decay):
    """g += d * p for each parameter with a non-zero coefficient (L2 weight decay)."""
    for p, g, d in zip(params, grads, decay or ()):
        if d:
            g += d * p


def _flat(arrays):
    """1-D views of C-contiguous arrays, as the fused kernels take them."""
    return [a.reshape(-1) for a in arrays]


def _decays(cast, decay, n):
    """One weight-decay coefficient per parameter, in the parameters' dtype."""
    return [cast(d) for d in decay] if decay else [cast(0.0)] * n


class SGD:
    def __init__(self, kernels=None):
        self.kernels = kernels

    def step(self, params, grads, learning_rate, decay=None):
        if self.kernels is not None:
            cast = params[0].dtype.type  # Python floats become the parameters' dtype, as in NumPy
            rate = cast(learning_rate)
            for p, g, d in zip(_flat(params), _flat(grads), _decays(cast, decay, len(params))):
                self.kernels.sgd(p, g, rate, d)
            return
        add_decay(params, grads, decay)
        for p, g in zip(params, grads):
            p -= learning_rate * g


class Momentum:
    def __init__(self, momentum=0.9, nesterov=False, kernels=None):
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = None
        self.kernels = kernels

    def step(self, params, grads, learning_rate, decay=None):
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in params]
        mu = self.momentum
        if self.kernels is not None:
            cast = params[0].dtype.type
            rate, mu = cast(learning_rate), cast(mu)
            for p, g, v, d in zip(_flat(params), _flat(grads), _flat(self.velocities),
                                  _decays(cast, decay, len(params))):
                self.kernels.momentum(p, g, v, rate, mu, d, self.nesterov)
            return
        add_decay(params, grads, decay)
        for p, g, v in zip(params, grads, self.velocities):
            v *= mu
            v -= learning_rate * g
            if self.nesterov:
                p += mu * v - learning_rate * g
            else:
                p += v


class Adam:
    def __init__(self, beta1=0.9, beta2=0.999, epsilon=1e-8, kernels=None):
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.means = self.squares = self.scratch = None
        self.kernels = kernels

    def step(self, params, grads, learning_rate, decay=None):
        if self.means is None:
            self.means = [np.zeros_like(p) for p in params]
            self.squares = [np.zeros_like(p) for p in params]
            self.scratch = [np.empty_like(p) for p in params] if self.kernels is None else None
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # Bias correction folded into the step size (Kingma & Ba, section 2). Python floats,
        # not NumPy float64 scalars: those would make every float32 operation run in float64.
        step_size = float(learning_rate * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t))
        eps = float(self.epsilon * math.sqrt(1 - b2 ** self.t))
        if self.kernels is not None:
            self._fused_step(params, grads, step_size, eps, decay)
            return
        add_decay(params, grads, decay)
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

    def _fused_step(self, params, grads, step_size, eps, decay):
        cast = params[0].dtype.type
        scalars = (cast(step_size), cast(eps), cast(1 - self.beta1), cast(1 - self.beta2))
        for p, g, m, v, d in zip(_flat(params), _flat(grads), _flat(self.means), _flat(self.squares),
                                 _decays(cast, decay, len(params))):
            self.kernels.adam(p, g, m, v, *scalars, d)


def make_optimizer(config, kernels=None):
    """The optimiser a ``TrainingConfig`` names; ``kernels`` (fast_kernels.load()) fuses its steps."""
    if config.optimizer == "adam":
        return Adam(config.beta1, config.beta2, config.epsilon, kernels=kernels)
    if config.optimizer in ("momentum", "nesterov"):
        return Momentum(config.momentum, nesterov=config.optimizer == "nesterov", kernels=kernels)
    return SGD(kernels=kernels)
