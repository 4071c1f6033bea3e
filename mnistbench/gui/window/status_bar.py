"""The status bar: where a run is, how fast it goes, how long it has left.

Reports only store the latest values; a 4 Hz timer updates the labels, so a
thousand batches a second cost the GUI thread almost nothing. The progress bar
counts whole percents: QProgressBar repaints at once, on the caller's thread
and inside Python, whenever its value changes.
"""

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from mnistbench.gui.widgets.elided_label import ElidedLabel

REFRESH_MS = 250  # 4 updates a second: live enough to read, and each one takes time from training


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class TrainingStatusBar(QStatusBar):
    """Epoch, batch, progress, time left, samples/s and the last accuracy of a run.

    ``summary_label`` is the compact read-out the main toolbar shows (epoch, percent, paused).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.paused_label = self._label("Training waits between batches: Resume (Ctrl+P) goes on")
        self.paused_label.setText("<b>paused</b>")
        self.summary_label = QLabel(toolTip="Where the run is (the status bar has the details)")
        self.message_label = ElidedLabel()  # messages cut with "…" beside the figures, whole in the tooltip
        self.addWidget(self.message_label, 1)
        self._message_timer = QTimer(self, singleShot=True)
        self._message_timer.timeout.connect(self.clearMessage)
        self.epoch_label = self._label("Epoch of the run")
        self.batch_label = self._label("Mini-batch within the epoch")
        self.progress = QProgressBar(maximumWidth=160, textVisible=True, toolTip="Progress of the whole run")
        self.progress.setRange(0, 100)
        self.addPermanentWidget(self.progress)
        self.time_label = self._label("Time left, estimated from the speed so far")
        self.speed_label = self._label("Training speed (samples per second, this epoch)")
        self.accuracy_label = self._label("Last accuracy: validation if known, else training")
        self._epochs, self._started, self._batch = 1, None, None
        self._paused_at, self._paused_total = None, 0.0  # time.monotonic() of the pause; seconds paused
        self._accuracy_text, self._dirty = "", False
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.set_idle()

    def showMessage(self, text: str, timeout: int = 0) -> None:
        """Like QStatusBar's, in a label that cuts the text to the room left by the run's figures."""
        self.message_label.set_full_text(text)
        if timeout:
            self._message_timer.start(timeout)
        else:
            self._message_timer.stop()

    def clearMessage(self) -> None:
        self._message_timer.stop()
        self.message_label.set_full_text("")

    def currentMessage(self) -> str:
        return self.message_label.full_text

    def _label(self, tip):
        label = QLabel(toolTip=tip)
        self.addPermanentWidget(label)
        return label

    def set_idle(self):
        self.progress.setVisible(False)
        self.paused_label.setVisible(False)
        self._paused_at = None
        for label in (self.epoch_label, self.batch_label, self.time_label, self.speed_label, self.summary_label):
            label.setText("")

    def start_run(self, epochs: int) -> None:
        self._epochs, self._started, self._batch = max(1, epochs), time.monotonic(), None
        self._paused_at, self._paused_total = None, 0.0
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.epoch_label.setText(f"Epoch 1/{self._epochs}")
        self.summary_label.setText(f"Epoch 1/{self._epochs}")
        self.timer.start()

    def set_paused(self, paused: bool) -> None:
        """Show "paused"; the time-left estimate leaves the pause out."""
        if paused and self._paused_at is None:
            self._paused_at = time.monotonic()
        elif not paused and self._paused_at is not None:
            self._paused_total += time.monotonic() - self._paused_at
            self._paused_at = None
        self.paused_label.setVisible(paused)
        self._dirty = True
        self.refresh()

    def is_paused(self) -> bool:
        return self._paused_at is not None

    def elapsed(self) -> float:
        """Seconds the run has trained, pauses left out."""
        now = time.monotonic()
        paused = self._paused_total + (now - self._paused_at if self._paused_at is not None else 0.0)
        return now - self._started - paused

    def add_batch(self, report) -> None:
        """Keep the latest report; the timer shows it."""
        self._batch, self._dirty = report, True

    def add_evaluation(self, report) -> None:
        self._accuracy_text = f"validation accuracy {100 * (1 - report.validation_error):.1f} %"
        self._dirty = True

    def add_epoch(self, report) -> None:
        accuracy = report.validation_accuracy if report.validation_accuracy is not None \
            else report.train_accuracy
        kind = "validation" if report.validation_accuracy is not None else "training"
        self._accuracy_text, self._dirty = f"{kind} accuracy {100 * accuracy:.1f} %", True

    def set_accuracy(self, text: str) -> None:
        self._accuracy_text = text
        self.accuracy_label.setText(text)

    def clear_accuracy(self) -> None:
        """The accuracy shown belonged to another network or dataset."""
        self.set_accuracy("")

    def finish_run(self, message: str = "") -> None:
        self.timer.stop()
        self.refresh()
        self.set_idle()
        if message:
            self.showMessage(message, 8000)

    def fraction_done(self) -> float:
        report = self._batch
        if report is None:
            return 0.0
        done = (report.epoch - 1) * report.batches_per_epoch + report.batch
        return min(1.0, done / (self._epochs * report.batches_per_epoch))

    def refresh(self) -> None:
        """Repaint from the stored values (the timer calls this 4 times a second)."""
        if not self._dirty:
            return
        self._dirty = False
        self.accuracy_label.setText(self._accuracy_text)
        report = self._batch
        if report is None:
            return
        fraction = self.fraction_done()
        self.epoch_label.setText(f"Epoch {report.epoch}/{self._epochs}")
        self.batch_label.setText(f"Batch {report.batch}/{report.batches_per_epoch}")
        self.progress.setValue(int(100 * fraction))
        self.summary_label.setText(f"Epoch {report.epoch}/{self._epochs} · {int(100 * fraction)} %"
                                   + (" · paused" if self.is_paused() else ""))
        if self._started is not None and fraction > 0:
            elapsed = self.elapsed()
            self.time_label.setText(f"{format_duration(elapsed * (1 - fraction) / fraction)} left")
        self.speed_label.setText(f"{report.samples_per_second:,.0f} samples/s")


def _preview():
    from PySide6.QtWidgets import QMainWindow

    from mnistbench.engine.training import BatchReport
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    window = QMainWindow()
    bar = TrainingStatusBar()
    window.setStatusBar(bar)
    bar.start_run(3)
    bar.add_batch(BatchReport(2, 300, 938, 90000, 0.12, 0.96, 21000.0, 1e-3))
    bar.set_accuracy("validation accuracy 96.1 %")
    window.resize(900, 80)
    run_preview(window)


if __name__ == "__main__":
    _preview()
