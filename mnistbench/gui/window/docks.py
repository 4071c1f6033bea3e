"""Which panels the workbench docks, where they go by default, and how docks are made.

Each panel is a class the window builds and holds as a typed attribute; this
module only knows titles, shortcuts and the default arrangement.
"""

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea


@dataclass(frozen=True)
class DockSpec:
    name: str  # the dock's objectName is dock_<name>
    title: str
    shortcut: str  # View menu: show/raise the dock
    scrolls: bool = True  # wrap in a scroll area (panels with a large minimum size)


DOCKS = (
    DockSpec("training", "Training", "Alt+1", scrolls=False),
    DockSpec("curves", "Curves", "Alt+2", scrolls=False),
    DockSpec("confusion", "Confusion matrix", "Alt+3"),
    DockSpec("inspector", "Network inspector", "Alt+4"),
    DockSpec("image_browser", "Test image", "Alt+5"),
    DockSpec("digit_pad", "Digit pad", "Alt+6"),
    DockSpec("imagine", "What it imagines", "Alt+7"),
    DockSpec("own_digits", "Your digits", "Alt+8"),
    DockSpec("log", "Log", "Alt+9", scrolls=False),
    DockSpec("runs", "Runs and models", "Alt+0", scrolls=False),
)


class PanelDock(QDockWidget):
    """A dock that hands dragged files to its window, also when it floats as a window of its own.

    (Overriding these two handlers, not filtering every event of every dock,
    keeps Python out of the docks' paint events while training runs.)
    """

    def dragEnterEvent(self, event):
        self.parent().dragEnterEvent(event)

    def dropEvent(self, event):
        self.parent().dropEvent(event)


def make_dock(spec, widget, parent):
    """A dock holding ``widget`` in a scroll area: a panel with a large minimum size
    scrolls inside a small dock instead of forcing the whole window to grow."""
    dock = PanelDock(spec.title, parent)
    dock.setAcceptDrops(True)
    dock.setObjectName(f"dock_{spec.name}")
    if spec.scrolls:
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.NoFrame)
        scroll.setWidget(widget)
        widget = scroll
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetClosable | QDockWidget.DockWidgetMovable
                     | QDockWidget.DockWidgetFloatable)
    return dock


def arrange_default(window, docks):
    """Training left; curves/confusion over the log in the middle; inspector over the inputs right."""
    for dock in docks.values():
        window.removeDockWidget(dock)
    window.addDockWidget(Qt.LeftDockWidgetArea, docks["training"])
    window.addDockWidget(Qt.RightDockWidgetArea, docks["curves"])
    window.splitDockWidget(docks["curves"], docks["inspector"], Qt.Horizontal)
    window.splitDockWidget(docks["curves"], docks["log"], Qt.Vertical)
    window.splitDockWidget(docks["inspector"], docks["digit_pad"], Qt.Vertical)
    window.tabifyDockWidget(docks["curves"], docks["confusion"])
    window.tabifyDockWidget(docks["confusion"], docks["runs"])
    window.tabifyDockWidget(docks["digit_pad"], docks["image_browser"])
    window.tabifyDockWidget(docks["image_browser"], docks["imagine"])
    window.tabifyDockWidget(docks["imagine"], docks["own_digits"])
    for dock in docks.values():
        dock.setFloating(False)
        dock.show()
    docks["curves"].raise_()
    docks["digit_pad"].raise_()
    docks["log"].raise_()
    window.resizeDocks([docks["training"], docks["curves"], docks["inspector"]], [370, 440, 690],
                       Qt.Horizontal)
    window.resizeDocks([docks["curves"], docks["log"]], [560, 260], Qt.Vertical)
    window.resizeDocks([docks["inspector"], docks["digit_pad"]], [350, 530], Qt.Vertical)
