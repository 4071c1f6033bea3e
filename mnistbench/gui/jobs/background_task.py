"""Long Qt-free work off the GUI thread: the latest request runs in Qt's thread pool, its result returns here.

A panel that may need more than ~100 ms for something (the whole test set's
predictions on a 784-65535-10 network, "imagine" on a large network,
initialising a huge one) hands a zero-argument, Qt-free function to its
``BackgroundTask``. Only the latest request counts: one submitted while another
runs replaces any still waiting, and a result that a newer request has made
stale is dropped. ``sig_busy_changed`` drives the owner's busy indicator.

The pool thread never emits on the task itself: a window closed meanwhile may
have deleted it (emitting on it then crashed the process). It emits on one
relay that lives as long as the application; on the GUI thread the relay hands
the result to the task if the task still exists. So everything connected to
``sig_done`` and ``sig_failed`` runs on the GUI thread (tests wait on those).
"""

import logging

from functools import cache

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal, Slot
from shiboken6 import isValid

from mnistbench.errors import MnistbenchError

logger = logging.getLogger(__name__)
QUICK_WORK = 2e7  # multiply-adds: a few ms in a batch, ~20 ms one input at a time; more goes to the pool
BUSY_DELAY_MS = 100  # the busy indicator shows only for work still running after this long (no flicker)


def network_work(net, n_inputs=1) -> float:
    """Multiply-adds for ``n_inputs`` forward passes of ``net`` (its weights' count per input)."""
    return float(n_inputs) * sum(int(W.size) for W in net.weights)


class _ResultRelay(QObject):
    """Pool threads emit here; it lives as long as the application, on the GUI thread."""

    sig_result = Signal(object, int, object, str)  # (task, token, result, error line or "")

    @Slot(object, int, object, str)
    def deliver(self, task, token, result, error):
        if isValid(task):  # its owner (a closed window or panel) may have deleted it meanwhile
            task._relay(token, result, error)
        else:
            logger.debug("%s finished after its owner was deleted", task.name)


@cache
def _result_relay() -> _ResultRelay:
    relay = _ResultRelay(QCoreApplication.instance())
    relay.sig_result.connect(relay.deliver)
    return relay


class BackgroundTask(QObject):
    """``submit(job)``: run ``job()`` off the GUI thread; ``sig_done(result)`` or ``sig_failed(line)`` after."""

    sig_done = Signal(object)  # the job's return value (GUI thread)
    sig_failed = Signal(str)  # one line: the job raised (GUI thread)
    sig_busy_changed = Signal(bool)  # True once a job has run BUSY_DELAY_MS, False when none is left

    def __init__(self, name, parent=None):
        super().__init__(parent)
        self.name = name  # in messages: what the work is ("predicting the test set")
        self._token = 0  # the latest request's number
        self._running = False
        self._waiting = None  # (token, job) submitted while another ran
        self._busy_shown = False
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_DELAY_MS, timeout=self._show_busy)
        self._results = _result_relay()

    @property
    def busy(self) -> bool:
        return self._running or self._waiting is not None

    def submit(self, job, multiply_adds=None) -> None:
        """Run ``job()`` (Qt-free, no arguments) after the one running, replacing any waiting one.

        ``multiply_adds`` estimates its cost: below ``QUICK_WORK`` it runs at once, here (no flicker
        of a busy indicator for a small network); without an estimate it always goes to the pool.
        """
        self._token += 1
        if multiply_adds is not None and multiply_adds < QUICK_WORK and not self.busy:
            self._run_here(job)
            return
        self._waiting = (self._token, job)
        if not self._running:
            self._start_waiting()
        if not self._busy_shown:
            self._busy_timer.start()

    def cancel(self) -> None:
        """Forget the waiting job and ignore the running one's result (it still runs to its end)."""
        self._token += 1
        self._waiting = None
        if not self._running:
            self._end_busy()

    def _run_here(self, job):
        try:
            result = job()
        except MnistbenchError as failure:
            self.sig_failed.emit(str(failure))
            return
        self.sig_done.emit(result)

    def _start_waiting(self):
        token, job = self._waiting
        self._waiting, self._running = None, True
        QThreadPool.globalInstance().start(lambda: self._run(token, job))

    def _run(self, token, job):
        """In a pool thread: the job, then one signal with its result or its one-line failure."""
        try:
            result, error = job(), ""
        except MnistbenchError as failure:
            result, error = None, str(failure)
        except Exception as failure:  # a bug: one line in the log, the window lives on
            logger.exception("%s failed", self.name)
            result, error = None, f"{self.name} failed: {type(failure).__name__}: {failure}"
        self._results.sig_result.emit(self, token, result, error)

    def _relay(self, token, result, error):
        self._running = False
        if self._waiting is not None:
            self._start_waiting()
        if token == self._token and error:
            self.sig_failed.emit(error)
        elif token == self._token:
            self.sig_done.emit(result)
        if not self.busy:
            self._end_busy()

    @Slot()
    def _show_busy(self):
        if self.busy and not self._busy_shown:
            self._busy_shown = True
            self.sig_busy_changed.emit(True)

    def _end_busy(self):
        self._busy_timer.stop()
        if self._busy_shown:
            self._busy_shown = False
            self.sig_busy_changed.emit(False)
