"""The running sweep under the table: which point, progress, time left for the whole sweep, pause, cancel."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from mnistbench.workflows.cost_estimate import format_duration


class SweepBar(QWidget):
    sig_pause_requested = Signal()  # the Pause button while running
    sig_resume_requested = Signal()  # the same button while paused
    sig_cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.paused = False
        self.label = QLabel("sweep")
        self.label.setMinimumWidth(10)  # a long point label must not widen the dock
        self.bar = QProgressBar(minimum=0, maximum=100, toolTip="The whole sweep")
        self.pause_button = QPushButton("Pause", toolTip="Pause the sweep between batches, or go on")
        self.pause_button.clicked.connect(self._pause_clicked)
        self.cancel_button = QPushButton("Cancel", toolTip="Stop the sweep after this batch; the runs "
                                         "done stay, and starting the same sweep again trains the rest")
        self.cancel_button.clicked.connect(self.sig_cancel_requested.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.pause_button)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)

    def set_running(self, running: bool) -> None:
        self.setVisible(running)
        self.set_paused(False)
        if running:
            self.bar.setValue(0)
            self.label.setText("sweep: estimating…")

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.pause_button.setText("Resume" if paused else "Pause")

    def show_progress(self, progress) -> None:
        """A SweepProgress: the bar counts whole percents (each change repaints at once)."""
        percent = int(100 * progress.fraction)
        if percent != self.bar.value():
            self.bar.setValue(percent)
        now = f", now {progress.label}" if progress.label else ""
        text = f"sweep {progress.done}/{progress.points} done{now}; about {format_duration(progress.seconds_left)} left"
        self.label.setText(text)
        self.label.setToolTip(text)
        self.bar.setFormat(f"%p% · {format_duration(progress.seconds_left)} left")

    def _pause_clicked(self):
        (self.sig_resume_requested if self.paused else self.sig_pause_requested).emit()
