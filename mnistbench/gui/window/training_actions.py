"""Training from the window: train, fine-tune on your digits, pause/resume/stop, evaluate, and the reports.

A helper object the main window holds. The controller's relayed reports go
to the curves, the status bar, the state (each epoch's network copy) and the
log; its running flag enables the actions that make sense.
"""

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, Slot

from mnistbench.bundled import is_bundled
from mnistbench.gui.panels.curves.run_curves import network_run_row
from mnistbench.gui.panels.network_fit import fit_problem
from mnistbench.gui.window.fine_tuning_actions import FineTuningActions
from mnistbench.gui.window.menus import give_escape_to_stop
from mnistbench.gui.window.toolbar import show_pause_state
from mnistbench.workflows.evaluation import seen_warning
from mnistbench.workflows.training_record import note_started_from
from mnistbench.workflows.workbench_state import describe_network

logger = logging.getLogger(__name__)
MESSAGE_LEVELS = {"info": logging.INFO, "success": logging.INFO, "warning": logging.WARNING,
                  "error": logging.ERROR}  # the controller's sig_message levels


class TrainingActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window, self.state, self.controller = window, window.state, window.controller
        c = self.controller
        c.sig_batches.connect(self._on_batches)
        c.sig_evaluation.connect(self._on_evaluation)
        c.sig_epoch.connect(self._on_epoch)
        c.sig_evaluated.connect(self._on_evaluated)
        c.sig_finished.connect(self._on_finished)
        c.sig_failed.connect(self._on_failed)
        c.sig_message.connect(self._on_message)
        c.sig_running_changed.connect(self.show_running)
        self.fine_tuning = FineTuningActions(window, self)
        self._evaluating = None  # the state's network an evaluate job scores (the job has a copy)
        self._scored = None  # (network, dataset) the status bar's test accuracy belongs to
        self._last_evaluation = None  # the Evaluation the current job sent (None before it does)
        window.state.events.network.connect(self._forget_stale_accuracy)
        window.state.events.dataset.connect(self._forget_stale_accuracy)
        c.sig_estimated.connect(self._on_estimated)

    def train_from_panel(self) -> None:
        """The Train action: the training panel's settings, as its Train button would."""
        self.window.training_panel.request_training()

    def start(self, config, dataset=None) -> bool:
        """Train (a copy of) the current network; a loaded or trained one continues."""
        dataset = dataset or self.state.dataset
        if self.controller.running:
            logger.warning("training is already running")
            return False
        if self.window.sweeps.running:
            logger.warning("a sweep is running: train once it has ended or is cancelled (one run at a time)")
            return False
        if dataset is None or not dataset.n_train:
            logger.error("no training set: download MNIST or choose a folder of IDX files")
            self.window.banner_bar.show()
            self.window.banner.show()
            return False
        if self.state.network is None:
            self.window.files.initialise_from_panel()
        if self.state.network is None or self.window.files.initialising.busy:
            logger.warning("the new network is still being initialised: train once it is ready")
            return False
        problem = fit_problem(self.state.network, len(dataset.class_names))
        if problem:
            logger.error("cannot train %s on %s: %s", describe_network(self.state.network), dataset.name, problem)
            return False
        net = self.state.network.copy()
        self._leave_bundled_file(net)
        self.fine_tuning.pending = self._last_evaluation = None
        self._forget_accuracy()
        continued = bool(net.metadata.get("training", {}).get("epochs"))
        recorder = self.window.run_tracking.recorder_for(dataset, net, config)  # its run id known now
        row = network_run_row(net, config.describe(), dataset.name, self.state.path)
        self.window.curves_panel.start_run(continued, config.epochs,
                                           replace(row, id=recorder.run_id if recorder is not None else None))
        self.window.status.start_run(config.epochs)
        self.controller.start(net, dataset, config, recorder)
        logger.info("%s %s on %s (%s images): %s, learning rate %g, batch %d, %d epochs",
                    "continuing" if continued else "training", describe_network(net), dataset.name,
                    f"{dataset.n_train:,}", config.optimizer, config.learning_rate, config.batch_size,
                    config.epochs)
        return True

    def _leave_bundled_file(self, net) -> None:
        """Training a bundled network makes a new, untitled one whose record says where it came from."""
        path = self.state.path
        if path is None:
            return
        note_started_from(net, f"bundled network {path.stem}" if is_bundled(path) else str(path))
        if is_bundled(path):
            self.state.set_network(self.state.network)  # untitled: Save then asks where
            logger.info("training a copy of the bundled network %s: it stays as shipped, and Save will "
                        "ask where to keep the new one", path.stem)

    def fine_tune(self, images, labels) -> bool:
        """Fine-tune on the user's digits, asking first (``fine_tuning_actions``)."""
        return self.fine_tuning.fine_tune(images, labels)

    # --- the test accuracy shown belongs to the current network and dataset -----------------
    def _forget_accuracy(self) -> None:
        self._scored = None
        self.window.status.clear_accuracy()

    def _forget_stale_accuracy(self, *_) -> None:
        if self._scored is not None and (self._scored[0] is not self.state.network
                                         or self._scored[1] is not self.state.dataset):
            self._forget_accuracy()

    # --- pause, resume, stop, evaluate ----------------------------------------------------
    def toggle_pause(self) -> None:
        (self.resume if self.controller.paused else self.pause)()

    def pause(self) -> None:
        if self.controller.running:
            self.controller.pause()
            self.window.training_panel.set_training_state("paused")
            self.window.status.set_paused(True)
            show_pause_state(self.window.actions, True)
            logger.info("paused (between batches)")

    def resume(self) -> None:
        if self.controller.paused:
            self.controller.resume()
            self.window.training_panel.set_training_state("running")
            self.window.status.set_paused(False)
            show_pause_state(self.window.actions, False)
            logger.info("resumed")

    def stop(self) -> None:
        if self.controller.running:
            self.controller.stop()
            logger.info("stopping after this batch…")

    def stop_and_adopt(self) -> None:
        """Stop now and keep the partly trained network (closing during training)."""
        if not self.controller.shutdown():
            logger.error("training did not stop within 10 s")
            return
        self.window.status.finish_run()
        if self.controller.network is not None:
            self.state.mark_trained(self.controller.network)

    def evaluate(self) -> None:
        dataset, net = self.state.dataset, self.state.network
        if self.controller.running:
            logger.warning("wait for training to finish before evaluating")
        elif net is None or dataset is None or not dataset.n_test:
            logger.warning("evaluating needs a network and a dataset with a test set")
        elif fit_problem(net, len(dataset.class_names)):
            self.window.confusion_panel.show_unavailable(fit_problem(net, len(dataset.class_names)))
            logger.warning("cannot evaluate on %s: %s", dataset.name, fit_problem(net, len(dataset.class_names)))
        else:
            self._evaluating = net
            self.controller.evaluate(net.copy(), dataset)
            self.window.training_panel.set_training_state("evaluating")

    # --- the controller's reports ------------------------------------------------------------
    @Slot(object)
    def _on_batches(self, reports):
        self.window.curves_panel.add_batches(reports)
        self.window.status.add_batch(reports[-1])

    @Slot(object)
    def _on_evaluation(self, report):
        self.window.curves_panel.add_evaluation(report)
        self.window.status.add_evaluation(report)

    @Slot(object)
    def _on_epoch(self, report):
        self.window.curves_panel.add_epoch(report)
        self.window.status.add_epoch(report)
        self.state.mark_trained(report.network)
        validation = "" if report.validation_accuracy is None else \
            f", validation loss {report.validation_loss:.4f}, accuracy {100 * report.validation_accuracy:.2f} %"
        logger.info("epoch %d/%d: training loss %.4f, accuracy %.2f %%%s (%.1f s)", report.epoch, report.epochs,
                    report.train_loss, 100 * report.train_accuracy, validation, report.seconds)

    @Slot(object)
    def _on_evaluated(self, evaluation):
        """The figures name their data, and say so when the network trained on some of it."""
        self.window.confusion_panel.show_evaluation(evaluation)
        self._last_evaluation = evaluation
        self._scored = (self.controller.network if self.controller.job == "train" else self._evaluating,
                        self.state.dataset)
        name = self.state.dataset.name if self.state.dataset is not None else "the"
        warning, unseen = seen_warning(evaluation), evaluation.unseen()
        self.window.status.set_accuracy(
            f"{name} test accuracy {100 * evaluation.accuracy:.2f} %" + (
                f" ({100 * unseen.accuracy:.2f} % on the {unseen.count:,} not trained on)" if warning else ""))
        logger.info("%s test set: accuracy %.2f %% on %s images", name, 100 * evaluation.accuracy,
                    f"{evaluation.count:,}", extra={"success": True})
        if warning:
            logger.warning("%s", warning)

    @Slot(object)
    def _on_finished(self, result):
        self.window.curves_panel.end_run()
        self.state.mark_trained(self.controller.network)
        self.window.run_tracking.run_trained(self.controller.network, self.controller.recorder)
        self.window.status.finish_run(result.message)
        level = logging.WARNING if result.stop_reason == "diverged" else logging.INFO
        logger.log(level, "%s", result.message, extra={"success": result.stop_reason not in ("diverged", "stopped")})
        self.fine_tuning.finished(self._last_evaluation)

    @Slot(str)
    def _on_failed(self, message):
        self.fine_tuning.pending = None
        self.window.curves_panel.end_run()
        self.window.status.finish_run()
        logger.error("%s", message)

    @Slot(object)
    def _on_estimated(self, cost):
        """The run's estimated time and memory, timed on this machine before it trains."""
        logger.info("%s", cost.describe())
        self.window.status.showMessage(cost.describe(), 15000)

    @Slot(str, str)
    def _on_message(self, text, level):
        logger.log(MESSAGE_LEVELS[level], "%s", text, extra={"success": level == "success"})

    @Slot(bool)
    def show_running(self, running: bool) -> None:
        """Enable the actions that make sense while a job runs, or while none does."""
        state = ("running" if self.controller.job == "train" else "evaluating") if running else "idle"
        self.window.training_panel.set_training_state(state)
        actions = self.window.actions
        for action in (actions.open, actions.initialise, actions.train, actions.evaluate):
            action.setEnabled(not running)
        for action in (actions.pause, actions.stop):
            action.setEnabled(running)
        give_escape_to_stop(self.window, running)
        if not running:
            show_pause_state(actions, False)
