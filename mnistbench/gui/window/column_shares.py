"""Growing the window gives each column of panels its share back.

Qt hands a window's new width to one dock area: shrink the window and grow
it again, and the training column took everything while the inspector and
digit pad stayed crushed. This keeps each panel's share of the width as the
user last arranged it, and gives it back after the window is resized.
"""

from PySide6.QtCore import Qt, QTimer

from mnistbench.gui.window.menus import in_front

APPLY_DELAY_MS = 100  # after the window's last resize step, once Qt has laid the docks out


class ColumnShares:
    """``remember()`` after the user settles the layout; ``window_resized()`` from the window's resizeEvent."""

    def __init__(self, window, docks):
        self.window, self.docks = window, docks
        self.shares = {}  # dock -> its share of the window's width, as the user arranged it
        self._resized = False  # the window was resized since the last remember(): its layout is Qt's, not the user's
        self.timer = QTimer(window, singleShot=True, interval=APPLY_DELAY_MS)
        self.timer.timeout.connect(self.apply)

    def remember(self) -> None:
        if self._resized and self.shares:
            self._resized = False
            return
        self._resized = False
        width = max(1, self.window.width())
        self.shares = {dock: dock.width() / width for dock in self._docked()}

    def window_resized(self) -> None:
        self._resized = True
        self.timer.start()

    def apply(self) -> None:
        docks = [dock for dock in self._docked() if dock in self.shares]
        if docks:
            width = self.window.width()
            self.window.resizeDocks(docks, [int(self.shares[dock] * width) for dock in docks], Qt.Horizontal)

    def _docked(self) -> list:
        return [dock for dock in self.docks.values() if not dock.isFloating() and in_front(dock)]
