"""A worker's job in a QThread of its own: how the training and download controllers start and end one.

The worker is a QObject with a ``run`` slot; it moves to the new thread, so
its slot runs there and its signals reach GUI-thread objects queued.
"""

from PySide6.QtCore import QThread


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
