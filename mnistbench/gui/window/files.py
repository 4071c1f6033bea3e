"""Network files: open, save, save as, recent files, a fresh network, and what a drop opens.

A helper object the main window holds. It asks before unsaved training is
thrown away, and turns every file problem into one log line (``netfile``
raises ``MnistbenchError`` with the file's name in it).
"""

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mnistbench.bundled import is_bundled
from mnistbench.engine.network import Network
from mnistbench.errors import MnistbenchError
from mnistbench.gui.jobs.background_task import BackgroundTask
from mnistbench.gui.window import recovery
from mnistbench.netfile import DEFAULT_EXTENSION, load_network, save_network
from mnistbench.workflows.training_record import last_run_config
from mnistbench.workflows.workbench_state import describe_network

logger = logging.getLogger(__name__)
NETWORK_FILTER = "Network files (*.nn *.net *.bin);;All files (*)"
NETWORK_SUFFIXES = (".nn", ".net", ".bin")
INIT_WORK_PER_WEIGHT = 30  # drawing a random weight (~28 ns) costs about 30 batched multiply-adds' time


class NetworkFiles(QObject):
    """``open_network(path)``, ``save()``, ``save_as()``, ``initialise_network(architecture)``, …"""

    def __init__(self, window):
        super().__init__(window)
        self.window, self.state = window, window.state
        self.initialising = BackgroundTask("initialising a network", self)  # a huge one takes seconds
        self.initialising.sig_done.connect(self._initialised)
        self.initialising.sig_failed.connect(self._initialise_failed)
        self.initialising.sig_busy_changed.connect(self._show_initialising)

    # --- opening -------------------------------------------------------------------
    def open_dialog(self) -> None:
        start = str(self.state.path.parent) if self.state.path else str(self.window.networks_dir)
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a network", start, NETWORK_FILTER)
        if path:
            self.open_network(path)

    def open_network(self, path) -> bool:
        """Load a network file (asking first about unsaved work); errors become one log line."""
        if self.window.controller.running:
            logger.warning("%s: cannot open a network while training runs; stop it first", path)
            return False
        if not self.confirm_discard("opening another network"):
            return False
        net = self.load(path)
        if net is not None:
            logger.info("opened %s: %s", path, describe_network(net), extra={"success": True})
        return net is not None

    def load(self, path):
        """The network in ``path`` becomes the current one; None (and one log line) on error."""
        try:
            net = load_network(path)
        except MnistbenchError as error:
            logger.error("%s", error)
            return None
        self.state.set_network(net, path)
        self.window.status.set_accuracy("")  # the last figure was another network's
        self.follow_network(net)
        return net

    def follow_network(self, net) -> None:
        """A network just opened or restored: the form takes its last run's settings, and its dataset
        comes along when the current one does not fit (see Session.match_network)."""
        try:
            config = last_run_config(net)
        except MnistbenchError as error:
            logger.warning("%s; the training form keeps its settings", error)
            config = None
        if config is not None:
            self.window.training_panel.training_form.show_config(config)
        self.window.session.match_network(net)

    @Slot(list)
    def open_dropped(self, paths) -> None:
        """Dropped files open as networks, folders become the dataset (called after the drop returned)."""
        for path in paths:
            if Path(path).is_dir() and Path(path).suffix.lower() not in NETWORK_SUFFIXES:  # x.nn/: refused
                self.window.session.use_dataset_folder(path)
            else:
                self.open_network(path)

    def fill_recent_menu(self) -> None:
        menu = self.window.actions.recent_menu
        menu.clear()
        for path in self.state.recent:
            action = menu.addAction(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_network(p))
        if not self.state.recent:
            menu.addAction("(none yet)").setEnabled(False)

    # --- saving --------------------------------------------------------------------
    def save(self) -> bool:
        """Save over the file it came from, except a bundled network's: that goes to Save As."""
        path = self.state.path
        return self.save_as() if path is None or is_bundled(path) else self._save_to(path)

    def save_as(self) -> bool:
        if self.state.network is None:
            logger.warning("no network to save")
            return False
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the network", str(self.suggested_path()),
                                              NETWORK_FILTER)
        return self._save_to(path) if path else False

    def suggested_path(self) -> Path:
        """Where Save As starts: the file's own place, but the documents folder for a new or bundled one."""
        path = self.state.path
        if path is not None and not is_bundled(path):
            return path
        folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
        name = f"{path.stem}-trained" if path is not None else "network"
        return Path(folder) / f"{name}{DEFAULT_EXTENSION}"

    def _save_to(self, path) -> bool:
        if self.state.network is None:
            logger.warning("no network to save")
            return False
        path = Path(path)
        if path.suffix == "":
            path = path.with_suffix(DEFAULT_EXTENSION)
        if is_bundled(path):
            logger.error("%s is a bundled network and is never overwritten: save under another name or "
                         "folder", path)
            return False
        try:
            save_network(self.state.network, path)
        except MnistbenchError as error:
            self._save_failed(error)
            return False
        self.state.mark_saved(path)
        recovery.clear_recovery()
        logger.info("saved %s", path, extra={"success": True})
        return True

    def _save_failed(self, error) -> None:
        """The network stays open and unsaved; trained work also goes to the recovery file. One line says so."""
        kept = ""
        if self.state.modified:
            try:
                kept = f"; a copy is in {recovery.write_recovery(self.state.network)}"
            except MnistbenchError as rescue_error:
                kept = f"; no recovery copy either ({rescue_error})"
        logger.error("%s. The network is still open, unsaved%s: use File → Save As… to save it "
                     "in a folder you can write to", error, kept)

    def confirm_discard(self, doing: str) -> bool:
        """Before ``doing`` replaces a trained, unsaved network: Save, Discard or Cancel."""
        if not self.state.modified:
            return True
        answer = self.window.ask("Unsaved network", f"The trained network is not saved.\n"
                                 f"Save it before {doing}?",
                                 QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return self.save()
        if answer == QMessageBox.Discard:
            recovery.clear_recovery()
            logger.info("discarded the unsaved network")
            return True
        return False

    # --- a fresh network -------------------------------------------------------------
    def initialise_from_panel(self) -> bool:
        return self.initialise_network(self.window.training_panel.network_form.architecture())

    def initialise_network(self, architecture: dict) -> bool:
        """A fresh network from a NetworkForm architecture (a refused setting is one log line)."""
        if self.window.controller.running or not self.confirm_discard("initialising a new one"):
            return False
        architecture = dict(architecture)
        sizes = [int(n) for n in architecture.pop("layer_sizes")]
        weights = sum(n_in * n_out for n_in, n_out in zip(sizes, sizes[1:]))
        self.initialising.submit(lambda: Network(sizes, **architecture), weights * INIT_WORK_PER_WEIGHT)
        return True  # done now for a small network; a huge one (1.7 s at 784-65535-128-10) follows

    @Slot(object)
    def _initialised(self, net) -> None:
        self.state.set_network(net)
        logger.info("initialised a new network: %s", describe_network(net))

    @Slot(bool)
    def _show_initialising(self, busy) -> None:
        if busy:
            logger.info("initialising a large network…")
            self.window.setCursor(Qt.BusyCursor)
        else:
            self.window.unsetCursor()

    @Slot(str)
    def _initialise_failed(self, line) -> None:
        logger.error("cannot initialise: %s", line)
