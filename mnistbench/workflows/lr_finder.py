"""The learning-rate range test: train a copy for a few seconds while the rate rises, watch the loss.

Each step takes one random mini-batch at a rate ``start·(end/start)^(i/(steps-1))``
(evenly spaced on a log axis). The loss falls once the rate is large enough
to learn, then explodes when it is too large; the test stops there. The
proposal is a tenth of the rate where the smoothed loss is lowest — the
rule of thumb (Smith 2017, "Cyclical learning rates"; fastai's lr_find):
at the minimum the rate is already on the edge of unstable.
"""

import math
from dataclasses import dataclass

import numpy as np

from mnistbench.engine.losses import one_hot
from mnistbench.engine.optimizers import make_optimizer
from mnistbench.errors import ConfigError

SMOOTHING = 0.9  # exponential moving average of the loss, bias-corrected
EXPLODED = 4.0  # stop once the smoothed loss is this many times its best
MIN_STEPS = 10  # ... but not before: the first averages are noisy (a trained network's small losses most)


@dataclass(frozen=True)
class LearningRateTest:
    rates: list  # the rate of each step taken
    losses: list  # each step's batch loss
    smoothed: list  # the moving average that the proposal reads
    proposed: float
    message: str  # one line for a person

    def describe(self) -> str:
        return self.message


def find_learning_rate(net, X, y, config, *, start=1e-6, end=1.0, steps=100, control=None,
                       on_step=None) -> LearningRateTest:
    """Range-test ``config``'s optimiser on a copy of ``net`` (``net`` is not changed).

    ``on_step(rate, loss)`` hears each step (a live plot); ``control.stop_requested`` ends the test early.
    """
    if not 0 < start < end or steps < 5:
        raise ConfigError(f"the range test needs 0 < start < end and at least 5 steps, "
                          f"not start {start}, end {end}, {steps} steps")
    trial = net.copy()
    params = trial.weights + trial.biases
    optimizer = make_optimizer(config)
    rng = np.random.default_rng(config.seed)
    X, y = np.asarray(X), np.asarray(y, dtype=np.int64)  # uint8 pixels stay so: backward scales each batch
    batch_size = min(config.batch_size, len(X))
    rates, losses, smoothed, average = [], [], [], 0.0
    for i in range(steps):
        if control is not None and control.stop_requested:
            break
        rate = start * (end / start) ** (i / (steps - 1))
        pick = rng.choice(len(X), batch_size, replace=False)
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grads_W, grads_b = trial.backward(X[pick], one_hot(y[pick], trial.layer_sizes[-1], trial.dtype),
                                                    config.dropout, rng)
        if not math.isfinite(loss):
            break
        average = SMOOTHING * average + (1 - SMOOTHING) * loss
        rates.append(rate)
        losses.append(float(loss))
        smoothed.append(average / (1 - SMOOTHING ** (i + 1)))
        if on_step is not None:
            on_step(rate, float(loss))
        if i >= max(MIN_STEPS, steps // 10) and smoothed[-1] > EXPLODED * min(smoothed):
            break
        if config.weight_decay:
            for g, W in zip(grads_W, trial.weights):
                g += config.weight_decay * W
        optimizer.step(params, grads_W + grads_b, rate)
    return _proposal(rates, losses, smoothed, config)


def _proposal(rates, losses, smoothed, config):
    if len(rates) < 5:
        raise ConfigError(f"the range test diverged within {len(rates)} steps; start from a smaller rate")
    best = int(np.argmin(smoothed))
    proposed = float(f"{rates[best] / 10:.2g}")
    proposed = min(max(proposed, 1e-8), 10.0)  # TrainingConfig's range
    message = (f"{config.optimizer}: the smoothed loss was lowest ({smoothed[best]:.3f}) at a rate of about "
               f"{rates[best]:.2g}; proposed learning rate {proposed:g} (a tenth of it)")
    if best < MIN_STEPS:
        message += "; the loss hardly fell anywhere in the range: a network that has already learnt, or " \
                   "start the range lower"
    return LearningRateTest(rates, losses, smoothed, proposed, message)
