"""How the main window connects panels and runs training (a mixin of MainWindow).

The contract in docs/architecture.md, in one place: reports go to the curves
and the status bar, the test-set evaluation to the confusion panel, every
network to each panel's ``set_network``, and chosen inputs to the inspector
and the imagine panel. During training the panels get each epoch's copy; a
panel out of view (a tab behind another, a closed dock, a minimised window)
gets only the latest network, when it comes into view: while training, the
GUI thread's work is time taken from training (both need Python's GIL).
"""

import numpy as np

from mnistbench.data.datasets import Dataset
from mnistbench.gui.window.network_document import describe_network

NETWORK_PANELS = ("inspector", "image_browser", "digit_pad", "imagine", "own_digits")
INPUT_SOURCES = ("image_browser", "digit_pad", "imagine")


class WiringMixin:
    # --- guarded access to panels ----------------------------------------------------
    def call_panel(self, name, method, *args):
        """Call ``panels[name].method(*args)``; a missing method is a guard, a failure a log line."""
        function = getattr(self.panels.get(name), method, None)
        if function is None:
            if f"{name}.{method}" not in self.guards:
                self.guards.append(f"{name}.{method}")
            return None
        try:
            return function(*args)
        except Exception as error:  # a panel's bug must not stop training or the window
            if name != "log":
                self.log(f"{name} panel: {method} failed ({type(error).__name__}: {error})", "error")
            return None

    def connect_panel(self, name, signal, slot):
        emitter = getattr(self.panels.get(name), signal, None)
        if emitter is None:
            self.guards.append(f"{name}.{signal}")
            return
        emitter.connect(slot)

    def wire_panels(self):
        for signal, slot in (("sig_initialise_requested", self.initialise_network),
                             ("sig_load_requested", self.open_dialog), ("sig_save_requested", self.save),
                             ("sig_save_as_requested", self.save_as),
                             ("sig_train_requested", self.start_training),
                             ("sig_pause_requested", self.pause_training),
                             ("sig_resume_requested", self.resume_training),
                             ("sig_stop_requested", self.stop_training),
                             ("sig_dataset_chosen", self.use_dataset_folder),
                             ("sig_download_requested", self.download_mnist),
                             ("sig_download_cancel_requested", self.downloader.cancel),
                             ("sig_problem", lambda text: self.log(text, "error"))):
            self.connect_panel("training", signal, slot)
        for source in INPUT_SOURCES:
            self.connect_panel(source, "sig_input_chosen",
                               lambda x, label, s=source: self.show_input(x, label, s))
        self.connect_panel("confusion", "sig_image_chosen", self.show_test_image)
        self.connect_panel("confusion", "sig_evaluate_requested", self.evaluate)
        self.connect_panel("digit_pad", "sig_digit_kept",
                           lambda x, label: self.call_panel("own_digits", "add_digit", x, label))
        self.connect_panel("own_digits", "sig_fine_tune_requested", self.fine_tune)
        self._out_of_view, self._waiting_networks = set(), {}
        for name, dock in self.docks.items():
            dock.visibilityChanged.connect(lambda visible, name=name: self._panel_visibility_changed(name, visible))
        self.document.sig_changed.connect(self.distribute_network)
        self.document.sig_state_changed.connect(self._document_state_changed)
        c = self.controller
        c.sig_batches.connect(self._on_batches)
        c.sig_evaluation.connect(self._on_evaluation)
        c.sig_epoch.connect(self._on_epoch)
        c.sig_evaluated.connect(self._on_evaluated)
        c.sig_finished.connect(self._on_finished)
        c.sig_failed.connect(self._on_failed)
        c.sig_message.connect(self.log)
        c.sig_running_changed.connect(self._on_running_changed)

    # --- networks and inputs ---------------------------------------------------------
    def distribute_network(self, net):
        """Panels in view show ``net`` now; the others when they come into view."""
        for name in NETWORK_PANELS:
            if name in self._out_of_view:
                self._waiting_networks[name] = net
            else:
                self._waiting_networks.pop(name, None)
                self.call_panel(name, "set_network", net)

    def _panel_visibility_changed(self, name, visible):
        """Track what is in view; panels that can skip work out of view (curves) are told."""
        (self._out_of_view.discard if visible else self._out_of_view.add)(name)
        if hasattr(self.panels[name], "set_in_view"):
            self.panels[name].set_in_view(visible)
        if visible and name in self._waiting_networks:
            self.call_panel(name, "set_network", self._waiting_networks.pop(name))

    def _document_state_changed(self):
        doc = self.document
        self.setWindowTitle(f"{doc.title()} — mnistbench")
        summary = describe_network(doc.net) if doc.net is not None else "no network"
        state = " (trained, not saved)" if doc.modified else ""
        self.call_panel("training", "set_network_summary", f"{doc.title()}: {summary}{state}")
        if doc.net is not None and not self.controller.running:  # an epoch's copy has the same shape
            self.call_panel("training", "show_network", doc.net)

    def show_input(self, x, true_label, source):
        self.call_panel("inspector", "set_input", x, true_label)
        if source != "imagine":
            self.call_panel("imagine", "set_input", x, true_label)

    def show_test_image(self, index):
        self.call_panel("image_browser", "show_index", int(index))
        self.docks["image_browser"].raise_()
        self.docks["inspector"].raise_()

    # --- training --------------------------------------------------------------------
    def train_from_panel(self):
        self.call_panel("training", "_train_clicked")

    def start_training(self, config, dataset=None) -> bool:
        """Train (a copy of) the current network; a loaded or trained one continues."""
        dataset = dataset or self.dataset
        if self.controller.running:
            self.log("training is already running", "warning")
            return False
        if dataset is None or not dataset.n_train:
            self.log("no training set: download MNIST or choose a folder of IDX files", "error")
            self.banner_bar.show()
            self.banner.show()
            return False
        if self.document.net is None:
            self.initialise_from_panel()
        net = self.document.net.copy()
        continued = bool(net.metadata.get("training", {}).get("epochs"))
        self.call_panel("curves", "start_run", continued, config.epochs)
        self.status.start_run(config.epochs)
        self.controller.start(net, dataset, config)
        self.log(f"{'continuing' if continued else 'training'} {describe_network(net)} on "
                 f"{dataset.name} ({dataset.n_train:,} images): {config.optimizer}, learning rate "
                 f"{config.learning_rate:g}, batch {config.batch_size}, {config.epochs} epochs")
        return True

    def fine_tune(self, images, labels):
        """Train on the user's own digits, validated on the current test set when there is one."""
        images = np.asarray(images)
        if images.dtype != np.uint8:
            images = np.clip(np.round(images.reshape(len(images), 28, 28) * 255), 0, 255).astype(np.uint8)
        labels = np.asarray(labels, dtype=np.int64).reshape(-1)
        test = (self.dataset.test_images, self.dataset.test_labels) if self.dataset else \
            (np.empty((0, 28, 28), np.uint8), np.empty(0, np.int64))
        own = Dataset("your digits", images, labels, *test, tuple("0123456789"), "your digits")
        try:
            config = self.training_panel.training_form.config()
        except Exception as error:
            self.log(str(error), "error")
            return
        self.start_training(config.replace(validation_size=0), own)

    def toggle_pause(self):
        (self.resume_training if self.controller.paused else self.pause_training)()

    def pause_training(self):
        if self.controller.running:
            self.controller.pause()
            self.call_panel("training", "set_training_state", "paused")
            self.log("paused (between batches)")

    def resume_training(self):
        if self.controller.paused:
            self.controller.resume()
            self.call_panel("training", "set_training_state", "running")
            self.log("resumed")

    def stop_training(self):
        if self.controller.running:
            self.controller.stop()
            self.log("stopping after this batch…")

    def stop_and_adopt(self):
        """Stop now and keep the partly trained network (closing during training)."""
        if self.controller.shutdown():
            self.status.finish_run()
            if self.controller.network is not None:
                self.document.mark_trained(self.controller.network)
        else:
            self.log("training did not stop within 10 s", "error")

    def evaluate(self):
        dataset, net = self.dataset, self.document.net
        if self.controller.running:
            self.log("wait for training to finish before evaluating", "warning")
        elif net is None or dataset is None or not dataset.n_test:
            self.log("evaluating needs a network and a dataset with a test set", "warning")
        else:
            self.controller.evaluate(net.copy(), dataset)
            self.call_panel("training", "set_training_state", "evaluating")

    # --- controller reports ----------------------------------------------------------
    def _on_batches(self, reports):
        self.call_panel("curves", "add_batches", reports)
        self.status.add_batch(reports[-1])

    def _on_evaluation(self, report):
        self.call_panel("curves", "add_evaluation", report)
        self.status.add_evaluation(report)

    def _on_epoch(self, report):
        self.call_panel("curves", "add_epoch", report)
        self.status.add_epoch(report)
        self.document.mark_trained(report.network)
        validation = "" if report.validation_accuracy is None else \
            f", validation loss {report.validation_loss:.4f}, accuracy {100 * report.validation_accuracy:.2f} %"
        self.log(f"epoch {report.epoch}/{report.epochs}: training loss {report.train_loss:.4f}, "
                 f"accuracy {100 * report.train_accuracy:.2f} %{validation} ({report.seconds:.1f} s)")

    def _on_evaluated(self, evaluation):
        self.call_panel("confusion", "set_results", evaluation.images, evaluation.true_labels,
                        evaluation.predicted_labels, evaluation.confidences, evaluation.class_names)
        self.status.set_accuracy(f"test accuracy {100 * evaluation.accuracy:.2f} %")
        self.log(f"test set: accuracy {100 * evaluation.accuracy:.2f} % on "
                 f"{len(evaluation.true_labels):,} images", "success")

    def _on_finished(self, result):
        self.call_panel("curves", "end_run")
        self.document.mark_trained(self.controller.network)
        self.status.finish_run(result.message)
        levels = {"diverged": "warning", "stopped": "info"}
        self.log(result.message, levels.get(result.stop_reason, "success"))

    def _on_failed(self, message):
        self.call_panel("curves", "end_run")
        self.status.finish_run()
        self.log(message, "error")

    def _on_running_changed(self, running):
        state = ("running" if self.controller.job == "train" else "evaluating") if running else "idle"
        self.call_panel("training", "set_training_state", state)
        for name in ("open", "initialise", "train", "evaluate"):
            self.actions_by_name[name].setEnabled(not running)
        for name in ("pause", "stop"):
            self.actions_by_name[name].setEnabled(running)
