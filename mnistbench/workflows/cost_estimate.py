"""What a run will cost before it starts: time from a quick timing on this machine, and memory.

The time comes from training a copy of the network for real batches (with
the run's own optimiser, dropout and augmentation) after an untimed warm-up,
until the timing lasts long enough to trust, then scaled to the epoch's
batches and the epochs; the validation passes are timed the same way, and so
is the work after the last batch (hashing the training images, the held-out
evaluation). Every timing is a mean over repeated work lasting a set time: a
single pass of a few milliseconds measures the scheduler of a busy machine
more than the run.
Memory counts the arrays the run holds: the training and validation pixels
(uint8, one byte each), the parameters with their gradients, optimiser state
and snapshots, and one batch's activations (its inputs scaled to floats among them).
"""

import math
import os
import time
from dataclasses import dataclass

import numpy as np

from mnistbench.data import to_inputs
from mnistbench.engine.training import TrainingCallbacks, TrainingControl, train
from mnistbench.workflows.evaluation import evaluate
from mnistbench.workflows.seen_images import image_hashes
from mnistbench.workflows.training_record import fingerprint

TIMING_SECONDS = 0.4  # the least a timing must last (shorter ones are mostly noise)
FIRST_BATCHES = 4  # the fewest batches timed after the warm-up
WARM_UP_BATCHES = 2  # trained untimed first: first calls are slow
HASHED_SAMPLE = 1000  # images hashed and evaluated to time the work after training
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
    warm_up(net, data.X, data.y, config)
    per_batch, timed = time_batches(net, data.X, data.y, config, timing_seconds)
    batches = math.ceil(len(data.X) / min(config.batch_size, len(data.X)))
    epoch = batches * per_batch
    judged = data.validation[0] if data.validation is not None else data.X
    per_image = time_forward(net, judged, timing_seconds / 4)
    if data.validation is not None:
        n_validation = len(data.validation[1])
        subset = min(config.validation_size or n_validation, n_validation)
        epoch += per_image * (n_validation + config.evaluations_per_epoch * subset)
    after = time_after_training(net, data, judged, test_images, timing_seconds / 4)
    seconds = epoch * config.epochs + after
    return CostEstimate(seconds, epoch, memory_bytes(net, data, config), timed, machine_busy())


def warm_up(net, X, y, config):
    """Train a copy for a few batches, untimed: the first batches in a process load the fast kernels
    (numba, for this optimiser) and start the BLAS threads, which a real run pays only once."""
    batch_size = min(config.batch_size, len(X))
    quick = config.replace(epochs=1, evaluations_per_epoch=0, early_stopping_patience=0)
    train(net.copy(), X[:batch_size * WARM_UP_BATCHES], y[:batch_size * WARM_UP_BATCHES], quick)


def time_batches(net, X, y, config, timing_seconds=TIMING_SECONDS):
    """(seconds per batch, batches timed): a copy of ``net`` trains until ``timing_seconds`` have passed.

    The mean wall time of a batch over all the batches timed, epoch ends included when the data is
    small enough to reach them: a short epoch is timed whole, several times over, rather than once
    (a single pass of a few milliseconds says more about the scheduler than about the run). Other
    programs that keep the machine busy now will likely slow the real run too (``CostEstimate.busy``
    says when they do).
    """
    batch_size = min(config.batch_size, len(X))
    n = min(len(X), batch_size * MAX_TIMED_BATCHES)
    epochs = max(1, MAX_TIMED_BATCHES // math.ceil(n / batch_size))
    quick = config.replace(epochs=epochs, evaluations_per_epoch=0, early_stopping_patience=0)
    control, times = TrainingControl(), []  # from the end of the first batch: setting up is not a batch

    def on_batch(report):
        times.append(time.perf_counter())
        if times[-1] - times[0] >= timing_seconds and len(times) > FIRST_BATCHES:
            control.request_stop()
    started = time.perf_counter()
    train(net.copy(), X[:n], y[:n], quick, callbacks=TrainingCallbacks(on_batch=on_batch), control=control)
    if len(times) < 2:  # the copy diverged at once: its one batch (or none) is all there is
        return time.perf_counter() - started, len(times)
    return (times[-1] - times[0]) / (len(times) - 1), len(times) - 1


def time_forward(net, X, timing_seconds):
    """Seconds per image of a forward pass (as evaluation does it), passes repeated for ``timing_seconds``."""
    n = min(PREDICT_CHUNK, len(X))
    net.predict_proba(X[:n])  # warm-up
    return _mean_seconds(lambda: net.predict_proba(X[:n]), timing_seconds) / n


def time_after_training(net, data, judged, test_images, timing_seconds):
    """Seconds from the last batch to the recorded run: which images the network has seen (a hash per
    training image), the dataset's fingerprint (taken twice: for the record and the runs store), and
    the held-out evaluation of ``test_images`` (forward, confusion matrix, seen-image check)."""
    n = min(HASHED_SAMPLE, len(data.X))
    images = np.ascontiguousarray(data.X[:n])  # uint8 pixels, as the dataset holds them
    labels = data.y[:n]
    per_trained = _mean_seconds(lambda: (image_hashes(images), fingerprint(images, labels),
                                         fingerprint(images, labels)), timing_seconds / 2) / n
    if not test_images:
        return per_trained * len(data.X)
    m = min(HASHED_SAMPLE, len(judged))
    shown = np.ascontiguousarray(judged[:m])
    truth = np.zeros(m, dtype=np.int64)
    per_tested = _mean_seconds(lambda: (evaluate(net, to_inputs(shown), truth, images=shown),
                                        image_hashes(shown)), timing_seconds / 2) / m
    return per_trained * len(data.X) + per_tested * test_images


def _mean_seconds(work, timing_seconds):
    """Mean wall time of ``work()``, called again until ``timing_seconds`` have passed (twice at least)."""
    calls, started = 0, time.perf_counter()
    while True:
        work()
        calls += 1
        elapsed = time.perf_counter() - started
        if elapsed >= timing_seconds and calls >= 2:
            return elapsed / calls


def memory_bytes(net, data, config) -> int:
    """The arrays a run holds at its peak (the Python interpreter and NumPy themselves not counted).

    The pixels count at their size, one byte each (views of the dataset's images, or copies when
    some are held out); the engine makes floats of one batch, or one evaluation chunk, at a time.
    """
    itemsize = np.dtype(net.dtype).itemsize
    inputs = data.X.nbytes + data.y.nbytes
    if data.validation is not None:
        inputs += data.validation[0].nbytes + data.validation[1].nbytes
    # weights, gradients, optimiser state, the epoch's snapshot, the epoch report's copy, best weights
    copies = 4 + OPTIMIZER_SLOTS[config.optimizer] + (1 if config.early_stopping_patience else 0)
    parameters = net.parameter_count * itemsize * copies
    batch = min(config.batch_size, len(data.X))
    # per layer: weighted input, activation, dropout mask, delta (for the inputs: the gathered batch
    # scaled to floats, and augmented); and the one-hot labels
    activations = batch * (sum(net.layer_sizes) * 4 + net.layer_sizes[-1]) * itemsize
    # a chunk's inputs scaled to floats, and its widest layer's output and activation
    evaluation = PREDICT_CHUNK * (net.layer_sizes[0] + max(net.layer_sizes) * 2) * itemsize
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
