"""A sweep off the GUI thread: its points trained one after another in a worker's QThread.

The worker runs the Qt-free ``workflows.sweep.run_sweep`` (each point an
ordinary recorded run) and reports through signals; the controller lives on
the GUI thread, keeps the ``SweepClock`` (time left for the whole sweep,
learning this machine's pace as points finish) and relays what the window
shows. Pause and cancel go to the engine's ``TrainingControl``, between batches.
"""

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from mnistbench.engine.reports import TrainingCallbacks
from mnistbench.engine.training import TrainingControl
from mnistbench.errors import MnistbenchError
from mnistbench.gui.jobs.job_thread import JobController
from mnistbench.workflows.sweep import SweepClock, estimate_points, pending_points, point_label, run_sweep

PROGRESS_INTERVAL = 0.25  # seconds between progress reports from the worker


@dataclass(frozen=True)
class SweepProgress:
    done: int  # points finished in this session
    points: int  # points this session trains
    fraction: float  # of the whole session, 0-1
    seconds_left: float
    label: str  # the point training now ("lr 0.01, hidden 128")


class SweepWorker(QObject):
    """Estimates the pending points, then trains them in turn (``run_sweep``)."""

    sig_estimated = Signal(object)  # {point index: estimated seconds}
    sig_point_progress = Signal(int, float)  # (point index, fraction of its epochs done)
    sig_point_done = Signal(int, object, float)  # (point index, run id, seconds it trained)
    sig_finished = Signal(object)  # list of the point indices trained
    sig_failed = Signal(str)  # one line
    sig_done = Signal()  # always last

    def __init__(self, store, sweep, dataset, control, estimates=None):
        super().__init__()
        self._store, self._sweep, self._dataset, self._control = store, sweep, dataset, control
        self._estimates, self._last_sent = estimates, 0.0

    @Slot()
    def run(self):
        try:
            pending = pending_points(self._store, self._sweep)
            self.sig_estimated.emit(self._estimates or estimate_points(self._sweep, self._dataset, pending))
            trained = run_sweep(self._store, self._sweep, self._dataset, control=self._control,
                                callbacks_for=self._callbacks_for, on_point=self._on_point)
            self.sig_finished.emit(trained)
        except MnistbenchError as error:
            self.sig_failed.emit(str(error))
        except Exception as error:  # a bug: one line, the window lives on
            self.sig_failed.emit(f"the sweep failed unexpectedly: {type(error).__name__}: {error}")
        finally:
            self.sig_done.emit()

    def _callbacks_for(self, index):
        def on_batch(report):
            now = time.perf_counter()
            if now - self._last_sent >= PROGRESS_INTERVAL:
                self._last_sent = now
                done = (report.epoch - 1 + report.batch / report.batches_per_epoch)
                self.sig_point_progress.emit(index, done / max(1, self._epochs(index)))
        return TrainingCallbacks(on_batch=on_batch)

    def _epochs(self, index):
        return self._sweep.point_settings(self._sweep.points[index])[1].epochs

    def _on_point(self, index, outcome, run_id):
        self.sig_point_done.emit(index, run_id, float(outcome.result.seconds))


class SweepController(JobController):
    """GUI-thread owner of a sweep's thread: start, pause, resume, cancel; progress with time left."""

    sig_progress = Signal(object)  # SweepProgress
    sig_point_done = Signal(int)  # run id of a finished point (the table reads it again)
    sig_finished = Signal(str)  # one line: how the sweep ended; the thread has ended
    sig_failed = Signal(str)  # one line; the thread has ended
    sig_running_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent, TrainingControl())
        self._clock, self._indices = None, []
        self.sweep = None
        self.progress = None  # the last SweepProgress reported, or None before the first

    def start(self, store, sweep, dataset, estimates=None) -> None:
        """Train ``sweep``'s pending points on ``dataset`` (a Dataset), recorded in ``store``."""
        if self.running:
            raise RuntimeError("a sweep is already running")
        self.sweep, self._control, self._store = sweep, TrainingControl(), store
        self._indices = pending_points(store, sweep)
        self._clock = self.progress = None
        worker = SweepWorker(store, sweep, dataset, self._control, estimates)
        worker.sig_estimated.connect(self._on_estimated)
        worker.sig_point_progress.connect(self._on_point_progress)
        worker.sig_point_done.connect(self._on_point_done)
        worker.sig_finished.connect(self._on_finished)
        worker.sig_failed.connect(self._on_failed)
        worker.sig_done.connect(self._on_done)
        self._start_thread(worker, "mnistbench-sweep")

    def cancel(self) -> None:
        """Stop after the current batch; the points already trained stay (the same sweep resumes)."""
        self._control.resume()
        self._control.request_stop()

    def shutdown(self, timeout_ms=10000) -> bool:
        """Cancel and wait for the thread (closing the window); True when it has ended."""
        self.cancel()
        return self._end_thread(timeout_ms)

    @Slot(object)
    def _on_estimated(self, estimates):
        self._clock = SweepClock({i: estimates[i] for i in self._indices if i in estimates})
        self._report(None, 0.0)

    @Slot(int, float)
    def _on_point_progress(self, index, fraction):
        self._report(index, fraction)

    @Slot(int, object, float)
    def _on_point_done(self, index, run_id, seconds):
        if self._clock is not None:
            self._clock.point_done(index, seconds)
        self._report(None, 0.0)
        self.sig_point_done.emit(int(run_id) if run_id is not None else -1)

    def _report(self, index, fraction):
        if self._clock is None or not self._indices:
            return
        done = len(self._clock.actual)
        left = self._clock.seconds_left(index, fraction)
        label = point_label(self.sweep.points[index]) if index is not None else ""
        overall = min(1.0, (done + (fraction if index is not None else 0.0)) / len(self._indices))
        self.progress = SweepProgress(done, len(self._indices), overall, left, label)
        self.sig_progress.emit(self.progress)

    def describe(self) -> str:
        """What the running sweep is doing, in a sentence: "sweep-1c04… (9 points): 2 of 9 trained, now lr 0.01"."""
        if not self.running:
            return "no sweep is running"
        progress, points = self.progress, len(self._indices)
        done = f"{progress.done} of {progress.points} trained" if progress else f"{points} to train"
        now = f", now {progress.label}" if progress and progress.label else ""
        paused = " (paused)" if self.paused else ""
        return f"{self.sweep.id} ({len(self.sweep.points)} points){paused}: {done}{now}"

    @Slot(object)
    def _on_finished(self, trained):
        left = pending_points(self._store, self.sweep)  # a cancelled point is not done
        done = len(self._indices) - len(left)
        self._outcome = ("finished", f"sweep {self.sweep.id}: {done} of {len(self._indices)} points trained"
                         + (f"; cancelled — starting it again trains the {len(left)} left" if left else ""))
