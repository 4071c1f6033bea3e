"""A run's curves on three x axes (epochs, examples seen, seconds), from live reports, from the runs
store, or from a network file's per-epoch history; and the row that names what a run was.

No Qt here: the panel draws what these build. Each point keeps all three x
positions, so switching the x axis redraws without recomputing anything.
"""

import math

import numpy as np

from mnistbench.errors import MnistbenchError
from mnistbench.gui.panels.curves.curves_data import Series
from mnistbench.workflows.run_rows import RunRow, difference_labels

AXES = {"epoch": "epoch", "examples": "examples seen", "seconds": "seconds"}  # key -> axis title
SERIES_NAMES = ("train_loss", "validation_loss", "train_error", "validation_error")


def empty_series():
    return {name: Series() for name in SERIES_NAMES}


class LivePositions:
    """Where each live report sits on the three axes, counted from where the curve began (``offset``).

    Seconds come from the engine's own rate (examples per second over the epoch so far), so they
    are the run's training time, not the time the reports took to cross to the GUI thread.
    """

    def __init__(self, offset=(0.0, 0.0, 0.0)):
        self.offset = tuple(offset)
        self.batches_per_epoch = None
        self.last = tuple(offset)  # the furthest position reached
        self.examples_per_epoch = None  # known from the first epoch's last batch
        self._epoch_start = (0, 0.0)  # (examples, seconds) when the current epoch began
        self._last_batch = (0, 0.0)

    def of_batch(self, report):
        if report.batch == 1:
            self._epoch_start = self._last_batch
        examples_in_epoch = report.samples_seen - self._epoch_start[0]
        seconds = self._epoch_start[1] + examples_in_epoch / max(report.samples_per_second, 1e-9)
        self.batches_per_epoch = report.batches_per_epoch
        if report.batch == report.batches_per_epoch:
            self.examples_per_epoch = examples_in_epoch
        self._last_batch = (report.samples_seen, seconds)
        return self._at(report.epoch - 1 + report.batch / report.batches_per_epoch, report.samples_seen, seconds)

    def of_evaluation(self, report):
        """An evaluation follows its batch: that batch's seconds."""
        epochs = report.epoch if not self.batches_per_epoch else \
            report.epoch - 1 + report.batch / self.batches_per_epoch
        return self._at(epochs, report.samples_seen, self._last_batch[1])

    def of_epoch_end(self, report):
        return self._at(report.epoch, self._last_batch[0], self._last_batch[1])

    def _at(self, epochs, examples, seconds):
        position = (self.offset[0] + epochs, self.offset[1] + examples, self.offset[2] + seconds)
        self.last = tuple(max(a, b) for a, b in zip(self.last, position))
        return position


def stored_run_series(curves):
    """A RunsStore ``curves(id)`` dict as series; per-epoch points when the run kept no batches."""
    series = empty_series()
    batches, evaluations = curves.get("batches", {}), curves.get("evaluations", {})
    if batches.get("loss"):
        positions = np.column_stack([batches["progress"], batches["samples_seen"], batches["seconds"]])
        series["train_loss"].extend(positions, _floats(batches["loss"]))
        series["train_error"].extend(positions, window_errors(batches["epoch"], batches["samples_seen"],
                                                              batches["accuracy"]))
        if evaluations.get("validation_loss"):
            positions = np.column_stack([evaluations["progress"], evaluations["samples_seen"],
                                         evaluations["seconds"]])
            series["validation_loss"].extend(positions, _floats(evaluations["validation_loss"]))
            series["validation_error"].extend(positions, _floats(evaluations["validation_error"]))
        return series
    epochs = curves.get("epochs", {})
    return epoch_series(epochs.get("train_loss", []), epochs.get("train_accuracy", []),
                        epochs.get("validation_loss", []), epochs.get("validation_accuracy", []),
                        epochs.get("seconds", []), None)


def history_series(net):
    """A network file's recorded per-epoch history as series (a finished run, one point an epoch).

    The file does not say how many examples each epoch used; the examples axis takes the
    recorded training set's size (a run that held some out for validation saw fewer).
    """
    record = net.metadata.get("training", {})
    history = record.get("history") or {}
    dataset = record.get("dataset")
    n_train = dataset.get("n_train") if isinstance(dataset, dict) else None
    return epoch_series(history.get("train_loss", []), history.get("train_accuracy", []),
                        history.get("validation_loss", []), history.get("validation_accuracy", []),
                        history.get("seconds", []), n_train)


def epoch_series(train_loss, train_accuracy, validation_loss, validation_accuracy, seconds, examples_per_epoch):
    """One point per epoch, at the end of each (x = 1, 2, …); seconds add up each epoch's."""
    series = {name: Series(per_epoch=True) for name in SERIES_NAMES}
    count = len(train_loss)
    epochs = np.arange(1, count + 1, dtype=float)
    examples = epochs * examples_per_epoch if examples_per_epoch else np.full(count, np.nan)
    times = np.cumsum(_floats(seconds)) if len(seconds) == count else np.full(count, np.nan)
    positions = np.column_stack([epochs, examples, times])
    for name, values in (("train_loss", train_loss), ("validation_loss", validation_loss)):
        if len(values) == count:
            series[name].extend(positions, _floats(values))
    for name, values in (("train_error", train_accuracy), ("validation_error", validation_accuracy)):
        if len(values) == count:
            series[name].extend(positions, 1.0 - _floats(values))
    return series


def window_errors(epochs, samples_seen, accuracies):
    """Each stored point's own error, from the engine's running accuracy over the epoch so far.

    A point closes a window of batches; an epoch's last batch always closes one, so the last
    point of an epoch says where the next one starts.
    """
    errors, epoch_start, last_seen, last_correct, last_epoch = [], 0, 0, 0.0, None
    for epoch, seen, accuracy in zip(epochs, samples_seen, accuracies):
        if epoch != last_epoch:
            epoch_start, last_correct, last_epoch = last_seen, 0.0, epoch
            window_start = epoch_start
        else:
            window_start = last_seen
        correct = (accuracy if accuracy is not None else math.nan) * (seen - epoch_start)
        examples = seen - window_start
        errors.append(1.0 - (correct - last_correct) / examples if examples > 0 else math.nan)
        last_seen, last_correct = seen, correct
    return np.clip(np.array(errors, dtype=float), 0.0, 1.0)


def history_losses(net):
    """The per-epoch training losses a network's record holds (to tell whose curve it is)."""
    return list((net.metadata.get("training", {}).get("history") or {}).get("train_loss", []))


def network_run_row(net, settings=None, dataset="", network=""):
    """What a run was, for its legend label: the network's shape, its dataset, its settings."""
    record = net.metadata.get("training", {})
    if settings is None:
        runs = record.get("runs") or [{}]
        settings = runs[-1].get("config", {}) if isinstance(runs[-1], dict) else {}
    if not dataset:
        recorded = record.get("dataset")
        dataset = recorded.get("name", "") if isinstance(recorded, dict) else ""
    return RunRow(id=None, status="", network=str(network or ""), layer_sizes=tuple(net.layer_sizes),
                  parameters=net.parameter_count, dataset=dataset, held_out_accuracy=None, held_out_set="",
                  seconds=None, epochs=record.get("epochs", 0), settings=dict(settings))


def run_labels(rows):
    """Legend labels naming what sets each run apart; a run like all the others reads "run N"."""
    known = [row if row is not None else RunRow(None, "", "", (), 0, "", None, "", None, 0) for row in rows]
    return [label or f"run {i + 1}" for i, label in enumerate(difference_labels(known))]


def _floats(values):
    return np.array([math.nan if value is None else value for value in values], dtype=float)


def stored_runs(store, run_ids):
    """[(RunRow, curves dict)] of runs in a RunsStore, in the order given (MnistbenchError names a missing one)."""
    rows = {row.id: row for row in store.runs()}
    missing = [run_id for run_id in run_ids if run_id not in rows]
    if missing:
        raise MnistbenchError(f"no run {missing[0]} in {store.path}")
    return [(rows[run_id], store.curves(run_id)) for run_id in run_ids]
