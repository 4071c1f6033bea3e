"""Starting a session: datasets, the MNIST download, the bundled network, crash recovery.

A mixin of MainWindow. On the first start the best bundled network loads at
once, so the inspector and digit pad work before any training; where there is
no training set a banner offers the download or a folder.
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mnistbench.data.datasets import available_datasets, inspect_folder, load_dataset
from mnistbench.errors import MnistbenchError
from mnistbench.gui.window import recovery
from mnistbench.gui.window.network_document import describe_network, held_out_accuracy
from mnistbench.netfile import load_network


def best_bundled_network(folder):
    """The network file in ``folder`` with the highest held-out accuracy (any network if none says)."""
    best, best_accuracy = None, -1.0
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    for path in files:
        try:
            accuracy = held_out_accuracy(load_network(path))
        except MnistbenchError:
            continue  # a README or another file beside the networks
        accuracy = -0.5 if accuracy is None else accuracy
        if accuracy > best_accuracy:
            best, best_accuracy = path, accuracy
    return best


class SessionMixin:
    def wire_session(self):
        d = self.downloader
        d.sig_progress.connect(self._on_download_progress)
        d.sig_finished.connect(self._on_download_finished)
        d.sig_failed.connect(self._on_download_failed)
        self.banner_dismissed = False
        self.banner.sig_dismissed.connect(lambda: setattr(self, "banner_dismissed", True))

    def start_session(self, offer_recovery=True):
        """Find data, then restore a crashed session's network or load the best bundled one."""
        self.refresh_datasets()
        folder = self._startup_dataset_folder()
        if folder:
            self.use_dataset_folder(folder)
        if offer_recovery and self.offer_recovery():
            return
        if not self.load_bundled_network() and self.document.net is None:
            self.initialise_from_panel()

    def _startup_dataset_folder(self):
        """The folder used last time, else the most complete digit dataset found."""
        remembered = str(self.settings.value("data/folder", "") or "")
        if remembered and Path(remembered).is_dir():
            return remembered
        usable = [loc for loc in self.locations if not loc.problem and (loc.has_train or loc.has_test)]
        usable.sort(key=lambda loc: (not loc.has_train, not loc.has_test, "fashion" in loc.name.lower(),
                                     -loc.n_train))
        return str(usable[0].folder) if usable else ""

    def load_bundled_network(self) -> bool:
        path = best_bundled_network(self.networks_dir)
        if path is None:
            return False
        net = self.load_into_document(path)
        if net is not None:
            self.log(f"loaded the bundled network {path.name}: {describe_network(net)}")
        return net is not None

    def load_into_document(self, path):
        """The network read from ``path`` becomes the document's; None (and one log line) on error."""
        try:
            return self.document.load(path)
        except MnistbenchError as error:
            self.log(str(error), "error")
            return None

    def offer_recovery(self) -> bool:
        """Offer the network a crashed session left behind; True when restored."""
        try:
            net = recovery.read_recovery()
        except MnistbenchError as error:
            self.log(f"the recovery file was damaged and is removed: {error}", "warning")
            recovery.clear_recovery()
            return False
        if net is None:
            return False
        answer = self.ask("Restore unsaved network?",
                          f"The last session ended with a trained network that was not saved:\n"
                          f"{describe_network(net)}\n\nRestore it?",
                          QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        if answer != QMessageBox.Yes:
            recovery.clear_recovery()
            self.log("discarded the recovered network")
            return False
        self.document.set_network(net, modified=True)
        self.log(f"restored the unsaved network of the last session: {describe_network(net)}", "success")
        return True

    # --- datasets -----------------------------------------------------------------
    def refresh_datasets(self):
        try:
            self.locations = available_datasets()
        except (MnistbenchError, OSError) as error:
            self.locations = []
            self.log(f"cannot list datasets: {error}", "error")
        self.call_panel("training", "set_datasets", self.locations)
        self.update_banner()

    def update_banner(self):
        has_train = any(loc.has_train and not loc.problem for loc in self.locations)
        has_train = has_train or bool(self.dataset is not None and self.dataset.n_train)
        self.banner_bar.setVisible(not has_train and not self.banner_dismissed)
        self.banner.setVisible(not has_train and not self.banner_dismissed)

    def choose_dataset_folder(self):
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder of IDX files")
        if folder:
            self.use_dataset_folder(folder)

    def use_dataset_folder(self, folder) -> bool:
        """Load the dataset in ``folder`` and hand its test images to the panels."""
        QApplication.setOverrideCursor(Qt.WaitCursor)  # about half a second for 70,000 images
        try:
            dataset = load_dataset(Path(folder))
        except MnistbenchError as error:
            self.log(str(error), "error")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.dataset = dataset
        if all(str(loc.folder) != str(folder) for loc in self.locations):
            self.locations = [*self.locations, inspect_folder(folder)]
            self.call_panel("training", "set_datasets", self.locations)
        self.call_panel("training", "select_dataset", str(folder))
        images, labels = ((dataset.test_images, dataset.test_labels) if dataset.n_test
                          else (dataset.train_images, dataset.train_labels))
        self.call_panel("image_browser", "set_dataset", images, labels, list(dataset.class_names))
        self.call_panel("inspector", "set_class_names", list(dataset.class_names))
        source = dataset.train_images if dataset.n_train else images
        mean = source[:10000].reshape(-1, 784).mean(axis=0) / 255.0  # "imagine" can start from it
        self.call_panel("imagine", "set_mean_image", mean)
        self.call_panel("training", "set_dataset_message", "" if dataset.n_train else
                        "This dataset has no training set: download MNIST or choose another folder.")
        self.update_banner()
        self.log(f"dataset {dataset.describe()}")
        return True

    # --- MNIST download -------------------------------------------------------------
    def download_mnist(self):
        if self.downloader.running:
            return
        self.call_panel("training", "set_download_progress", 0, 11_594_722, "")
        self.log("downloading MNIST (11 MB) from its official mirrors…")
        self.downloader.start()

    def _on_download_progress(self, done, total, name):
        self.call_panel("training", "set_download_progress", int(done), int(total), name)

    def _on_download_finished(self, folder):
        self.call_panel("training", "set_download_finished", f"MNIST is in {folder}")
        self.log(f"downloaded MNIST into {folder}", "success")
        self.refresh_datasets()
        self.use_dataset_folder(folder)

    def _on_download_failed(self, message, cancelled):
        self.call_panel("training", "set_download_finished", message)
        self.log(message, "warning" if cancelled else "error")
