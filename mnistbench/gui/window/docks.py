"""Which panels the workbench docks, where they go by default, and how docks are made.

Each panel is a class the window builds and holds as a typed attribute; this
module only knows titles, shortcuts and the default arrangement.
"""

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea

PREFERRED_SIZE = (1500, 950)  # the first window's size where the screen has room
SCREEN_SHARE = 0.92  # else this share of the screen's free area (panels, taskbar and title bar left out)
COLUMN_SHARES = (0.24, 0.40, 0.36)  # training and log | curves | inspector and inputs
NARROW_WIDTH = 1200  # below this, two columns (see arrange_default) ...
SINGLE_COLUMN_WIDTH = 700  # ... and below this, one
NARROW_COLUMN_SHARES = (0.32, 0.68)  # training and log | everything else
DOCK_FRAME = 16  # px a dock and its separator take around the panel
LEFT_ROW_SHARES = (0.68, 0.32)  # training form | log and time machine
RIGHT_ROW_SHARES = {3: (0.44, 0.56),  # inspector | digit pad and the other inputs
                    2: (0.68, 0.32)}  # curves (the inspector tabbed with them) | the inputs


@dataclass(frozen=True)
class DockSpec:
    name: str  # the dock's objectName is dock_<name>
    title: str
    shortcut: str  # View menu: show/raise the dock
    scrolls: bool = True  # wrap in a scroll area (panels with a large minimum size)


DOCKS = (
    DockSpec("training", "Training", "Alt+1", scrolls=False),  # it scrolls its form itself
    DockSpec("curves", "Curves", "Alt+2"),  # scrolls: a small screen must not force the window wider
    DockSpec("confusion", "Confusion matrix", "Alt+3"),
    DockSpec("inspector", "Network inspector", "Alt+4"),
    DockSpec("image_browser", "Test image", "Alt+5"),
    DockSpec("digit_pad", "Digit pad", "Alt+6"),
    DockSpec("imagine", "What it imagines", "Alt+7"),
    DockSpec("own_digits", "Your digits", "Alt+8"),
    DockSpec("backprop", "Step through", "Alt+0"),
    DockSpec("time_machine", "Time machine", "Alt+M"),
    DockSpec("log", "Log", "Alt+9", scrolls=False),
    DockSpec("runs", "Runs and models", "Alt+R"),
)


class PanelDock(QDockWidget):
    """A dock that hands dragged files to its window, also when it floats as a window of its own.

    (Overriding these two handlers, not filtering every event of every dock,
    keeps Python out of the docks' paint events while training runs.) It also says when it was
    moved or resized, so the layout is saved as it changes.
    """

    sig_geometry_changed = Signal()  # resized or moved (the settings save the layout a moment later)

    def __init__(self, title, parent=None):
        super().__init__(title, parent)
        self.topLevelChanged.connect(self._docked_back)

    def _docked_back(self, floating):
        """A panel put back into its tab group comes to the front (Qt left it behind another tab)."""
        if not floating:
            self.raise_()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.sig_geometry_changed.emit()

    def moveEvent(self, event):
        super().moveEvent(event)
        self.sig_geometry_changed.emit()

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
        scroll.setFocusPolicy(Qt.NoFocus)  # no Tab stop of its own: Tab goes from control to control
        scroll.setWidget(widget)
        widget = scroll
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetClosable | QDockWidget.DockWidgetMovable
                     | QDockWidget.DockWidgetFloatable)
    return dock


def fit_to_screen(window) -> None:
    """Size the first window to fit the screen's available area (``PREFERRED_SIZE`` at most), centred."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    width = min(PREFERRED_SIZE[0], int(area.width() * SCREEN_SHARE))
    height = min(PREFERRED_SIZE[1], int(area.height() * SCREEN_SHARE))
    window.resize(width, height)
    window.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)


def panel_min_width(dock) -> int:
    """The width the dock's panel asks for (inside its scroll area, with room for a scroll bar)."""
    widget = dock.widget()
    if isinstance(widget, QScrollArea):
        panel = widget.widget()
        return max(panel.minimumWidth(), panel.minimumSizeHint().width()) + \
            widget.verticalScrollBar().sizeHint().width() + 2
    return widget.minimumSizeHint().width()


# Tab groups per number of columns: the first of each group is placed, the others tabbed behind it.
# The log and the time machine share the bottom-left corner under the training form, so the curves get
# a column of their own (what a user watches while training); the step-through joins the curves' tabs.
TAB_GROUPS = {
    3: (("log", "time_machine"), ("curves", "confusion", "runs", "backprop"),
        ("digit_pad", "image_browser", "imagine", "own_digits")),
    2: (("log", "time_machine"), ("curves", "confusion", "runs", "backprop", "inspector"),
        ("digit_pad", "image_browser", "imagine", "own_digits")),
    1: (("training", "curves", "confusion", "runs", "backprop", "inspector"),
        ("log", "time_machine", "digit_pad", "image_browser", "imagine", "own_digits")),
}
IN_FRONT = ("inspector", "curves", "digit_pad", "log", "training")  # raised in this order: the last of a group wins


def column_count(width) -> int:
    return 1 if width < SINGLE_COLUMN_WIDTH else 2 if width < NARROW_WIDTH else 3


def arrange_default(window, docks):
    """Training over the log (tabbed with the time machine) left; the curves' tabs alone in the middle;
    the inspector over the digit pad's tabs right.

    A window narrower than ``NARROW_WIDTH`` gets two columns (the inspector joins the curves'
    tabs, the inputs go under them), one narrower than ``SINGLE_COLUMN_WIDTH`` one column (training
    joins the curves' tabs, the log the inputs'), so no panel is squeezed below its own minimum width.
    """
    for dock in docks.values():
        window.removeDockWidget(dock)
    columns = column_count(window.width())
    window.addDockWidget(Qt.LeftDockWidgetArea, docks["training"])
    window.splitDockWidget(docks["training"], docks["log"], Qt.Vertical)
    if columns > 1:
        window.addDockWidget(Qt.RightDockWidgetArea, docks["curves"])
        if columns == 3:
            window.splitDockWidget(docks["curves"], docks["inspector"], Qt.Horizontal)
        window.splitDockWidget(docks["inspector" if columns == 3 else "curves"], docks["digit_pad"], Qt.Vertical)
    for names in TAB_GROUPS[columns]:
        for first, second in zip(names, names[1:]):
            window.tabifyDockWidget(docks[first], docks[second])
    for dock in docks.values():
        dock.setFloating(False)
        dock.show()
    for name in IN_FRONT:  # after the floating ones were docked back (which raises them)
        docks[name].raise_()
    _share_space(window, docks, columns)


def _share_space(window, docks, columns):
    """Columns and rows as shares of the window, so a small screen keeps the proportions."""
    width, height = window.width(), window.height()
    window.resizeDocks([docks["training"], docks["log"]], [int(height * share) for share in LEFT_ROW_SHARES],
                       Qt.Vertical)
    if columns == 1:
        return
    right = [docks["inspector" if columns == 3 else "curves"], docks["digit_pad"]]
    window.resizeDocks(right, [int(height * share) for share in RIGHT_ROW_SHARES[columns]], Qt.Vertical)
    names = ["training", "curves", "inspector"][:columns]
    shares = COLUMN_SHARES if columns == 3 else NARROW_COLUMN_SHARES
    widths = [max(int(width * share), _column_min_width(docks, name)) for name, share in zip(names, shares)]
    middle = 1 if columns == 3 else len(widths) - 1  # the curves take what the others leave
    widths[middle] = max(100, width - sum(widths) + widths[middle])
    if columns == 3:  # and what the right column can spare, so the panels tabbed behind them fit too
        spare = widths[2] - _column_min_width(docks, "inspector") - DOCK_FRAME
        widths[1] += max(0, min(spare, _tabs_min_width(docks, "curves") - widths[1]))
        widths[2] = width - widths[0] - widths[1]
    window.resizeDocks([docks[name] for name in names], widths, Qt.Horizontal)


def _tabs_min_width(docks, first) -> int:
    """The widest minimum among the panels tabbed with ``first`` (the tab group it leads)."""
    group = next(names for names in TAB_GROUPS[3] if names[0] == first)
    return max(panel_min_width(docks[name]) for name in group)


def _column_min_width(docks, name) -> int:
    """The width a column needs so that its panels in front show without a horizontal scroll bar."""
    if name == "training":
        return max(panel_min_width(docks["training"]), docks["training"].widget().minimumWidth())
    if name == "inspector":
        return max(panel_min_width(docks["inspector"]), panel_min_width(docks["digit_pad"]))
    return panel_min_width(docks[name])
