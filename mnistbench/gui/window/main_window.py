"""The workbench window: the assembly of panels, docks, menus, state and the helpers that act.

The window is a thin mediator (STYLE.md, "The workbench"): it holds each
panel as a typed attribute, the Qt-free ``WorkbenchState`` the panels
subscribe to, and helpers with one job each — ``files`` (open, save,
recent), ``session`` (start-up, datasets, download, recovery), ``training``
(train, fine-tune, pause, stop, evaluate, reports), ``autosave`` (settings
written as they change), ``column_shares`` (the columns' widths across
window resizes) — wired in ``panel_wiring``; menus, the Help menu and the
main toolbar are built from tables of the same actions.
"""

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QToolBar

from mnistbench.gui.jobs.download_job import DownloadController
from mnistbench.gui.jobs.training_job import TrainingController
from mnistbench.gui.panels.backprop.backprop_panel import BackpropPanel
from mnistbench.gui.panels.confusion.confusion_panel import ConfusionPanel
from mnistbench.gui.panels.curves.curves_panel import CurvesPanel
from mnistbench.gui.panels.digit_pad.digit_pad_panel import DigitPadPanel
from mnistbench.gui.panels.image_browser.image_browser_panel import ImageBrowserPanel
from mnistbench.gui.panels.imagine.imagine_panel import ImaginePanel
from mnistbench.gui.panels.inspector.inspector_panel import InspectorPanel
from mnistbench.gui.panels.log.log_panel import LogHandler, LogPanel
from mnistbench.gui.panels.own_digits.own_digits_panel import OwnDigitsPanel
from mnistbench.gui.panels.time_machine.time_machine_panel import TimeMachinePanel
from mnistbench.gui.panels.runs.runs_panel import RunsPanel
from mnistbench.gui.panels.training.training_panel import TrainingPanel
from mnistbench.gui.widgets.file_drops import accept_file_drag
from mnistbench.gui.window import drops, recovery
from mnistbench.gui.window.column_shares import ColumnShares
from mnistbench.gui.window.dataset_banner import DatasetBanner
from mnistbench.gui.window.docks import DOCKS, arrange_default, fit_to_screen, make_dock
from mnistbench.gui.window.files import NetworkFiles
from mnistbench.gui.window.lr_finder_actions import LearningRateFinder
from mnistbench.gui.window.menus import build_menus
from mnistbench.gui.window.mnemonics import give_mnemonics
from mnistbench.gui.window.panel_wiring import connect_window
from mnistbench.gui.window.run_tracking import RunTracking
from mnistbench.gui.window.session import Session
from mnistbench.gui.window.settings_autosave import SettingsAutosave
from mnistbench.gui.window.sweep_actions import SweepActions
from mnistbench.gui.window.status_bar import TrainingStatusBar
from mnistbench.gui.window.toolbar import build_toolbar
from mnistbench.gui.window.training_actions import TrainingActions
from mnistbench.netfile import BUNDLED_NETWORKS
from mnistbench.workflows.workbench_state import WorkbenchState, describe_network

logger = logging.getLogger(__name__)
APP_LOGGER = logging.getLogger("mnistbench")  # the log panel shows this logger's records


class MainWindow(QMainWindow):
    """``MainWindow(settings, networks_dir)``; call ``session.start()`` once it is shown."""

    def __init__(self, settings=None, networks_dir=None, parent=None):
        super().__init__(parent)
        self.setObjectName("mnistbench_main_window")
        self.setWindowTitle("mnistbench")
        self.settings = settings if settings is not None else recovery.open_settings()
        self.networks_dir = Path(networks_dir) if networks_dir else BUNDLED_NETWORKS
        self.state = WorkbenchState()
        self.run_tracking = RunTracking(self.state)  # every training run goes into the runs store
        self.controller = TrainingController(self, save_recovery=recovery.write_recovery)
        self.downloader = DownloadController(self)
        self.last_question = None  # the QMessageBox being asked (tests answer it)
        self._build_panels()
        self._attach_log()
        fit_to_screen(self)
        self._build_docks()
        self.autosave = SettingsAutosave(self)
        self.column_shares = ColumnShares(self, self.docks)
        self.autosave.layout_timer.timeout.connect(self.column_shares.remember)
        self.status = TrainingStatusBar(self)
        self.setStatusBar(self.status)
        self._build_banner()
        self.files, self.session, self.training = NetworkFiles(self), Session(self), TrainingActions(self)
        self.sweeps = SweepActions(self)  # sweeps from the window, one run after another
        self.lr_finder = LearningRateFinder(self)  # the training panel's learning-rate range test
        self.actions = build_menus(self, [(spec, self.docks[spec.name]) for spec in DOCKS])
        self.toolbar = build_toolbar(self, self.actions, self.status.summary_label)
        self.insertToolBarBreak(self.banner_bar)
        connect_window(self)
        self.setAcceptDrops(True)
        self.restore_settings()

    def _build_panels(self):
        self.training_panel = TrainingPanel()
        self.curves_panel = CurvesPanel()
        self.confusion_panel = ConfusionPanel()
        self.inspector_panel = InspectorPanel()
        self.image_browser_panel = ImageBrowserPanel()
        self.digit_pad_panel = DigitPadPanel()
        self.imagine_panel = ImaginePanel()
        self.own_digits_panel = OwnDigitsPanel()
        self.backprop_panel = BackpropPanel()
        self.time_machine_panel = TimeMachinePanel()
        self.log_panel = LogPanel()
        self.runs_panel = RunsPanel()

    def panel_widgets(self) -> dict:
        """Dock name -> panel (the order and titles are docks.DOCKS')."""
        return {"training": self.training_panel, "curves": self.curves_panel, "confusion": self.confusion_panel,
                "inspector": self.inspector_panel, "image_browser": self.image_browser_panel,
                "digit_pad": self.digit_pad_panel, "imagine": self.imagine_panel,
                "backprop": self.backprop_panel,
                "time_machine": self.time_machine_panel,
                "own_digits": self.own_digits_panel, "log": self.log_panel,
                "runs": self.runs_panel}

    def _attach_log(self):
        """The log panel shows the ``mnistbench`` logger; warnings and errors also go to the status bar."""
        self.log_handler = LogHandler()
        self.log_handler.relay.sig_record.connect(self.log_panel.show_record)
        self.log_handler.relay.sig_record.connect(self._show_problem)
        APP_LOGGER.setLevel(logging.INFO)
        APP_LOGGER.addHandler(self.log_handler)
        handler = self.log_handler
        self.destroyed.connect(lambda: APP_LOGGER.removeHandler(handler))

    def _show_problem(self, record):
        if record.levelno >= logging.WARNING or record.__dict__.get("success"):  # problems, and files written
            self.status.showMessage(record.getMessage(), 10000)

    def _build_docks(self):
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks
                            | QMainWindow.AllowNestedDocks)
        panels = self.panel_widgets()
        self.docks = {spec.name: make_dock(spec, panels[spec.name], self) for spec in DOCKS}
        for dock in self.docks.values():
            drops.stop_text_drops(dock)
        arrange_default(self, self.docks)

    def _build_banner(self):
        self.banner = DatasetBanner()
        self.banner_bar = QToolBar("Dataset banner", objectName="toolbar_banner", movable=False,
                                   floatable=False)
        self.banner_bar.setContextMenuPolicy(Qt.PreventContextMenu)
        self.banner_bar.toggleViewAction().setVisible(False)
        self.banner_bar.addWidget(self.banner)
        self.banner.sig_dismissed.connect(self.banner_bar.hide)
        self.addToolBar(Qt.TopToolBarArea, self.banner_bar)

    # --- what the helpers share -----------------------------------------------------
    def ask(self, title, text, buttons, default):
        """A modal question; returns the StandardButton clicked."""
        box = give_mnemonics(QMessageBox(QMessageBox.Question, title, text, buttons, self))
        box.setDefaultButton(default)
        self.last_question = box
        try:
            return QMessageBox.StandardButton(box.exec())
        finally:
            self.last_question = None

    def show_document_state(self):
        """Title and the training panel's summary follow the state's network, file and saved flag."""
        state = self.state
        self.setWindowTitle(f"{state.title()} — mnistbench")
        summary = describe_network(state.network) if state.network is not None else "no network"
        unsaved = " (trained, not saved)" if state.modified else ""
        self.training_panel.set_network_summary(f"{state.title()}: {summary}{unsaved}")
        if state.network is not None and not self.controller.running:  # an epoch's copy has the same shape
            self.training_panel.show_network(state.network)

    def show_test_image(self, index):
        """A test image chosen in the confusion gallery: the browser shows it, the inspector reads it."""
        self.image_browser_panel.show_index(int(index))
        self.docks["image_browser"].raise_()
        self.docks["inspector"].raise_()

    # --- settings and layout ---------------------------------------------------------
    def restore_settings(self):
        self.geometry_restored = self.autosave.restore()

    def save_settings(self):
        """Everything at once (closing); ``autosave`` writes each setting as it changes."""
        self.autosave.save_all()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.column_shares.window_resized()
        self.autosave.layout_timer.start()

    def moveEvent(self, event):
        super().moveEvent(event)
        self.autosave.layout_timer.start()

    def reset_layout(self):
        arrange_default(self, self.docks)
        self.column_shares.shares = {}  # the default's shares are remembered once it settles
        logger.info("layout reset")

    # --- drops and closing --------------------------------------------------------------
    def dragEnterEvent(self, event):
        accept_file_drag(event)

    def dropEvent(self, event):
        drops.drop_files(event, self.files.open_dropped)

    def closeEvent(self, event):
        if self.controller.running:
            answer = self.ask("Training is running", "Stop training and close the workbench?",
                              QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel)
            if answer != QMessageBox.Yes:
                event.ignore()
                return
            self.training.stop_and_adopt()
        if not self.sweeps.may_close():  # a sweep asks too: it is cancelled, resumable later
            event.ignore()
            return
        if not self.files.confirm_discard("closing"):
            event.ignore()
            return
        if not self.state.modified:
            recovery.clear_recovery()
        self.downloader.shutdown()
        self.sweeps.controller.shutdown()  # a cancelled sweep resumes when started again
        self.save_settings()
        APP_LOGGER.removeHandler(self.log_handler)
        event.accept()
