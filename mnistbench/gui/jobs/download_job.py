"""The MNIST download in a thread, with progress and Cancel relayed to the GUI thread.

Same pattern as training: a worker in a QThread calls ``download_mnist`` and
emits signals; a controller on the GUI thread re-emits them (signal to
signal) and holds the cancel flag that ``download_mnist`` polls between chunks.
Cancel also shuts the open connection down (``Transfers.interrupt``), so a read
blocked on a silent mirror returns at once; closing the window does the same
and waits for the thread to end, so it is never destroyed while running.
"""

import functools
import threading

from PySide6.QtCore import QObject, Signal, Slot

from mnistbench.data.download import DownloadCancelled, Transfers, download_mnist
from mnistbench.errors import MnistbenchError
from mnistbench.gui.jobs.job_thread import end_thread, thread_for


class DownloadWorker(QObject):
    sig_progress = Signal(object, object, str)  # (bytes done, bytes total, file name); ints > 2**31
    sig_finished = Signal(str)  # the dataset folder
    sig_failed = Signal(str, bool)  # (one line, cancelled?)
    sig_done = Signal()

    def __init__(self, cancel_event, download):
        super().__init__()
        self._cancel, self._download = cancel_event, download

    @Slot()
    def run(self):
        try:
            folder = self._download(progress=self.sig_progress.emit, cancel=self._cancel.is_set)
            self.sig_finished.emit(str(folder))
        except DownloadCancelled as error:
            self.sig_failed.emit(str(error), True)
        except MnistbenchError as error:
            self.sig_failed.emit(str(error), False)
        except Exception as error:  # never let a bug take the window down
            self.sig_failed.emit(f"download failed: {type(error).__name__}: {error}", False)
        finally:
            self.sig_done.emit()


class DownloadController(QObject):
    """``start()`` the download, ``cancel()`` it; listen to the relayed signals."""

    sig_progress = Signal(object, object, str)  # (bytes done, bytes total, file name)
    sig_finished = Signal(str)  # folder of the downloaded dataset
    sig_failed = Signal(str, bool)  # (one line, cancelled?)

    def __init__(self, parent=None, download=None):
        super().__init__(parent)
        self._download = download  # None: download_mnist, whose blocked reads Cancel interrupts
        self._thread = self._worker = None
        self._cancel, self._transfers = threading.Event(), Transfers()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self):
        if self.running:
            return
        self._cancel, self._transfers = threading.Event(), Transfers()
        download = self._download or functools.partial(download_mnist, transfers=self._transfers)
        self._worker = DownloadWorker(self._cancel, download)
        self._thread = thread_for(self._worker, "mnistbench-download")
        self._worker.sig_progress.connect(self.sig_progress)  # signal to signal: queued, no Python in between
        self._worker.sig_finished.connect(self.sig_finished)
        self._worker.sig_failed.connect(self.sig_failed)
        self._worker.sig_done.connect(self._on_done)
        self._thread.start()

    def cancel(self):
        """Stop now: the flag for between chunks, and the connection shut for a blocked read."""
        self._cancel.set()
        self._transfers.interrupt()

    def shutdown(self, timeout_ms=None) -> bool:
        """Cancel and wait for the thread to end (by default as long as it takes: a connection being
        opened cannot be interrupted, but its timeout bounds it); True when it has ended."""
        if not self.running:
            return True
        self.cancel()
        ended = end_thread(self._thread, timeout_ms)
        if ended:
            self._thread = self._worker = None
        return ended

    @Slot()
    def _on_done(self):
        if self._thread is not None and self.sender() is self._worker:  # else ended by shutdown()
            end_thread(self._thread)
            self._thread = self._worker = None
