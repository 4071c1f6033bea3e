"""Every connection between the panels, the state and the window's helpers, in one place.

The contract in docs/architecture.md: the panels' requests go to the window's
helpers; the state's changes go to the panels. Each network reaches every
network panel's ``set_network`` — but while training sends a copy per epoch,
a panel out of view (a tab behind another, a closed dock, a minimised window)
gets only the latest one, when it comes into view: the GUI thread's work is
time taken from training (both need Python's GIL), and this keeps the
window's cost to training at or below 1.10× (docs/architecture.md).
"""

import logging

import numpy as np
from PySide6.QtCore import Qt

from mnistbench.gui.panels.time_machine.snapshot_evaluation import SnapshotEvaluations
from mnistbench.errors import MnistbenchError
from mnistbench.gui.panels.curves.run_curves import stored_runs
from mnistbench.gui.widgets.export_dialog import source_of

logger = logging.getLogger(__name__)


class NetworkDelivery:
    """Hands each new network to the panels in view now, and to the others when they are shown."""

    def __init__(self, state, receivers):
        self.state, self.receivers = state, receivers  # panel name -> its set_network
        self.waiting = {}  # panel name -> the latest network it has not seen
        state.events.network.connect(self.deliver)
        state.events.panel_in_view.connect(self._panel_in_view)

    def deliver(self, net) -> None:
        for name, set_network in self.receivers.items():
            if self.state.is_in_view(name):
                self.waiting.pop(name, None)
                set_network(net)
            else:
                self.waiting[name] = net

    def _panel_in_view(self, name, in_view) -> None:
        if in_view and name in self.waiting:
            self.receivers[name](self.waiting.pop(name))


def connect_window(w) -> None:
    """Connect the panels of MainWindow ``w`` to its state and helpers."""
    _connect_training_panel(w)
    _connect_inputs(w)
    _connect_state(w)
    _connect_time_machine(w)
    w.confusion_panel.sig_evaluate_requested.connect(w.training.evaluate)
    w.confusion_panel.sig_image_chosen.connect(w.show_test_image)
    w.digit_pad_panel.sig_digit_kept.connect(w.own_digits_panel.add_digit)
    w.own_digits_panel.sig_fine_tune_requested.connect(w.training.fine_tune)
    w.backprop_panel.sig_network_changed.connect(lambda net: adopt_stepped_network(w, net))
    w.banner.sig_download_requested.connect(w.session.download_mnist)
    _connect_runs_panel(w)
    w.training.show_running(w.controller.running)  # Pause and Stop start disabled
    w.banner.sig_choose_folder_requested.connect(w.session.choose_dataset_folder)
    for panel in (w.inspector_panel, w.digit_pad_panel):  # drops they do not open themselves
        panel.sig_files_dropped.connect(w.files.open_dropped, Qt.QueuedConnection)
    for name, dock in w.docks.items():
        dock.visibilityChanged.connect(lambda visible, name=name: w.state.set_panel_in_view(name, visible))


def _connect_training_panel(w) -> None:
    panel = w.training_panel
    panel.sig_initialise_requested.connect(w.files.initialise_network)
    panel.sig_load_requested.connect(w.files.open_dialog)
    panel.sig_save_requested.connect(w.files.save)
    panel.sig_save_as_requested.connect(w.files.save_as)
    panel.sig_train_requested.connect(w.training.start)
    panel.sig_pause_requested.connect(w.training.pause)
    panel.sig_resume_requested.connect(w.training.resume)
    panel.sig_stop_requested.connect(w.training.stop)
    panel.sig_dataset_chosen.connect(w.session.use_dataset_folder)
    panel.sig_download_requested.connect(w.session.download_mnist)
    panel.sig_download_cancel_requested.connect(w.downloader.cancel)
    panel.sig_problem.connect(lambda text: logger.error("%s", text))  # a setting the engine refused
    panel.sig_lr_finder_requested.connect(w.lr_finder.run)


def _connect_runs_panel(w) -> None:
    """The Runs dock lists the window's runs store; a finished run or sweep point shows in it."""
    panel = w.runs_panel
    panel.set_store(w.run_tracking.store)
    panel.sig_open_network.connect(w.files.open_network)
    panel.sig_sweep_requested.connect(w.sweeps.open_dialog)
    panel.sig_runs_selected.connect(lambda ids: show_chosen_runs(w, w.run_tracking.store, ids))
    w.controller.sig_running_changed.connect(lambda running: panel.refresh_runs())
    w.state.events.dataset.connect(panel.set_dataset)


def _connect_inputs(w) -> None:
    """An input chosen in a panel becomes the state's input; the inspector and imagine show it."""
    w.image_browser_panel.sig_input_chosen.connect(
        lambda x, label: w.state.set_input(x, label, "image_browser"))
    w.digit_pad_panel.sig_input_chosen.connect(lambda x, label: w.state.set_input(x, label, "digit_pad"))
    w.imagine_panel.sig_input_chosen.connect(lambda x, label: w.state.set_input(x, label, "imagine"))


def _connect_state(w) -> None:
    events = w.state.events
    w.network_delivery = NetworkDelivery(w.state, {
        "inspector": w.inspector_panel.set_network, "image_browser": w.image_browser_panel.set_network,
        "digit_pad": w.digit_pad_panel.set_network, "imagine": w.imagine_panel.set_network,
        "own_digits": w.own_digits_panel.set_network})
    skip_work_out_of_view = {"curves": w.curves_panel.set_in_view, "imagine": w.imagine_panel.set_in_view}

    def panel_in_view(name, in_view):  # Qt counts a tab behind another as visible: these are told
        if name in skip_work_out_of_view:
            skip_work_out_of_view[name](in_view)

    skip_work_out_of_view["backprop"] = w.backprop_panel.set_in_view
    w.backprop_delivery = NetworkDelivery(w.state, {"backprop": w.backprop_panel.set_network})
    events.input.connect(lambda chosen: w.backprop_panel.set_input(chosen.x, chosen.true_label))
    events.panel_in_view.connect(panel_in_view)
    events.document.connect(w.show_document_state)
    events.document.connect(lambda: w.curves_panel.set_export_source(source_of(w.state.path, w.state.network)))
    events.document.connect(lambda: set_export_sources(w))
    events.document.connect(lambda: w.inspector_panel.set_document(w.state.path))
    # the document's network (not a moment shown for display): its own curve, or its recorded history replayed
    events.network.connect(lambda _shown: w.curves_panel.set_network(w.state.network))
    events.dataset.connect(lambda dataset: show_dataset(w, dataset))
    events.input.connect(lambda chosen: show_input(w, chosen))


def _connect_time_machine(w) -> None:
    """The film records every training run; a chosen moment is shown in the panels for display only."""
    panel, controller, events = w.time_machine_panel, w.controller, w.state.events
    controller.sig_running_changed.connect(lambda running: start_film(w, running))
    controller.sig_snapshot.connect(panel.add_snapshot)
    controller.sig_epoch.connect(panel.add_epoch)
    panel.sig_snapshot_chosen.connect(w.state.show_snapshot)
    events.snapshot.connect(panel.show_state_snapshot)
    events.replaced.connect(panel.clear)
    events.document.connect(lambda: panel.set_export_source(source_of(w.state.path, w.state.network)))
    w.snapshot_evaluations = SnapshotEvaluations(w.state, w.confusion_panel.show_evaluation)
    controller.sig_evaluated.connect(w.snapshot_evaluations.remember)
    events.snapshot.connect(w.snapshot_evaluations.show)
    events.replaced.connect(w.snapshot_evaluations.forget)


def start_film(w, running) -> None:
    """A training run starts from the state's network (training works on a copy of it): the film's first frame."""
    if running and w.controller.job == "train" and w.state.network is not None:
        if w.state.snapshot is not None:  # the run continues from the network, not from the moment shown
            w.time_machine_panel.return_to_now()
        w.time_machine_panel.start_run(w.state.network.copy())
def show_chosen_runs(w, store, run_ids) -> None:
    """Runs chosen in the Runs dock (``sig_runs_selected``) overlaid on the curves; none chosen, none shown."""
    if store is None:
        logger.warning("no runs store: the chosen runs cannot be shown")
        return
    try:
        w.curves_panel.show_runs(stored_runs(store, list(run_ids)))
    except MnistbenchError as error:
        logger.error("cannot show the chosen runs: %s", error)


def show_input(w, chosen) -> None:
    w.inspector_panel.set_input(chosen.x, chosen.true_label)
    if chosen.source != "imagine":  # imagine's own pictures would replace the input it explains
        w.imagine_panel.set_input(chosen.x, chosen.true_label)


def show_dataset(w, dataset) -> None:
    """The test images to the browser (training images if there is no test set), names and mean digit."""
    w.training_panel.select_dataset(w.state.dataset_folder)
    images, labels = ((dataset.test_images, dataset.test_labels) if dataset.n_test
                      else (dataset.train_images, dataset.train_labels))
    w.image_browser_panel.set_dataset(images, labels, list(dataset.class_names))
    w.inspector_panel.set_class_names(list(dataset.class_names))
    w.backprop_panel.set_class_names(list(dataset.class_names))
    w.backprop_panel.set_examples(images, labels)
    source = dataset.train_images if dataset.n_train else images
    mean = source[:10000].reshape(-1, 784).mean(axis=0) / 255.0  # "imagine" can start from it
    w.imagine_panel.set_mean_image(np.asarray(mean))
    w.inspector_panel.set_input_mean(np.asarray(mean))  # ranks first-layer weights by their effect
    w.training_panel.set_dataset_message("" if dataset.n_train else
                                         "This dataset has no training set: download MNIST or choose another folder.")


def set_export_sources(w) -> None:
    """The network and run that name and title the panels' exports."""
    source = source_of(w.state.path, w.state.network)
    for panel in (w.confusion_panel, w.inspector_panel, w.imagine_panel):
        panel.set_export_source(source)


def adopt_stepped_network(w, net) -> None:
    """The network "Apply this step" made: the window's network becomes it, trained and not saved."""
    if w.controller.running:
        logger.warning("training is running: the step was not applied")
        return
    if w.state.snapshot is not None:
        logger.warning("the time machine shows an earlier moment: go back to Now to apply a step")
        return
    w.state.mark_trained(net)
