"""A worker's job in a QThread of its own: how the training, sweep and download controllers start and end one.

The worker is a QObject with a ``run`` slot; it moves to the new thread, so
its slot runs there and its signals reach GUI-thread objects queued.
"""

from PySide6.QtCore import QObject, QThread, Slot


def thread_for(worker, name):
    """A new QThread named ``name`` that runs ``worker.run`` once started.

    Connect the worker's signals before ``start()``: the first ones could be missed.
    """
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    return thread


def end_thread(thread, timeout_ms=None) -> bool:
    """Leave the thread's event loop once its job has returned, and wait; True when it has ended.

    A running job must be asked to stop first (its stop or cancel flag).
    """
    thread.quit()
    return thread.wait() if timeout_ms is None else thread.wait(timeout_ms)


class JobController(QObject):
    """GUI-thread owner of one worker thread at a time, with a stop/pause ``TrainingControl``.

    A subclass declares ``sig_finished``, ``sig_failed(str)`` and ``sig_running_changed(bool)``,
    connects its worker's ``sig_finished`` to a slot that sets ``self._outcome`` and the worker's
    ``sig_failed``/``sig_done`` to ``_on_failed``/``_on_done``. The outcome is told only once
    the thread has ended, so a listener may start the next job at once.
    """

    def __init__(self, parent=None, control=None):
        super().__init__(parent)
        self._thread = self._worker = None
        self._control, self._outcome = control, None

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def paused(self) -> bool:
        return self.running and self._control.paused

    def pause(self):
        if self.running:
            self._control.pause()

    def resume(self):
        self._control.resume()

    def _start_thread(self, worker, name):
        """Run ``worker`` (its signals already connected) in a new thread named ``name``."""
        self._worker, self._outcome = worker, None
        self._thread = thread_for(worker, name)
        self._thread.start()
        self.sig_running_changed.emit(True)

    def _end_thread(self, timeout_ms) -> bool:
        """Wait for a job already told to stop (closing the window); True when it has ended."""
        if not self.running:
            return True
        ended = end_thread(self._thread, timeout_ms)
        if ended:
            self._release_thread()
        return ended

    @Slot(str)
    def _on_failed(self, message):
        self._outcome = ("failed", message)

    @Slot()
    def _on_done(self):
        """The job returned: end the thread first, then tell how it ended."""
        if self._thread is None or self.sender() is not self._worker:
            return  # a job ended by shutdown() already; its late signal is stale
        end_thread(self._thread)
        self._release_thread()
        outcome, self._outcome = self._outcome, None
        if outcome and outcome[0] == "finished":
            self.sig_finished.emit(outcome[1])
        elif outcome:
            self.sig_failed.emit(outcome[1])

    def _release_thread(self):
        self._thread = self._worker = None
        self.sig_running_changed.emit(False)
