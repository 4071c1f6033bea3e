"""The workbench's menus and their shortcuts, built from one table per menu.

Every action calls a MainWindow method; ``window.actions_by_name`` lets the
window enable, disable or trigger them (and tests find them by name).
"""

from PySide6.QtGui import QAction, QKeySequence

FILE_ACTIONS = (  # name, text, shortcuts, window method, tip
    ("initialise", "&Initialise network", (), "initialise_from_panel",
     "A fresh network with the shape set in the training panel"),
    ("open", "&Open…", (QKeySequence.Open,), "open_dialog", "Open a network file"),
    ("save", "&Save", (QKeySequence.Save,), "save", "Save the network"),
    ("save_as", "Save &as…", ("Ctrl+Shift+S",), "save_as", "Save the network under a new name"),
    None,
    ("recent", "Open &recent", (), None, "Networks opened or saved lately"),
    None,
    ("export_png", "Export curves as &PNG…", (), "export_curves_png", "Save the curves as an image"),
    ("export_svg", "Export curves as S&VG…", (), "export_curves_svg", "Save the curves as a vector drawing"),
    ("export_csv", "Export curves as &CSV…", (), "export_curves_csv", "Save the curves' numbers"),
    None,
    ("quit", "&Quit", ("Ctrl+Q",), "close", "Close the workbench"),
)
TRAIN_ACTIONS = (
    ("train", "&Train", ("Ctrl+T", "F5"), "train_from_panel",
     "Train the current network with the training panel's settings"),
    ("pause", "&Pause / resume", ("Ctrl+P",), "toggle_pause", "Pause training between batches, or go on"),
    ("stop", "&Stop", ("Esc", "Ctrl+."), "stop_training", "Stop after the current batch"),
    None,
    ("evaluate", "&Evaluate on the test set", ("Ctrl+E",), "evaluate",
     "Run the whole test set through the network (confusion matrix)"),
)


def _add_actions(window, menu, table):
    for entry in table:
        if entry is None:
            menu.addSeparator()
            continue
        name, text, shortcuts, method, tip = entry
        if method is None:  # a submenu
            submenu = menu.addMenu(text)
            submenu.setToolTipsVisible(True)
            window.actions_by_name[name] = submenu.menuAction()
            window.recent_menu = submenu
            continue
        action = QAction(text, window, toolTip=tip, statusTip=tip)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(lambda checked=False, m=method: getattr(window, m)())
        window.addAction(action)  # shortcuts work wherever the focus is in the window
        menu.addAction(action)
        window.actions_by_name[name] = action


def build_menus(window, docks):
    """File, Train and View menus; View lists every dock plus Reset layout."""
    window.actions_by_name = {}
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    _add_actions(window, file_menu, FILE_ACTIONS)
    window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
    _add_actions(window, bar.addMenu("&Train"), TRAIN_ACTIONS)
    view_menu = bar.addMenu("&View")
    for spec, dock in docks:
        action = dock.toggleViewAction()
        action.setShortcut(QKeySequence(spec.shortcut))
        action.setToolTip(f"Show or hide the {spec.title.lower()} panel")
        view_menu.addAction(action)
        window.actions_by_name[f"view_{spec.name}"] = action
    view_menu.addSeparator()
    reset = view_menu.addAction("&Reset layout")
    reset.setToolTip("Put every panel back where it started")
    reset.triggered.connect(lambda checked=False: window.reset_layout())
    window.actions_by_name["reset_layout"] = reset
    return bar
