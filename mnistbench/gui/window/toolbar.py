"""The main toolbar: Train, Pause/Resume, Stop, Evaluate and a compact read-out of the run.

The buttons are the Train menu's actions, so they enable and disable with
them; the main actions stay in sight whatever the panels' layout.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar


def build_toolbar(window, actions, readout):
    """A toolbar on ``window`` with ``actions``' train, pause, stop and evaluate, then ``readout`` (a QLabel)."""
    bar = QToolBar("Main toolbar", objectName="toolbar_main", movable=False, floatable=False)
    bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
    for action in (actions.train, actions.pause, actions.stop, actions.evaluate):
        bar.addAction(action)
    bar.addSeparator()
    readout.setContentsMargins(6, 0, 6, 0)
    bar.addWidget(readout)
    window.addToolBar(Qt.TopToolBarArea, bar)
    return bar


def show_pause_state(actions, paused: bool) -> None:
    """The pause action says what it will do."""
    actions.pause.setText("&Resume" if paused else "&Pause")
    actions.pause.setToolTip("Go on training" if paused else "Pause training between batches")
