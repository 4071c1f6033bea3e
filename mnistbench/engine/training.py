"""The mini-batch training loop, with reports through plain callbacks.

``train`` reads like the textbook loop (Nielsen's ``SGD``): for each epoch,
shuffle, step through mini-batches, then judge the epoch. The loop never
prints and never touches Qt: a caller (CLI, workbench, script) passes
callbacks that receive small frozen reports, and a ``TrainingControl`` whose
flags are checked between batches, so stop and pause take effect within one
batch.
"""

import math
import threading
import time
from dataclasses import dataclass
from typing import Optional

import numpy as np

from mnistbench.engine import fast_kernels, fast_layers
from mnistbench.engine.blas_threads import BlasThreads
from mnistbench.engine.augment import shift_and_rotate
from mnistbench.engine.divergence import DivergenceGuard
from mnistbench.engine.reports import (  # noqa: F401  (re-exported: callers import them from here)
    BatchReport, EpochReport, EvaluationReport, TrainingCallbacks, TrainingResult, record_run)
from mnistbench.engine.losses import one_hot
from mnistbench.engine.optimizers import make_optimizer
from mnistbench.engine.schedules import learning_rate_at
from mnistbench.errors import ConfigError

HISTORY_KEYS = ("train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                "learning_rate", "seconds")


class TrainingControl:
    """Thread-safe stop and pause flags, set from any thread, read by the loop."""

    def __init__(self):
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self.paused_seconds = 0.0  # time spent waiting while paused: epoch times leave it out

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
        """Block while paused (adding the wait to ``paused_seconds``); True when the loop should go on."""
        if not self._running.is_set():
            waited = time.perf_counter()
            self._running.wait()
            self.paused_seconds += time.perf_counter() - waited
        return not self._stop.is_set()


@dataclass(frozen=True)
class Stop:
    """Why training ended before its last epoch, in a word and in a sentence."""
    reason: str  # stopped | diverged | early_stopping
    message: str


@dataclass(frozen=True)
class EpochOutcome:
    loss: float  # mean training loss over the epoch's batches
    accuracy: float  # training accuracy over them
    seconds: float
    stop: Optional[Stop] = None  # set when the epoch was cut short (stopped, diverged)


class RandomStreams:
    """One generator per use, spawned from the seed, so each use draws the same numbers every run."""

    def __init__(self, seed):
        self.shuffle, self.dropout, self.augment, self.validation = (
            np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4))


def train(net, X, y, config, validation=None, callbacks=None, control=None):
    """Train ``net`` in place on inputs X (n, n_in) and labels y (n,); returns a TrainingResult.

    X is float inputs, or uint8 pixels (n, 28, 28 or n_in) kept as they are — a quarter of the
    memory — and scaled to [0, 1] a mini-batch at a time; ``validation`` (X, y) likewise.
    """
    X, y = _check_data(net, X, y, "training")
    if validation is not None:
        validation = _check_data(net, *validation, "validation")
    trainer = Trainer(net, config, validation, callbacks or TrainingCallbacks(), control or TrainingControl(),
                      DivergenceGuard(net, X, y))
    if not trainer.guard.healthy():
        raise ConfigError("this network's outputs are not finite numbers before training (its weights "
                          "are far too large); start from a new network")
    started = time.perf_counter()
    with BlasThreads():  # after the guard's products: see blas_threads
        epochs_completed, stop = trainer.run_epochs(X, y)
    trainer.restore_best_weights()
    seconds = time.perf_counter() - started - trainer.control.paused_seconds
    stop = stop or Stop("completed", f"trained {epochs_completed} epochs in {seconds:.1f} s")
    result = TrainingResult(stop.reason, stop.message, epochs_completed, seconds, trainer.history)
    record_run(net, config, result)
    return result


def _check_data(net, X, y, what):
    """(X (n, n_in), y (n,) int64), refused in one line when they do not fit ``net``; pixels stay uint8."""
    X = np.asarray(X)
    y = np.asarray(y).astype(np.int64, copy=False).reshape(-1)
    if len(X) != len(y):
        raise ConfigError(f"{what} data has {len(X)} examples but {len(y)} labels")
    if len(X) == 0:
        raise ConfigError(f"{what} data is empty")
    if X.dtype == np.uint8:
        X = X.reshape(len(X), -1)  # a view: no copy of the images
        net.as_input(X[:1])  # the check of the values per example that float inputs get
    else:
        X = net.as_input(X)
    n_out = net.layer_sizes[-1]
    if y.min() < 0 or y.max() >= n_out:
        raise ConfigError(f"{what} labels must lie in 0..{n_out - 1}, found {y.min()}..{y.max()}")
    return X, y


class Trainer:
    """What the loop keeps between batches and epochs: optimiser state, random streams, history."""

    def __init__(self, net, config, validation, callbacks, control, guard):
        self.net, self.config, self.validation = net, config, validation
        self.callbacks, self.control, self.guard = callbacks, control, guard
        self.params = net.weights + net.biases  # the live arrays the optimiser updates in place
        self.kernels = fast_kernels.load()  # fused steps and augmentation when numba is here, else None
        self.fused_layers = self.kernels is not None and fast_layers.fits(net)
        self.optimizer = make_optimizer(config, self.kernels)
        self.decay = ([config.weight_decay] * len(net.weights) + [0.0] * len(net.biases)
                      if config.weight_decay else None)  # L2 on the weights, never the biases
        self.random = RandomStreams(config.seed)
        self.history = {key: [] for key in HISTORY_KEYS}
        self.samples_seen = 0
        self.best_loss, self.best_parameters, self.epochs_without_improvement = math.inf, None, 0

    def run_epochs(self, X, y):
        """Every epoch in turn until the last or a Stop -> (epochs completed, Stop or None)."""
        epochs_completed = 0
        for epoch in range(1, self.config.epochs + 1):
            outcome = self.train_epoch(X, y, epoch)
            if outcome.stop is not None:  # stopped or diverged within the epoch: it does not count
                return epochs_completed, outcome.stop
            epochs_completed = epoch
            stop = self.end_epoch(epoch, outcome)
            if stop is not None:
                return epochs_completed, stop
        return epochs_completed, None

    def train_epoch(self, X, y, epoch):
        """One pass over shuffled mini-batches; a divergence puts back the epoch's starting weights.

        Weights can be finite yet exploded (|w| ~ 1e18) with every output NaN, so the epoch is
        also judged by its outputs: an epoch that ends unhealthy counts as diverged too.
        """
        snapshot = [p.copy() for p in self.params]
        started, paused = time.perf_counter(), self.control.paused_seconds
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked explicitly
            loss, accuracy, stop = self._run_batches(X, y, epoch)
            if (stop is None or stop.reason == "stopped") and not self.guard.healthy(loss):
                stop = Stop("diverged", f"training diverged in epoch {epoch}: its outputs are no longer "
                                        f"finite or their loss exploded")
        if stop is not None and stop.reason == "diverged":
            for p, saved in zip(self.params, snapshot):
                p[...] = saved
            stop = Stop(stop.reason, f"{stop.message}; the network is put back as it was at the start "
                                     f"of epoch {epoch} — try a smaller learning rate")
        seconds = time.perf_counter() - started - (self.control.paused_seconds - paused)
        return EpochOutcome(loss, accuracy, seconds, stop)

    def _run_batches(self, X, y, epoch):
        """The epoch's batches in a fresh random order -> (mean loss, accuracy, Stop or None)."""
        config, n = self.config, len(X)
        batch_size = min(config.batch_size, n)
        batches = math.ceil(n / batch_size)
        evaluate_after = {round(batches * k / config.evaluations_per_epoch)
                          for k in range(1, config.evaluations_per_epoch + 1)}
        order = self.random.shuffle.permutation(n)
        loss_sum, correct, seen, started, stop = 0.0, 0, 0, time.perf_counter(), None
        paused = self.control.paused_seconds  # samples/s leave pauses out
        for batch in range(1, batches + 1):
            if not self.control.wait_while_paused():
                stop = Stop("stopped", f"stopped in epoch {epoch}, batch {batch}")
                break
            index = order[(batch - 1) * batch_size: batch * batch_size]
            yb, size = y[index], len(index)
            learning_rate = learning_rate_at(config, epoch - 1 + (batch - 1) / batches)
            loss, output = self._step(self._batch_inputs(X, index), yb, learning_rate)
            if self.guard.diverging(loss, output):
                stop = _diverged(epoch, batch, loss)
                break
            seen += size
            self.samples_seen += size
            loss_sum += loss * size
            correct += int(np.count_nonzero(output.argmax(axis=1) == yb))
            if self.callbacks.on_batch:
                elapsed = max(time.perf_counter() - started - (self.control.paused_seconds - paused), 1e-9)
                self.callbacks.on_batch(BatchReport(epoch, batch, batches, self.samples_seen, loss,
                                                    correct / seen, seen / elapsed, learning_rate))
            if self.validation is not None and batch in evaluate_after and self.callbacks.on_evaluation:
                self.callbacks.on_evaluation(self._evaluate_subset(epoch, batch))
        return loss_sum / max(seen, 1), correct / max(seen, 1), stop

    def _batch_inputs(self, X, index):
        """Rows ``index`` of X as the network's inputs: uint8 pixels scaled to [0, 1] (in one compiled
        pass on the fast path), float inputs as they are."""
        if self.kernels is not None and X.dtype == np.uint8 and self.net.dtype == np.float32:
            return fast_kernels.gather_pixels(self.kernels, X, index)
        return self.net.as_input(X[index])

    def _step(self, xb, yb, learning_rate):
        """One gradient step on a batch -> (loss, network output), output None when not finite."""
        net, config = self.net, self.config
        if config.augment and self.kernels is not None:
            xb = fast_kernels.shift_and_rotate(self.kernels, xb, self.random.augment, config.augment_shift,
                                               config.augment_rotation)
        elif config.augment:
            xb = shift_and_rotate(xb, self.random.augment, config.augment_shift, config.augment_rotation)
        Y = one_hot(yb, net.layer_sizes[-1], net.dtype)
        if self.fused_layers:
            loss, grads_W, grads_b, output = fast_layers.backward(net, self.kernels, xb, Y, config.dropout,
                                                                  self.random.dropout)
        else:
            loss, grads_W, grads_b, output = net.backward(xb, Y, config.dropout, self.random.dropout,
                                                          return_output=True)
        # A non-finite value anywhere reaches the loss or the bias gradients (cheap to sum).
        if not math.isfinite(loss + sum(float(g.sum()) for g in grads_b)):
            return loss, None
        self.optimizer.step(self.params, grads_W + grads_b, learning_rate, self.decay)
        return loss, output

    def _evaluate_subset(self, epoch, batch):
        """Loss and error on a random validation subset, as the original tool drew them."""
        Xv, yv = self.validation
        size = min(self.config.validation_size or len(Xv), len(Xv))
        pick = self.random.validation.choice(len(Xv), size, replace=False) if size < len(Xv) else slice(None)
        loss, accuracy = self.net.loss_and_accuracy(Xv[pick], yv[pick])
        return EvaluationReport(epoch, batch, self.samples_seen, loss, 1.0 - accuracy)

    def end_epoch(self, epoch, outcome):
        """Record the epoch and report it with a copy of the weights; a Stop when early stopping ends it."""
        config, val_loss, val_accuracy = self.config, None, None
        if self.validation is not None:
            val_loss, val_accuracy = self.net.loss_and_accuracy(*self.validation)
        for key, value in zip(HISTORY_KEYS, (outcome.loss, outcome.accuracy, val_loss, val_accuracy,
                                             learning_rate_at(config, epoch - 1), outcome.seconds)):
            self.history[key].append(value)
        stop = self._judge_early_stopping(epoch, val_loss)
        if self.callbacks.on_epoch:
            self.callbacks.on_epoch(EpochReport(epoch, config.epochs, outcome.loss, outcome.accuracy,
                                                val_loss, val_accuracy, outcome.seconds, self.net.copy()))
        return stop

    def _judge_early_stopping(self, epoch, val_loss):
        patience = self.config.early_stopping_patience
        if not patience or val_loss is None:
            return None
        if val_loss < self.best_loss:
            self.best_loss, self.epochs_without_improvement = val_loss, 0
            self.best_parameters = [p.copy() for p in self.params]
            return None
        self.epochs_without_improvement += 1
        if self.epochs_without_improvement < patience:
            return None
        return Stop("early_stopping", f"early stopping after epoch {epoch}: validation loss has not "
                                      f"improved for {patience} epochs; best weights restored")

    def restore_best_weights(self):
        """With early stopping on, end with the weights of the best validation loss."""
        if self.config.early_stopping_patience and self.best_parameters is not None:
            for p, best in zip(self.params, self.best_parameters):
                p[...] = best


def _diverged(epoch, batch, loss):
    return Stop("diverged", f"training diverged in epoch {epoch}, batch {batch} (loss {loss:.4g})")
