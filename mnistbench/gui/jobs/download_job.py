"""The MNIST download in a thread, with progress and Cancel relayed to the GUI thread.

Same pattern as training: a worker in a QThread calls ``download_mnist`` and
emits signals; a controller on the GUI thread re-emits them (signal to
signal) and holds the cancel flag that ``download_mnist`` polls between chunks.
"""

import threading

from PySide6.QtCore import QObject, Signal, Slot

from mnistbench.data.download import DownloadCancelled, download_mnist
from mnistbench.errors import MnistbenchError
from mnistbench.gui.jobs.job_thread import end_thread, thread_for


class DownloadWorker(QObject):
    sig_progress = Signal(object, object, str)  # (bytes done, bytes total, file name); ints > 2**31
    sig_finished = Signal(str)  # the dataset folder
    sig_failed = Signal(str, bool)  # (one line, cancelled?)
    sig_done = Signal()

    def __init__(self, cancel_event, download=download_mnist):
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

    def __init__(self, parent=None, download=download_mnist):
        super().__init__(parent)
        self._download = download
        self._thread = self._worker = None
        self._cancel = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self):
        if self.running:
            return
        self._cancel = threading.Event()
        self._worker = DownloadWorker(self._cancel, self._download)
        self._thread = thread_for(self._worker, "mnistbench-download")
        self._worker.sig_progress.connect(self.sig_progress)  # signal to signal: queued, no Python in between
        self._worker.sig_finished.connect(self.sig_finished)
        self._worker.sig_failed.connect(self.sig_failed)
        self._worker.sig_done.connect(self._on_done)
        self._thread.start()

    def cancel(self):
        self._cancel.set()

    def shutdown(self, timeout_ms=5000) -> bool:
        if not self.running:
            return True
        self._cancel.set()
        ended = end_thread(self._thread, timeout_ms)
        if ended:
            self._thread = self._worker = None
        return ended

    @Slot()
    def _on_done(self):
        if self._thread is not None and self.sender() is self._worker:  # else ended by shutdown()
            end_thread(self._thread)
            self._thread = self._worker = None
