"""A session: the first start, datasets and the banner, the MNIST download, crash recovery.

A helper object the main window holds. On the first start the best bundled
network loads at once, so the inspector and digit pad work before any
training; where there is no training set a banner offers the download or a folder.
"""

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mnistbench.data.datasets import available_datasets, dataset_roots, inspect_folder, load_dataset
from mnistbench.errors import MnistbenchError
from mnistbench.gui.window import recovery
from mnistbench.netfile import load_network
from mnistbench.workflows.training_record import dataset_mismatch, find_evaluation_dataset
from mnistbench.workflows.workbench_state import describe_network, held_out_accuracy

logger = logging.getLogger(__name__)
MNIST_BYTES = 11_594_722
STARTUP_MAX_IMAGES = 100_000  # a part larger than this is loaded only when the user asks (docs/limits.md)


def best_bundled_network(folder, dataset=None):
    """The network file in ``folder`` with the highest held-out accuracy (any network if none says);
    with ``dataset``, one that fits it comes first (a digits network is no start for Fashion-MNIST)."""
    best, best_rank = None, (False, -1.0)
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    for path in files:
        try:
            net = load_network(path)
        except MnistbenchError:
            continue  # a README or another file beside the networks
        accuracy = held_out_accuracy(net)
        rank = (not dataset_mismatch(net, dataset), -0.5 if accuracy is None else accuracy)
        if rank > best_rank:
            best, best_rank = path, rank
    return best


class Session(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window, self.state = window, window.state
        self.locations = []  # DatasetLocation list, as found
        self.banner_dismissed = False
        d = window.downloader
        d.sig_progress.connect(window.training_panel.set_download_progress)
        d.sig_finished.connect(self._download_finished)
        d.sig_failed.connect(self._download_failed)
        window.banner.sig_dismissed.connect(self._banner_dismissed)

    def start(self, offer_recovery=True) -> None:
        """Find data, then restore a crashed session's network or load the best bundled one."""
        self.refresh_datasets()
        folder = self._startup_dataset_folder()
        if folder:
            self.use_dataset_folder(folder)
        if offer_recovery and self.offer_recovery():
            return
        if not self.load_bundled_network() and self.state.network is None:
            self.window.files.initialise_from_panel()

    def _startup_dataset_folder(self):
        """The folder the user chose last time; on a first start, the most complete digit dataset in the
        places the user set up for datasets (``MNISTBENCH_DATASETS``, downloads, imports).

        Nothing else is loaded unasked: not a folder that merely appeared elsewhere (the system's
        Fashion-MNIST), not one whose headers promise more than STARTUP_MAX_IMAGES a part (a 2 MB gzip
        that expands to 2 GB froze the start for seconds, and was then remembered), not a remembered
        folder whose headers are now refused.
        """
        remembered = str(self.window.settings.value("data/folder", "") or "")
        if remembered and Path(remembered).is_dir():
            problem = inspect_folder(remembered).problem
            if not problem:
                return remembered
            logger.warning("the dataset used last time is not loaded: %s", problem)
            return ""
        places = {root.resolve() for root in dataset_roots() if root.is_dir()}
        usable = [loc for loc in self.locations if not loc.problem and (loc.has_train or loc.has_test)
                  and loc.folder.resolve().parent in places
                  and max(loc.n_train, loc.n_test) <= STARTUP_MAX_IMAGES]
        usable.sort(key=lambda loc: (not loc.has_train, not loc.has_test, "fashion" in loc.name.lower(),
                                     -loc.n_train))
        return str(usable[0].folder) if usable else ""

    def load_bundled_network(self) -> bool:
        path = best_bundled_network(self.window.networks_dir, self.state.dataset)
        net = None if path is None else self.window.files.load(path)
        if net is not None:
            logger.info("loaded the bundled network %s: %s", path.name, describe_network(net))
        return net is not None

    def offer_recovery(self) -> bool:
        """Offer the network a crashed session left behind; True when restored."""
        try:
            net = recovery.read_recovery()
        except MnistbenchError as error:
            logger.warning("the last session's recovery file could not be read (%s): %s",
                           error, recovery.set_aside_unreadable())
            return self.offer_recovery()  # a file written beside it by an earlier session
        if net is None:
            return False
        answer = self.window.ask("Restore unsaved network?",
                                 f"The last session ended with a trained network that was not saved:\n"
                                 f"{describe_network(net)}\n\nRestore it?",
                                 QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        if answer != QMessageBox.Yes:
            recovery.clear_recovery()
            logger.info("discarded the recovered network")
            return False
        self.state.set_network(net, modified=True)
        self.window.files.follow_network(net)
        logger.info("restored the unsaved network of the last session: %s", describe_network(net),
                    extra={"success": True})
        return True

    # --- datasets -----------------------------------------------------------------
    def refresh_datasets(self) -> None:
        try:
            self.locations = available_datasets()
        except (MnistbenchError, OSError) as error:
            self.locations = []
            logger.error("cannot list datasets: %s", error)
        self.window.training_panel.set_datasets(self.locations)
        self.update_banner()

    def update_banner(self) -> None:
        dataset = self.state.dataset
        has_train = any(loc.has_train and not loc.problem for loc in self.locations)
        has_train = has_train or bool(dataset is not None and dataset.n_train)
        self.window.banner_bar.setVisible(not has_train and not self.banner_dismissed)
        self.window.banner.setVisible(not has_train and not self.banner_dismissed)

    def _banner_dismissed(self):
        self.banner_dismissed = True

    def choose_dataset_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Choose a folder of IDX files")
        if folder:
            self.use_dataset_folder(folder)

    def use_dataset_folder(self, folder) -> bool:
        """Load the dataset in ``folder``; the state tells the panels (see panel_wiring)."""
        QApplication.setOverrideCursor(Qt.WaitCursor)  # about half a second for 70,000 images
        try:
            dataset = load_dataset(Path(folder))
        except MnistbenchError as error:
            logger.error("%s", error)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.use_dataset(dataset, folder)
        network = self.state.network
        problem = dataset_mismatch(network, dataset) if network is not None else ""
        if problem:
            logger.warning("%s: its figures do not apply here; open a network trained on %s", problem,
                           dataset.name)
        return True

    def use_dataset(self, dataset, folder) -> None:
        """``dataset`` (loaded from ``folder``) becomes the current one; figures of the last one go."""
        if all(str(loc.folder) != str(folder) for loc in self.locations):
            self.locations = [*self.locations, inspect_folder(folder)]
            self.window.training_panel.set_datasets(self.locations)
        self.state.set_dataset(dataset, folder)
        self.window.status.set_accuracy("")
        self.update_banner()
        logger.info("dataset %s", dataset.describe())

    def match_network(self, net) -> None:
        """A network that does not fit the current dataset brings its own where present, else says so."""
        problem = dataset_mismatch(net, self.state.dataset)
        if not problem:
            return
        try:
            dataset, _ = find_evaluation_dataset(net)
        except MnistbenchError as error:
            dataset, problem = None, f"{problem} ({error})"
        if dataset is not None and not dataset_mismatch(net, dataset):
            self.use_dataset(dataset, dataset.source)
            logger.info("switched to %s, the dataset this network was trained on", dataset.name)
        else:
            logger.warning("%s, and its dataset is not here: its figures do not apply to %s", problem,
                           self.state.dataset.name)

    # --- MNIST download -------------------------------------------------------------
    def download_mnist(self) -> None:
        if self.window.downloader.running:
            return
        self.window.training_panel.set_download_progress(0, MNIST_BYTES, "")
        logger.info("downloading MNIST (11 MB) from its official mirrors…")
        self.window.downloader.start()

    def _download_finished(self, folder):
        self.window.training_panel.set_download_finished(f"MNIST is in {folder}")
        logger.info("downloaded MNIST into %s", folder, extra={"success": True})
        self.refresh_datasets()
        self.use_dataset_folder(folder)

    def _download_failed(self, message, cancelled):
        self.window.training_panel.set_download_finished(message)
        logger.log(logging.WARNING if cancelled else logging.ERROR, "%s", message)
