"""What a run will cost before it starts: time from a quick timing on this machine, and memory.

The time comes from training a copy of the network for a few real batches
(with the run's own optimiser, dropout and augmentation), repeated with more
batches until the timing lasts long enough to trust, then scaled to the
epoch's batches and the epochs; the validation passes are timed the same way.
Memory counts the arrays the run holds: the inputs, the parameters with their
gradients, optimiser state and snapshots, and one batch's activations.
"""

import math
import os
import time
from dataclasses import dataclass

import numpy as np

from mnistbench.engine.training import TrainingCallbacks, TrainingControl, train

TIMING_SECONDS = 0.4  # the least a timing must last (shorter ones are mostly noise)
FIRST_BATCHES = 4  # the fewest batches timed after the warm-up
WARM_UP_BATCHES = 2  # not counted: first calls are slow
MAX_TIMED_BATCHES = 2000
PREDICT_CHUNK = 4096  # Network.predict_proba's batch
OPTIMIZER_SLOTS = {"sgd": 0, "momentum": 1, "nesterov": 1, "adam": 3}  # arrays per parameter array


@dataclass(frozen=True)
class CostEstimate:
    seconds: float  # the whole run
    seconds_per_epoch: float
    memory_bytes: int
    batches_timed: int  # how many batches the timing trained
    busy: str = ""  # "" or why it may take longer: other programs keep the processors busy

    def describe(self) -> str:
        return (f"estimated time {format_duration(self.seconds)} ({format_duration(self.seconds_per_epoch)} "
                f"per epoch), memory about {self.memory_bytes / 1e6:,.0f} MB{self.busy and '; ' + self.busy}")


def estimate_cost(net, data, config, *, test_images=0, timing_seconds=TIMING_SECONDS) -> CostEstimate:
    """Estimate training ``net`` on ``data`` (a TrainingData) with ``config``; ``net`` is not changed.

    ``test_images``: how many images the held-out evaluation after training will read.
    """
    per_batch, timed = time_batches(net, data.X, data.y, config, timing_seconds)
    batches = math.ceil(len(data.X) / min(config.batch_size, len(data.X)))
    epoch = batches * per_batch
    if data.validation is not None:
        n_validation = len(data.validation[1])
        per_image = time_forward(net, data.validation[0], timing_seconds / 4)
        subset = min(config.validation_size or n_validation, n_validation)
        epoch += per_image * (n_validation + config.evaluations_per_epoch * subset)
    else:
        per_image = time_forward(net, data.X, timing_seconds / 4)
    seconds = epoch * config.epochs + per_image * test_images
    return CostEstimate(seconds, epoch, memory_bytes(net, data, config), timed, machine_busy())


def time_batches(net, X, y, config, timing_seconds=TIMING_SECONDS):
    """(seconds per batch, batches timed): a copy of ``net`` trains until ``timing_seconds`` have passed.

    The mean wall time of a batch, the first ones (warm-up) left out: other programs that keep the
    machine busy now will likely slow the real run too (``CostEstimate.busy`` says when they do).
    """
    batch_size = min(config.batch_size, len(X))
    n = min(len(X), batch_size * MAX_TIMED_BATCHES)
    quick = config.replace(epochs=1, evaluations_per_epoch=0, early_stopping_patience=0)
    control, times = TrainingControl(), [time.perf_counter()]

    def on_batch(report):
        times.append(time.perf_counter())
        if times[-1] - times[0] >= timing_seconds and len(times) > WARM_UP_BATCHES + FIRST_BATCHES:
            control.request_stop()
    train(net.copy(), X[:n], y[:n], quick, callbacks=TrainingCallbacks(on_batch=on_batch), control=control)
    skip = WARM_UP_BATCHES if len(times) > WARM_UP_BATCHES + 1 else 0
    return (times[-1] - times[skip]) / (len(times) - 1 - skip), len(times) - 1


def time_forward(net, X, timing_seconds):
    """Seconds per image of a forward pass (as evaluation does it), timed on a growing slice."""
    n = min(256, len(X))
    net.predict_proba(X[:n])  # warm-up
    while True:
        started = time.perf_counter()
        net.predict_proba(X[:n])
        elapsed = time.perf_counter() - started
        if elapsed >= timing_seconds or n == len(X):
            return elapsed / n
        n = min(len(X), n * 4)


def memory_bytes(net, data, config) -> int:
    """The arrays a run holds at its peak (the Python interpreter and NumPy themselves not counted)."""
    itemsize = np.dtype(net.dtype).itemsize
    inputs = data.X.nbytes + data.y.nbytes
    if data.validation is not None:
        inputs += data.validation[0].nbytes + data.validation[1].nbytes
    # weights, gradients, optimiser state, the epoch's snapshot, the epoch report's copy, best weights
    copies = 4 + OPTIMIZER_SLOTS[config.optimizer] + (1 if config.early_stopping_patience else 0)
    parameters = net.parameter_count * itemsize * copies
    batch = min(config.batch_size, len(data.X))
    # per layer: weighted input, activation, dropout mask, delta; and the one-hot labels
    activations = batch * (sum(net.layer_sizes) * 4 + net.layer_sizes[-1]) * itemsize
    evaluation = PREDICT_CHUNK * max(net.layer_sizes) * 2 * itemsize
    return int(inputs + parameters + activations + evaluation)


def machine_busy() -> str:
    """A note when more programs want the processors than there are (Unix load average), else ""."""
    try:
        load, cores = os.getloadavg()[0], os.cpu_count() or 1
    except (AttributeError, OSError):  # no load average on Windows
        return ""
    return f"the machine is busy (load {load:.1f} on {cores} cores): it may take longer" if load > cores else ""


def format_duration(seconds) -> str:
    """3.2 s, 4 min 05 s, 1 h 02 min."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"
