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


FUSED_WIDTH = 8  # parameters per fused call: one compiled signature serves networks of any depth


class FusedArguments:
    """What the fused kernels take: tuples of FUSED_WIDTH 1-D views (padded with an empty array), so
    a step is one call per eight parameters, and one weight decay per parameter in their dtype.

    The parameters' tuples are built once per run, not per step (at batch 10 that building cost as
    much as the arithmetic); they are rebuilt only when other arrays arrive. A cached view keeps its
    array alive, so an equal ``id`` is the same array.
    """

    def __init__(self, kernels):
        self.kernels = kernels
        self.key = self.params = self.decays = self.cast = self.empty = None

    def update(self, params, decay):
        """Rebuild the views and decays when ``params`` or ``decay`` changed since the last step."""
        key = (tuple(map(id, params)), tuple(decay) if decay else None)
        if key != self.key:
            dtype = params[0].dtype
            self.key, self.cast, self.empty = key, dtype.type, np.zeros(0, dtype=dtype)
            self.params = self.chunks(params)
            decays = np.zeros(len(self.params) * FUSED_WIDTH, dtype=dtype)  # as NumPy casts a Python float
            decays[:len(params)] = decay or 0.0
            self.decays = decays.reshape(-1, FUSED_WIDTH)

    def chunks(self, arrays):
        """1-D views of C-contiguous ``arrays`` in tuples of FUSED_WIDTH, the last padded."""
        flat = [a.reshape(-1) for a in arrays]
        flat += [self.empty] * (-len(flat) % FUSED_WIDTH)
        return [tuple(flat[i:i + FUSED_WIDTH]) for i in range(0, len(flat), FUSED_WIDTH)]

    def state(self, params):
        """Zeroed state shaped like ``params`` -> (the arrays, their chunks), in one buffer."""
        buffer = np.zeros(sum(p.size for p in params), dtype=params[0].dtype)
        ends = np.cumsum([p.size for p in params]).tolist()
        arrays = [buffer[end - p.size:end].reshape(p.shape) for p, end in zip(params, ends)]
        return arrays, self.chunks(arrays)


class SGD:
    def __init__(self, kernels=None):
        self.fused = FusedArguments(kernels) if kernels is not None else None

    def step(self, params, grads, learning_rate, decay=None):
        if self.fused is not None:
            fused = self.fused
            fused.update(params, decay)
            rate = fused.cast(learning_rate)
            for ps, gs, decays in zip(fused.params, fused.chunks(grads), fused.decays):
                fused.kernels.sgd(ps, gs, rate, decays)
            return
        add_decay(params, grads, decay)
        for p, g in zip(params, grads):
            p -= learning_rate * g


class Momentum:
    def __init__(self, momentum=0.9, nesterov=False, kernels=None):
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = None
        self.fused = FusedArguments(kernels) if kernels is not None else None

    def step(self, params, grads, learning_rate, decay=None):
        if self.fused is not None:
            self._fused_step(params, grads, learning_rate, decay)
            return
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in params]
        mu = self.momentum
        add_decay(params, grads, decay)
        for p, g, v in zip(params, grads, self.velocities):
            v *= mu
            v -= learning_rate * g
            if self.nesterov:
                p += mu * v - learning_rate * g
            else:
                p += v

    def _fused_step(self, params, grads, learning_rate, decay):
        fused = self.fused
        fused.update(params, decay)
        if self.velocities is None:
            self.velocities, self._flat_velocities = fused.state(params)
        rate, mu = fused.cast(learning_rate), fused.cast(self.momentum)
        for ps, gs, vs, decays in zip(fused.params, fused.chunks(grads), self._flat_velocities, fused.decays):
            fused.kernels.momentum(ps, gs, vs, rate, mu, decays, self.nesterov)


class Adam:
    def __init__(self, beta1=0.9, beta2=0.999, epsilon=1e-8, kernels=None):
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.means = self.squares = self.scratch = None
        self.fused = FusedArguments(kernels) if kernels is not None else None

    def step(self, params, grads, learning_rate, decay=None):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # Bias correction folded into the step size (Kingma & Ba, section 2). Python floats,
        # not NumPy float64 scalars: those would make every float32 operation run in float64.
        step_size = float(learning_rate * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t))
        eps = float(self.epsilon * math.sqrt(1 - b2 ** self.t))
        if self.fused is not None:
            self._fused_step(params, grads, step_size, eps, decay)
            return
        if self.means is None:
            self.means = [np.zeros_like(p) for p in params]
            self.squares = [np.zeros_like(p) for p in params]
            self.scratch = [np.empty_like(p) for p in params]
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
        fused = self.fused
        fused.update(params, decay)
        if self.means is None:
            self.means, self._flat_means = fused.state(params)
            self.squares, self._flat_squares = fused.state(params)
        cast = fused.cast
        scalars = (cast(step_size), cast(eps), cast(1 - self.beta1), cast(1 - self.beta2))
        for ps, gs, ms, vs, decays in zip(fused.params, fused.chunks(grads), self._flat_means,
                                          self._flat_squares, fused.decays):
            fused.kernels.adam(ps, gs, ms, vs, *scalars, decays)


def make_optimizer(config, kernels=None):
    """The optimiser a ``TrainingConfig`` names; ``kernels`` (fast_kernels.load()) fuses its steps."""
    if config.optimizer == "adam":
        return Adam(config.beta1, config.beta2, config.epsilon, kernels=kernels)
    if config.optimizer in ("momentum", "nesterov"):
        return Momentum(config.momentum, nesterov=config.optimizer == "nesterov", kernels=kernels)
    return SGD(kernels=kernels)
