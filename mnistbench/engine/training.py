"""The mini-batch training loop, with reports through plain callbacks.

The loop never prints and never touches Qt: a caller (CLI, workbench, script)
passes callbacks that receive small frozen reports, and a ``TrainingControl``
whose flags are checked between batches, so stop and pause take effect
within one batch.
"""

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from mnistbench.engine.augment import shift_and_rotate
from mnistbench.engine.reports import (  # noqa: F401  (re-exported: callers import them from here)
    BatchReport, EpochReport, EvaluationReport, TrainingCallbacks, TrainingResult)
from mnistbench.engine.losses import one_hot
from mnistbench.engine.optimizers import make_optimizer
from mnistbench.engine.schedules import learning_rate_at
from mnistbench.errors import ConfigError


class TrainingControl:
    """Thread-safe stop and pause flags, set from any thread, read by the loop."""

    def __init__(self):
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def request_stop(self):
        self._stop.set()
        self._running.set()  # a paused loop must wake up to stop

    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()

    @property
    def stop_requested(self):
        return self._stop.is_set()

    @property
    def paused(self):
        return not self._running.is_set()

    def wait_while_paused(self):
        """Block while paused; True when the loop should go on."""
        self._running.wait()
        return not self._stop.is_set()


@dataclass
class _Run:
    """What the loop keeps between batches and epochs."""
    history: dict = field(default_factory=lambda: {
        "train_loss": [], "train_accuracy": [], "validation_loss": [],
        "validation_accuracy": [], "learning_rate": [], "seconds": []})
    samples_seen: int = 0
    best_loss: float = math.inf
    best_parameters: Optional[list] = None
    epochs_without_improvement: int = 0
    stop_reason: str = "completed"
    message: str = ""


def train(net, X, y, config, validation=None, callbacks=None, control=None):
    """Train ``net`` in place on inputs X (n, n_in) and labels y (n,); returns a TrainingResult."""
    X, y = _check_data(net, X, y, "training")
    if validation is not None:
        validation = _check_data(net, *validation, "validation")
    callbacks = callbacks or TrainingCallbacks()
    control = control or TrainingControl()
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(4)]
    optimizer = make_optimizer(config)
    run = _Run()
    started = time.perf_counter()
    epoch = 0
    for epoch in range(1, config.epochs + 1):
        snapshot = [p.copy() for p in net.weights + net.biases]
        epoch_started = time.perf_counter()
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked explicitly
            loss, accuracy = _train_epoch(net, X, y, config, epoch, optimizer, rngs, validation,
                                          callbacks, control, run)
        if run.stop_reason == "diverged":
            _restore_if_not_finite(net, snapshot, run)
            epoch -= 1
            break
        if run.stop_reason == "stopped":
            epoch -= 1
            break
        _finish_epoch(net, config, epoch, loss, accuracy, time.perf_counter() - epoch_started,
                      validation, callbacks, run)
        if run.stop_reason != "completed":
            break
    if config.early_stopping_patience and run.best_parameters is not None:
        for p, best in zip(net.weights + net.biases, run.best_parameters):
            p[...] = best
    seconds = time.perf_counter() - started
    result = TrainingResult(run.stop_reason, run.message or f"trained {epoch} epochs in {seconds:.1f} s",
                            epoch, seconds, run.history)
    record_run(net, config, result)
    return result


def _check_data(net, X, y, what):
    X = net.as_input(X)
    y = np.asarray(y).astype(np.int64, copy=False).reshape(-1)
    if len(X) != len(y):
        raise ConfigError(f"{what} data has {len(X)} examples but {len(y)} labels")
    if len(X) == 0:
        raise ConfigError(f"{what} data is empty")
    n_out = net.layer_sizes[-1]
    if y.min() < 0 or y.max() >= n_out:
        raise ConfigError(f"{what} labels must lie in 0..{n_out - 1}, found {y.min()}..{y.max()}")
    return X, y


def _train_epoch(net, X, y, config, epoch, optimizer, rngs, validation, callbacks, control, run):
    """One pass over shuffled mini-batches; returns (mean loss, accuracy) of the epoch."""
    shuffle_rng, dropout_rng, augment_rng, validation_rng = rngs
    n, batch_size = len(X), min(config.batch_size, len(X))
    batches = math.ceil(n / batch_size)
    evaluate_after = {round(batches * k / config.evaluations_per_epoch)
                      for k in range(1, config.evaluations_per_epoch + 1)}
    order = shuffle_rng.permutation(n)
    params = net.weights + net.biases
    loss_sum, correct, seen, started = 0.0, 0, 0, time.perf_counter()
    for batch in range(1, batches + 1):
        if not control.wait_while_paused():
            run.stop_reason, run.message = "stopped", f"stopped in epoch {epoch}, batch {batch}"
            break
        index = order[(batch - 1) * batch_size: batch * batch_size]
        xb = X[index]
        if config.augment:
            xb = shift_and_rotate(xb, augment_rng, config.augment_shift, config.augment_rotation)
        learning_rate = learning_rate_at(config, epoch - 1 + (batch - 1) / batches)
        loss, grads_W, grads_b, output = net.backward(
            xb, one_hot(y[index], net.layer_sizes[-1], net.dtype), config.dropout, dropout_rng,
            return_output=True)
        # A non-finite value anywhere reaches the loss or the bias gradients (cheap to sum).
        if not math.isfinite(loss + sum(float(g.sum()) for g in grads_b)):
            run.stop_reason = "diverged"
            run.message = (f"training diverged in epoch {epoch}, batch {batch} (loss {loss}); "
                           "the network keeps its last finite weights — try a smaller learning rate")
            break
        if config.weight_decay:
            for g, W in zip(grads_W, net.weights):
                g += config.weight_decay * W
        optimizer.step(params, grads_W + grads_b, learning_rate)
        seen += len(index)
        run.samples_seen += len(index)
        loss_sum += loss * len(index)
        correct += int(np.count_nonzero(output.argmax(axis=1) == y[index]))
        if callbacks.on_batch:
            elapsed = max(time.perf_counter() - started, 1e-9)
            callbacks.on_batch(BatchReport(epoch, batch, batches, run.samples_seen, loss,
                                           correct / seen, seen / elapsed, learning_rate))
        if validation is not None and batch in evaluate_after and callbacks.on_evaluation:
            callbacks.on_evaluation(_evaluate_subset(net, validation, config, validation_rng,
                                                     epoch, batch, run.samples_seen))
    return loss_sum / max(seen, 1), correct / max(seen, 1)


def _evaluate_subset(net, validation, config, rng, epoch, batch, samples_seen):
    """Loss and error on a random validation subset, as the original tool drew them."""
    Xv, yv = validation
    size = min(config.validation_size or len(Xv), len(Xv))
    pick = rng.choice(len(Xv), size, replace=False) if size < len(Xv) else slice(None)
    loss, accuracy = net.loss_and_accuracy(Xv[pick], yv[pick])
    return EvaluationReport(epoch, batch, samples_seen, loss, 1.0 - accuracy)


def _finish_epoch(net, config, epoch, loss, accuracy, seconds, validation, callbacks, run):
    """Record the epoch, judge early stopping, report with a copy of the weights."""
    val_loss = val_accuracy = None
    if validation is not None:
        val_loss, val_accuracy = net.loss_and_accuracy(*validation)
    for key, value in (("train_loss", loss), ("train_accuracy", accuracy),
                       ("validation_loss", val_loss), ("validation_accuracy", val_accuracy),
                       ("learning_rate", learning_rate_at(config, epoch - 1)), ("seconds", seconds)):
        run.history[key].append(value)
    if config.early_stopping_patience and val_loss is not None:
        if val_loss < run.best_loss:
            run.best_loss, run.epochs_without_improvement = val_loss, 0
            run.best_parameters = [p.copy() for p in net.weights + net.biases]
        else:
            run.epochs_without_improvement += 1
            if run.epochs_without_improvement >= config.early_stopping_patience:
                run.stop_reason = "early_stopping"
                run.message = (f"early stopping after epoch {epoch}: validation loss has not improved "
                               f"for {config.early_stopping_patience} epochs; best weights restored")
    if callbacks.on_epoch:
        callbacks.on_epoch(EpochReport(epoch, config.epochs, loss, accuracy, val_loss, val_accuracy,
                                       seconds, net.copy()))


def _restore_if_not_finite(net, snapshot, run):
    """An update that overflowed leaves non-finite weights: go back to the epoch's start."""
    if all(np.isfinite(p).all() for p in net.weights + net.biases):
        return
    for p, saved in zip(net.weights + net.biases, snapshot):
        p[...] = saved
    run.message += " (restored from the start of the epoch)"


def record_run(net, config, result):
    """Append this run to the network's training record (kept in the file trailer)."""
    record = net.metadata.setdefault("training", {})
    record["epochs"] = record.get("epochs", 0) + result.epochs_completed
    history = record.setdefault("history", {})
    for key, values in result.history.items():
        history.setdefault(key, []).extend(values)
    record.setdefault("runs", []).append({
        "config": config.describe(), "epochs": result.epochs_completed,
        "stop_reason": result.stop_reason, "seconds": round(result.seconds, 3)})
