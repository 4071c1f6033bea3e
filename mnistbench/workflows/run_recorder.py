"""Records one training run into the runs store while it trains.

``train_and_record(..., recorder=RunRecorder(store))`` hands the recorder the
run: it opens a "running" row, wraps the caller's callbacks to keep the
curves (per-epoch history in full; per-batch losses averaged over windows so
that an epoch keeps about ``BATCH_POINTS_PER_EPOCH`` points; every validation
point), writes them in small transactions (each epoch, and at most every
``FLUSH_SECONDS`` in between), and closes the row with the status and the
held-out result. An exception (Ctrl-C, an error) leaves the run "unfinished";
a killed process leaves it "running" until the store is next opened, which
marks it "unfinished".
"""

import sqlite3
import time

from mnistbench.engine.reports import TrainingCallbacks
from mnistbench.errors import MnistbenchError
from mnistbench.workflows.runs_store import STATUS_OF_STOP
from mnistbench.workflows.training_record import fingerprint

BATCH_POINTS_PER_EPOCH = 100
FLUSH_SECONDS = 2.0


class RunRecorder:
    """One run (or, with ``continue_run``, more epochs of an earlier one) in ``store``."""

    def __init__(self, store, *, network_path="", sweep_id="", sweep_point=None, label="", continue_run=None):
        self.store, self.network_path, self.label = store, str(network_path or ""), label
        self.sweep_id, self.sweep_point, self.continue_run = sweep_id, sweep_point, continue_run
        self.run_id = None
        self.opened = False  # record() has begun: the run's row holds its data (not only reserved)
        self.problem = ""  # why the run could not be (fully) recorded, "" when it was
        self._batches, self._evaluations, self._window = [], [], []
        self._batches_per_epoch = 1  # of the current run, known from its first batch
        self._started = self._last_flush = 0.0
        self._epoch_offset = self._samples_offset = self._seconds_offset = 0

    def record(self, train, net, dataset, config, data, callbacks):
        """Run ``train(callbacks)`` (a TrainingOutcome-returning call) as a recorded run."""
        self._open(net, dataset, config, data)
        if self.problem:  # the store cannot be written: train all the same, say so afterwards
            return train(callbacks)
        try:
            outcome = train(self._wrap(callbacks or TrainingCallbacks()))
        except BaseException as error:
            self._flush()
            self._store(self.store.update_run, self.run_id, status="unfinished",
                        message=f"ended by {error!r}"[:300])
            raise
        self.finish(outcome)
        return outcome

    def reserve(self, net, dataset_name, config):
        """Open the run's row now, on the caller's thread, and return its id (None when the store
        failed): the window's live curve carries the id from the start, so the same run chosen in the
        Runs dock is known as this one. ``record`` fills in the rest of the row."""
        if self.continue_run is not None:
            self.run_id = self.continue_run
        elif self.run_id is None:
            self.run_id = self._store(self.store.start_run, layer_sizes=list(net.layer_sizes),
                                      activation=net.activations[0], parameters=net.parameter_count,
                                      settings=config.describe(), dataset=dataset_name,
                                      epochs_planned=config.epochs, network=self.network_path,
                                      sweep_id=self.sweep_id, sweep_point=self.sweep_point, label=self.label)
        return self.run_id

    def abandon(self, why):
        """A reserved run that never began training (the job failed first) is marked "unfinished"."""
        if self.run_id is not None and not self.opened and self.continue_run is None:
            self._store(self.store.update_run, self.run_id, status="unfinished", message=why)

    def _store(self, write, *args, **fields):
        """A write to the store; a failure (disk full, locked, damaged) stops the recording, never the
        training: it is kept in ``problem`` for the caller to report."""
        if self.problem:
            return None
        try:
            return write(*args, **fields)
        except (MnistbenchError, sqlite3.Error, OSError) as error:
            self.problem = f"the run could not be recorded: {error}"  # the error names the store
            return None

    def set_network_path(self, path):
        """Where the trained network was saved (after the run: the CLI saves once training ends)."""
        self.network_path = str(path)
        if self.run_id is not None:
            self._store(self.store.update_run, self.run_id, network=self.network_path)

    def _open(self, net, dataset, config, data):
        fields = dict(layer_sizes=list(net.layer_sizes), activation=net.activations[0],
                      parameters=net.parameter_count, settings=config.describe(), dataset=dataset.name,
                      dataset_fingerprint=fingerprint(dataset.train_images, dataset.train_labels),
                      n_train=len(data.y), validation=data.description, epochs_planned=config.epochs,
                      network=self.network_path, sweep_id=self.sweep_id, sweep_point=self.sweep_point,
                      label=self.label)
        self.opened = True
        if self.continue_run is None and self.run_id is None:
            self.run_id = self._store(self.store.start_run, **fields)
        elif self.continue_run is None:  # reserved: the row is there, its data is not yet
            self._store(self.store.update_run, self.run_id, status="running", **fields)
        else:  # more epochs of the same run: its curves go on where they stopped
            self.run_id = self.continue_run
            earlier = self.store.run(self.run_id)  # a run that is not there: the caller's mistake, raised
            curves = self.store.curves(self.run_id)
            self._epoch_offset = earlier.epochs
            self._samples_offset = max(curves["batches"]["samples_seen"], default=0)
            self._seconds_offset = earlier.seconds or 0.0
            self._store(self.store.update_run, self.run_id, status="running", **fields)
        self._started = self._last_flush = time.perf_counter()

    def _wrap(self, callbacks):
        def on_batch(report):
            self._batch(report)
            if callbacks.on_batch:
                callbacks.on_batch(report)

        def on_evaluation(report):
            progress = self._epoch_offset + report.epoch - 1 + report.batch / self._batches_per_epoch
            self._evaluations.append((report.epoch + self._epoch_offset, report.batch, progress,
                                      report.samples_seen + self._samples_offset, self._seconds(),
                                      report.validation_loss, report.validation_error))
            if callbacks.on_evaluation:
                callbacks.on_evaluation(report)

        def on_epoch(report):
            self._flush()
            self._store(self.store.add_curve_points, self.run_id, "epochs", [(
                report.epoch + self._epoch_offset, report.train_loss, report.train_accuracy,
                report.validation_loss, report.validation_accuracy, None, report.seconds)])
            self._store(self.store.update_run, self.run_id,
                        epochs_completed=report.epoch + self._epoch_offset, seconds=self._seconds())
            if callbacks.on_epoch:
                callbacks.on_epoch(report)
        return TrainingCallbacks(on_batch=on_batch, on_evaluation=on_evaluation, on_epoch=on_epoch)

    def _batch(self, report):
        """Average the batch losses over windows; keep one point per window."""
        self._window.append((report.loss, report.accuracy))
        self._batches_per_epoch = report.batches_per_epoch
        size = max(1, report.batches_per_epoch // BATCH_POINTS_PER_EPOCH)
        if len(self._window) >= size or report.batch == report.batches_per_epoch:
            losses, accuracies = zip(*self._window)
            progress = self._epoch_offset + report.epoch - 1 + report.batch / report.batches_per_epoch
            self._batches.append((report.epoch + self._epoch_offset, report.batch, progress,
                                  report.samples_seen + self._samples_offset, self._seconds(),
                                  sum(losses) / len(losses), accuracies[-1]))
            self._window = []
        if time.perf_counter() - self._last_flush >= FLUSH_SECONDS:
            self._flush()

    def _seconds(self):
        return self._seconds_offset + time.perf_counter() - self._started

    def _flush(self):
        for table, points in (("batches", self._batches), ("evaluations", self._evaluations)):
            if points:
                self._store(self.store.add_curve_points, self.run_id, table, points)
        self._batches, self._evaluations, self._last_flush = [], [], time.perf_counter()

    def finish(self, outcome):
        """Close the run: status from how training stopped, the held-out result, the learning rates."""
        self._flush()
        result = outcome.result
        rates = result.history.get("learning_rate", [])
        if rates:  # the engine's history has each epoch's rate; the epoch reports do not
            self._store(self.store.add_curve_points, self.run_id, "epochs", [
                (self._epoch_offset + i + 1, result.history["train_loss"][i], result.history["train_accuracy"][i],
                 result.history["validation_loss"][i], result.history["validation_accuracy"][i], rate,
                 result.history["seconds"][i]) for i, rate in enumerate(rates)])
        evaluation = outcome.evaluation
        self._store(
            self.store.update_run, self.run_id, status=STATUS_OF_STOP.get(result.stop_reason, "finished"),
            message=result.message, seconds=self._seconds_offset + result.seconds,
            epochs_completed=self._epoch_offset + result.epochs_completed,
            held_out_accuracy=None if evaluation is None else round(evaluation.accuracy, 6),
            held_out_set=outcome.held_out_set, network=self.network_path)
