"""Sweeps from the window: the dialog, the sweep controller, and the Runs dock that shows them.

One run at a time on the machine: a sweep waits for training to end and
training waits for the sweep (two runs would slow each other on 2 cores).
The sweep's base settings are the training panel's; its dataset is the one
loaded; its runs land in the window's runs store and the Runs dock.
"""

import logging

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from mnistbench.errors import ConfigError
from mnistbench.gui.jobs.sweep_job import SweepController
from mnistbench.gui.panels.runs.sweep_dialog import SweepDialog

logger = logging.getLogger(__name__)


class SweepActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.controller = SweepController(self)
        self.dialog = None  # the open sweep dialog (tests fill it in)
        bar = window.runs_panel.sweep_bar
        bar.sig_pause_requested.connect(self.pause)
        bar.sig_resume_requested.connect(self.resume)
        bar.sig_cancel_requested.connect(self.controller.cancel)
        self.controller.sig_progress.connect(bar.show_progress)
        self.controller.sig_running_changed.connect(bar.set_running)
        self.controller.sig_point_done.connect(self._point_done)
        self.controller.sig_finished.connect(self._finished)
        self.controller.sig_failed.connect(self._failed)

    @property
    def running(self) -> bool:
        return self.controller.running

    def may_close(self) -> bool:
        """Closing the window: True when no sweep runs, or the user agrees to cancel it (No keeps the
        window open and the sweep running)."""
        if not self.controller.running:
            return True
        sweep_id = self.controller.sweep.id
        answer = self.window.ask(
            "A sweep is running",
            f"{self.controller.describe()}.\n\nCancel the sweep and close the workbench? The points "
            f"trained so far are kept: a cancelled sweep resumes when it is started again (the same "
            f"settings in Sweep…, or `mnistbench sweep --resume {sweep_id}`).",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def open_dialog(self) -> None:
        """The Sweep… action: plan a sweep from the training panel's settings on the loaded dataset."""
        w = self.window
        store, dataset = w.run_tracking.store, w.state.dataset
        if store is None:
            logger.error("sweeps need the runs store, which could not be opened (see the log)")
            return
        if dataset is None or not dataset.n_train:
            logger.error("a sweep needs a dataset with a training set: download MNIST or choose a folder")
            return
        try:
            config = w.training_panel.training_form.config()
        except ConfigError as error:
            logger.error("%s", error)
            return
        architecture = w.training_panel.network_form.architecture()
        source = w.state.dataset_folder or dataset.name
        self.dialog = SweepDialog(dataset, source, architecture, config, w, store)
        self.dialog.sig_start_requested.connect(self.start)
        self.dialog.show()
        w.docks["runs"].show()
        w.docks["runs"].raise_()

    @Slot(object, object)
    def start(self, sweep, estimates=None) -> bool:
        w = self.window
        if self.controller.running:
            logger.warning("a sweep is already running: cancel it first")
            return False
        if w.controller.running:
            logger.warning("training is running: start the sweep once it has ended (one run at a time)")
            return False
        self.controller.start(w.run_tracking.store, sweep, w.state.dataset, estimates)
        logger.info("sweep %s: %d runs on %s, one after another (the window stays usable)", sweep.id,
                    len(sweep.points), w.state.dataset.name)
        return True

    def pause(self) -> None:
        if self.controller.running:
            self.controller.pause()
            self.window.runs_panel.sweep_bar.set_paused(True)
            logger.info("sweep paused (between batches)")

    def resume(self) -> None:
        self.controller.resume()
        self.window.runs_panel.sweep_bar.set_paused(False)

    @Slot(int)
    def _point_done(self, run_id) -> None:
        self.window.runs_panel.refresh_runs()

    @Slot(str)
    def _finished(self, line) -> None:
        self.window.runs_panel.refresh_runs()
        logger.info("%s", line, extra={"success": "cancelled" not in line})

    @Slot(str)
    def _failed(self, line) -> None:
        self.window.runs_panel.refresh_runs()
        logger.error("%s", line)
