"""Settings are written when they change, not only on a clean exit: a crash loses none of them.

Recent files and the dataset folder are written at once (rare, small);
the layout and the window's geometry after a pause in moving or resizing
(``LAYOUT_DELAY_MS``), so dragging a splitter writes the file once.
"""

import logging

from PySide6.QtCore import QByteArray, QObject, QTimer

STATE_VERSION = 3  # 2: the test-image dock is dock_image_browser; 3: log and time machine tabbed bottom-left
LAYOUT_DELAY_MS = 800
logger = logging.getLogger(__name__)


class SettingsAutosave(QObject):
    """Writes ``window``'s settings (a QSettings at ``window.settings``) as they change."""

    def __init__(self, window):
        super().__init__(window)
        self.window, self.settings = window, window.settings
        self._recent = None  # the recent list last written
        self.layout_timer = QTimer(self, singleShot=True, interval=LAYOUT_DELAY_MS)
        self.layout_timer.timeout.connect(self.save_layout)
        window.state.events.document.connect(self.save_recent)
        window.state.events.dataset.connect(self.save_dataset_folder)
        for dock in window.docks.values():
            dock.sig_geometry_changed.connect(self.layout_timer.start)
            dock.dockLocationChanged.connect(self.layout_timer.start)
            dock.topLevelChanged.connect(self.layout_timer.start)
            dock.visibilityChanged.connect(self.layout_timer.start)

    def restore(self) -> bool:
        """Geometry, layout and recent files from the settings; True when a geometry was restored."""
        s, window = self.settings, self.window
        geometry, state = s.value("window/geometry"), s.value("window/state")
        restored = isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and not window.restoreState(state, STATE_VERSION):
            logger.info("the saved panel layout is from another version of mnistbench: the default layout is used")
        recent = s.value("files/recent", [])
        window.state.set_recent([recent] if isinstance(recent, str) and recent else list(recent or []))
        self._recent = list(window.state.recent)
        return restored

    def save_all(self) -> None:
        self.layout_timer.stop()
        self._write_layout()
        self._write_recent()
        self._write_dataset_folder()
        self.settings.sync()

    def save_layout(self) -> None:
        self._write_layout()
        self.settings.sync()

    def save_recent(self) -> None:
        if self.window.state.recent != self._recent:
            self._write_recent()
            self.settings.sync()

    def save_dataset_folder(self, *_) -> None:
        self._write_dataset_folder()
        self.settings.sync()

    def _write_layout(self) -> None:
        self.settings.setValue("window/geometry", self.window.saveGeometry())
        self.settings.setValue("window/state", self.window.saveState(STATE_VERSION))

    def _write_recent(self) -> None:
        self._recent = list(self.window.state.recent)
        self.settings.setValue("files/recent", self._recent)

    def _write_dataset_folder(self) -> None:
        if self.window.state.dataset_folder is not None:
            self.settings.setValue("data/folder", self.window.state.dataset_folder)
