"""Which panels the workbench docks, where they go by default, and how they are made.

A panel whose module is missing or fails to build becomes a placeholder that
says why, so one broken panel never keeps the window from starting (the main
window logs which panels were replaced).
"""

import importlib
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QLabel, QScrollArea


@dataclass(frozen=True)
class PanelSpec:
    name: str  # the dock's objectName is dock_<name>
    title: str
    module: str  # under mnistbench.gui
    class_name: str
    shortcut: str  # View menu: show/raise the dock
    scrolls: bool = True  # wrap in a scroll area (panels with a large minimum size)


PANELS = (
    PanelSpec("training", "Training", "training_panel", "TrainingPanel", "Alt+1", scrolls=False),
    PanelSpec("curves", "Curves", "curves_panel", "CurvesPanel", "Alt+2", scrolls=False),
    PanelSpec("confusion", "Confusion matrix", "confusion_panel", "ConfusionPanel", "Alt+3"),
    PanelSpec("inspector", "Network inspector", "inspector_panel", "InspectorPanel", "Alt+4"),
    PanelSpec("test_image", "Test image", "test_image_panel", "TestImagePanel", "Alt+5"),
    PanelSpec("digit_pad", "Digit pad", "digit_pad_panel", "DigitPadPanel", "Alt+6"),
    PanelSpec("imagine", "What it imagines", "imagine_panel", "ImaginePanel", "Alt+7"),
    PanelSpec("own_digits", "Your digits", "own_digits_panel", "OwnDigitsPanel", "Alt+8"),
    PanelSpec("log", "Log", "log_panel", "LogPanel", "Alt+9", scrolls=False),
)


class MissingPanel(QLabel):
    """Stands in for a panel that could not be built; says why."""

    def __init__(self, spec, reason):
        super().__init__(f"The {spec.title.lower()} panel is not available:\n{reason}")
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)
        self.reason = reason


def make_panel(spec):
    """The panel widget, or a MissingPanel when its module or class cannot be used."""
    try:
        module = importlib.import_module(f"mnistbench.gui.{spec.module}")
        return getattr(module, spec.class_name)()
    except Exception as error:  # any failure: the window must still start
        return MissingPanel(spec, f"{type(error).__name__}: {error}")


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
    window.tabifyDockWidget(docks["digit_pad"], docks["test_image"])
    window.tabifyDockWidget(docks["test_image"], docks["imagine"])
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
