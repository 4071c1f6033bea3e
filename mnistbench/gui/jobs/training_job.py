"""Training off the GUI thread: a worker in a QThread, a controller on the GUI thread.

The worker turns the engine's callbacks into signals. Its signals connect only
to the controller, which lives on the GUI thread (its signals re-emit the
worker's reports, its ``@Slot`` methods end the job), so every relayed signal,
and everything connected to it, runs there; tests and panels listen to the
controller, never to the worker. Stop and pause go straight to
the engine's thread-safe ``TrainingControl`` and act within one batch.
"""

import time

from PySide6.QtCore import QObject, Signal, Slot

from mnistbench.engine.training import TrainingCallbacks, TrainingControl
from mnistbench.errors import MnistbenchError
from mnistbench.gui.jobs.job_thread import JobController
from mnistbench.workflows.cost_estimate import estimate_cost
from mnistbench.workflows.evaluation import evaluate_test_set
from mnistbench.workflows.snapshots import InEpochSnapshots
from mnistbench.workflows.training_run import train_and_record
from mnistbench.workflows.validation_split import training_data

BATCH_INTERVAL = 0.1  # seconds: batch reports cross to the GUI thread in bundles this often
ESTIMATE_SECONDS = 0.3  # the cost estimate's timing of real batches before each run


class TrainingWorker(QObject):
    """Runs one job in its thread: ``train_and_record`` (which also evaluates), or evaluate only.

    Batch reports travel in bundles (``sig_batches``) about 10 times a second:
    one queued signal per batch made the GUI thread take the GIL a thousand
    times a second and slowed training 3x on two cores. The controller relays
    the bundles as they are, for the same reason.
    """

    sig_batches = Signal(object)  # list of BatchReport, in order
    sig_evaluation = Signal(object)  # EvaluationReport
    sig_epoch = Signal(object)  # EpochReport (its .network is a copy)
    sig_snapshot = Signal(object)  # workflows Snapshot: a copy of the network inside a short run's first epoch
    sig_evaluated = Signal(object)  # workflows Evaluation of data never trained on (images included)
    sig_finished = Signal(object)  # TrainingResult
    sig_failed = Signal(str)  # one line for the log
    sig_message = Signal(str, str)  # (text, level) for the log
    sig_estimated = Signal(object)  # workflows CostEstimate of the run, before it trains
    sig_done = Signal()  # always last: the job has returned
    estimate_seconds = ESTIMATE_SECONDS  # how long the cost estimate times batches (0: no estimate)

    def __init__(self, net, dataset, config, control, save_recovery=None, batch_interval=BATCH_INTERVAL,
                 recorder=None):
        super().__init__()
        self._net, self._dataset, self._config = net, dataset, config
        self._recorder = recorder  # a RunRecorder keeping the run in the runs store, or None
        self._control, self._save_recovery = control, save_recovery
        self._batch_interval, self._pending, self._last_sent = batch_interval, [], 0.0
        self._snapshots = InEpochSnapshots(net, config.epochs, self.sig_snapshot.emit) if config is not None else None

    @Slot()
    def run(self):
        try:
            if self._config is None:  # evaluate only: the test half
                self.sig_evaluated.emit(evaluate_test_set(self._net, self._dataset))
            else:
                outcome = self._train()
                if outcome.evaluation is not None:
                    self.sig_evaluated.emit(outcome.evaluation)
                self.sig_finished.emit(outcome.result)
        except MnistbenchError as error:
            self.sig_failed.emit(str(error))
        except Exception as error:  # a bug: still one line, and the window lives on
            self.sig_failed.emit(f"training failed unexpectedly: {type(error).__name__}: {error}")
        finally:
            self.sig_done.emit()

    def _train(self):
        callbacks = TrainingCallbacks(on_batch=self._on_batch, on_evaluation=self._on_evaluation,
                                      on_epoch=self._on_epoch)
        data = training_data(self._dataset, self._config)
        if self.estimate_seconds:  # the cost before the run, timed here, off the GUI thread
            self.sig_estimated.emit(estimate_cost(self._net, data, self._config, test_images=self._dataset.n_test,
                                                  timing_seconds=self.estimate_seconds))
        try:
            return train_and_record(self._net, self._dataset, self._config, callbacks=callbacks,
                                    control=self._control, data=data, recorder=self._recorder)
        finally:
            self._send_batches()
            if self._recorder is not None and self._recorder.problem:  # the store failed, training did not
                self.sig_message.emit(self._recorder.problem, "warning")

    def _on_batch(self, report):
        if self._snapshots is not None:  # a copy at a few batches of epoch 1 (one comparison after it)
            self._snapshots(report)
        self._pending.append(report)
        if time.perf_counter() - self._last_sent >= self._batch_interval:
            self._send_batches()

    def _send_batches(self):
        if self._pending:
            self.sig_batches.emit(self._pending)
            self._pending = []
        self._last_sent = time.perf_counter()

    def _on_evaluation(self, report):
        self._send_batches()  # keep the order: the batches before it come first
        self.sig_evaluation.emit(report)

    def _on_epoch(self, report):
        self._send_batches()
        self.sig_epoch.emit(report)
        if self._save_recovery is None:
            return
        try:
            self._save_recovery(report.network)
        except (MnistbenchError, OSError) as error:
            self.sig_message.emit(f"could not write the recovery file: {error}", "warning")


class TrainingController(JobController):
    """GUI-thread owner of the worker thread; relays its signals and holds the stop/pause control."""

    sig_batches = Signal(object)  # list of BatchReport, in order, about 10 times a second
    sig_evaluation = Signal(object)  # EvaluationReport
    sig_epoch = Signal(object)  # EpochReport
    sig_snapshot = Signal(object)  # workflows Snapshot inside a short run's first epoch (a copy)
    sig_evaluated = Signal(object)  # workflows Evaluation (images included)
    sig_finished = Signal(object)  # TrainingResult; the thread has ended
    sig_failed = Signal(str)  # one line; the thread has ended
    sig_message = Signal(str, str)  # (text, level)
    sig_estimated = Signal(object)  # workflows CostEstimate of the run about to train
    sig_running_changed = Signal(bool)  # a job started (True) or ended (False)

    def __init__(self, parent=None, save_recovery=None, batch_interval=BATCH_INTERVAL):
        super().__init__(parent, TrainingControl())
        self._save_recovery, self._batch_interval = save_recovery, batch_interval
        self.network = None  # the network of the current or last job (trained in place)
        self.job = None  # "train" or "evaluate": what the current or last job does
        self.recorder = None  # the RunRecorder of the current or last training job (its run_id), or None
        self.estimate_seconds = ESTIMATE_SECONDS  # timing for the cost estimate before each run; 0: none

    def start(self, net, dataset, config, recorder=None):
        """Train ``net`` in place on ``dataset`` with ``config``, then evaluate its test set.

        ``recorder`` (a workflows RunRecorder) keeps the run in the runs store as it trains.
        """
        self._launch(net, dataset, config, recorder)

    def evaluate(self, net, dataset):
        """Evaluate ``net`` on the test set only (sig_evaluated, then the thread ends)."""
        self._launch(net, dataset, None)

    def _launch(self, net, dataset, config, recorder=None):
        if self.running:
            raise RuntimeError("a training job is already running")
        self.network, self.recorder = net, recorder
        self.job = "train" if config is not None else "evaluate"
        self._control = TrainingControl()
        recovery = self._save_recovery if config is not None else None
        worker = TrainingWorker(net, dataset, config, self._control, recovery, self._batch_interval, recorder)
        worker.estimate_seconds = self.estimate_seconds
        self._connect_worker(worker)
        self._start_thread(worker, "mnistbench-training")

    def _connect_worker(self, worker):
        # Reports pass signal to signal: Qt queues them to this thread and re-emits them
        # without a Python call in between (each one would take the GIL from training).
        worker.sig_batches.connect(self.sig_batches)
        worker.sig_evaluation.connect(self.sig_evaluation)
        worker.sig_epoch.connect(self.sig_epoch)
        worker.sig_snapshot.connect(self.sig_snapshot)
        worker.sig_evaluated.connect(self.sig_evaluated)
        worker.sig_message.connect(self.sig_message)
        worker.sig_estimated.connect(self.sig_estimated)
        worker.sig_finished.connect(self._on_finished)
        worker.sig_failed.connect(self._on_failed)
        worker.sig_done.connect(self._on_done)

    def stop(self):
        self._control.request_stop()

    def shutdown(self, timeout_ms=10000) -> bool:
        """Stop and wait for the thread (closing the window); True when it has ended."""
        self._control.request_stop()
        return self._end_thread(timeout_ms)

    @Slot(object)
    def _on_finished(self, result):
        self._outcome = ("finished", result)
