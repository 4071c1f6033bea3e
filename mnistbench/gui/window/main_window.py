"""The workbench window: docks every panel, wires their signals, owns files and training.

Panels never talk to each other; everything goes through here. Calls into
panels go through ``call_panel`` so that a missing or failing panel costs one
log line, never the window (``self.guards`` lists what was missing).
"""

import traceback
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QToolBar

from mnistbench.errors import MnistbenchError
from mnistbench.netfile import BUNDLED_NETWORKS
from mnistbench.gui.window import recovery
from mnistbench.gui.window.dataset_banner import DatasetBanner
from mnistbench.gui.window.docks import DOCKS, arrange_default, make_dock
from mnistbench.gui.panels.confusion.confusion_panel import ConfusionPanel
from mnistbench.gui.panels.curves.curves_panel import CurvesPanel
from mnistbench.gui.panels.digit_pad.digit_pad_panel import DigitPadPanel
from mnistbench.gui.panels.image_browser.image_browser_panel import ImageBrowserPanel
from mnistbench.gui.panels.imagine.imagine_panel import ImaginePanel
from mnistbench.gui.panels.inspector.inspector_panel import InspectorPanel
from mnistbench.gui.panels.log.log_panel import LogPanel
from mnistbench.gui.panels.own_digits.own_digits_panel import OwnDigitsPanel
from mnistbench.gui.panels.training.training_panel import TrainingPanel
from mnistbench.gui.jobs.download_job import DownloadController
from mnistbench.gui.window.network_document import NetworkDocument, describe_network
from mnistbench.gui.window.status_bar import TrainingStatusBar
from mnistbench.gui.jobs.training_job import TrainingController
from mnistbench.gui.window.menus import build_menus
from mnistbench.gui.window.session import SessionMixin
from mnistbench.gui.window.wiring import WiringMixin

NETWORK_FILTER = "Network files (*.nn *.net *.bin);;All files (*)"
STATE_VERSION = 2  # 2: the test-image dock is dock_image_browser


class MainWindow(SessionMixin, WiringMixin, QMainWindow):
    """``MainWindow(settings, networks_dir)``; call ``start_session()`` once it is built."""

    def __init__(self, settings=None, networks_dir=None, parent=None):
        super().__init__(parent)
        self.setObjectName("mnistbench_main_window")
        self.setWindowTitle("mnistbench")
        self.settings = settings if settings is not None else recovery.open_settings()
        self.networks_dir = Path(networks_dir) if networks_dir else BUNDLED_NETWORKS
        self.document = NetworkDocument(self)
        self.controller = TrainingController(self, save_recovery=recovery.write_recovery)
        self.downloader = DownloadController(self)
        self.dataset, self.locations, self.guards = None, [], []
        self.last_question = None  # the QMessageBox being asked (tests answer it)
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks
                            | QMainWindow.AllowNestedDocks)
        self.panels = {"training": TrainingPanel(), "curves": CurvesPanel(), "confusion": ConfusionPanel(),
                       "inspector": InspectorPanel(), "image_browser": ImageBrowserPanel(),
                       "digit_pad": DigitPadPanel(), "imagine": ImaginePanel(), "own_digits": OwnDigitsPanel(),
                       "log": LogPanel()}
        self.docks = {spec.name: make_dock(spec, self.panels[spec.name], self) for spec in DOCKS}
        arrange_default(self, self.docks)
        self.status = TrainingStatusBar(self)
        self.setStatusBar(self.status)
        self._build_banner()
        self.wire_session()
        build_menus(self, [(spec, self.docks[spec.name]) for spec in DOCKS])
        self.setAcceptDrops(True)
        self.wire_panels()
        self.resize(1500, 950)
        self.restore_settings()

    @property
    def training_panel(self):
        return self.panels["training"]

    def _build_banner(self):
        self.banner = DatasetBanner()
        self.banner.sig_download_requested.connect(self.download_mnist)
        self.banner.sig_choose_folder_requested.connect(self.choose_dataset_folder)
        self.banner_bar = QToolBar("Dataset banner", objectName="toolbar_banner", movable=False,
                                   floatable=False)
        self.banner_bar.setContextMenuPolicy(Qt.PreventContextMenu)
        self.banner_bar.toggleViewAction().setVisible(False)
        self.banner_bar.addWidget(self.banner)
        self.banner.sig_dismissed.connect(self.banner_bar.hide)
        self.addToolBar(Qt.TopToolBarArea, self.banner_bar)

    # --- logging and questions --------------------------------------------------
    def log(self, message: str, level: str = "info") -> None:
        """One line to the log; warnings and errors also to the status bar."""
        self.call_panel("log", "log", message, level)
        if level in ("warning", "error"):
            self.status.showMessage(message, 10000)

    def ask(self, title, text, buttons, default):
        """A modal question; returns the StandardButton clicked."""
        box = QMessageBox(QMessageBox.Question, title, text, buttons, self)
        box.setDefaultButton(default)
        self.last_question = box
        try:
            return QMessageBox.StandardButton(box.exec())
        finally:
            self.last_question = None

    def confirm_discard(self, doing: str) -> bool:
        """Before ``doing`` replaces a trained, unsaved network: Save, Discard or Cancel."""
        if not self.document.modified:
            return True
        answer = self.ask("Unsaved network", f"The trained network is not saved.\n"
                          f"Save it before {doing}?",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return self.save()
        if answer == QMessageBox.Discard:
            recovery.clear_recovery()
            self.log("discarded the unsaved network")
            return True
        return False

    # --- settings -----------------------------------------------------------------
    def restore_settings(self):
        s = self.settings
        geometry, state = s.value("window/geometry"), s.value("window/state")
        self.geometry_restored = isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, STATE_VERSION)
        recent = s.value("files/recent", [])
        self.document.recent = [recent] if isinstance(recent, str) else list(recent or [])

    def save_settings(self):
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(STATE_VERSION))
        s.setValue("files/recent", self.document.recent)
        if self.dataset is not None:
            s.setValue("data/folder", self.dataset.source)
        s.sync()

    def reset_layout(self):
        arrange_default(self, self.docks)
        self.log("layout reset")

    # --- network files -----------------------------------------------------------
    def open_dialog(self):
        start = str(self.document.path.parent) if self.document.path else str(self.networks_dir)
        path, _ = QFileDialog.getOpenFileName(self, "Open a network", start, NETWORK_FILTER)
        if path:
            self.open_network(path)

    def open_network(self, path) -> bool:
        """Load a network file (asking first about unsaved work); errors become one log line."""
        if self.controller.running:
            self.log(f"{path}: cannot open a network while training runs; stop it first", "warning")
            return False
        if not self.confirm_discard("opening another network"):
            return False
        net = self.load_into_document(path)
        if net is not None:
            self.log(f"opened {path}: {describe_network(net)}", "success")
        return net is not None

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        if self.document.net is None:
            self.log("no network to save", "warning")
            return False
        start = str(self.document.path or Path.home() / "network.nn")
        path, _ = QFileDialog.getSaveFileName(self, "Save the network", start, NETWORK_FILTER)
        return self._save_to(path) if path else False

    def _save_to(self, path) -> bool:
        if self.document.net is None:
            self.log("no network to save", "warning")
            return False
        try:
            saved = self.document.save(path)
        except MnistbenchError as error:
            self.log(str(error), "error")
            return False
        recovery.clear_recovery()
        self.log(f"saved {saved}", "success")
        return True

    def fill_recent_menu(self):
        self.recent_menu.clear()
        for path in self.document.recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_network(p))
        if not self.document.recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def initialise_from_panel(self):
        self.initialise_network(self.training_panel.network_form.architecture())

    def initialise_network(self, architecture) -> bool:
        if self.controller.running or not self.confirm_discard("initialising a new one"):
            return False
        try:
            net = self.document.initialise(architecture)
        except MnistbenchError as error:
            self.log(f"cannot initialise: {error}", "error")
            return False
        self.call_panel("curves", "clear")
        self.log(f"initialised a new network: {describe_network(net)}")
        return True

    # --- drag and drop ----------------------------------------------------------------
    def dragEnterEvent(self, event):
        try:
            if event.mimeData().hasUrls():
                event.acceptProposedAction()
        except Exception as error:  # a drag must never take the window down
            self.log(f"drag refused: {error}", "error")

    def dropEvent(self, event):
        """Files open as networks, folders become the dataset — after the drop has returned."""
        try:
            paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
            event.acceptProposedAction()
            if not paths:
                self.log("dropped something that is not a local file or folder", "warning")
                return
            QTimer.singleShot(0, lambda: self.open_dropped(paths))
        except Exception as error:
            self.log(f"drop refused: {type(error).__name__}: {error}", "error")

    def open_dropped(self, paths):
        for path in paths:
            try:
                if Path(path).is_dir():
                    self.use_dataset_folder(path)
                else:
                    self.open_network(path)
            except Exception as error:  # one line, whatever it was
                self.log(f"{path}: could not open ({type(error).__name__}: {error})", "error")
                traceback.print_exc()

    # --- closing ------------------------------------------------------------------
    def closeEvent(self, event):
        if self.controller.running:
            answer = self.ask("Training is running", "Stop training and close the workbench?",
                              QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel)
            if answer != QMessageBox.Yes:
                event.ignore()
                return
            self.stop_and_adopt()
        if not self.confirm_discard("closing"):
            event.ignore()
            return
        if not self.document.modified:
            recovery.clear_recovery()
        self.downloader.shutdown()
        self.save_settings()
        event.accept()
