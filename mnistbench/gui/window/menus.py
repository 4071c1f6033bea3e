"""The workbench's menus and shortcuts: one table per menu, each entry holding the callable it runs.

``build_menus`` returns ``WindowActions``, whose typed attributes let the
window enable or disable actions (and tests trigger every one of them).
"""

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QScrollArea

from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.colour_legend import ColourLegendDialog
from mnistbench.gui.window.help_menu import HelpMenu

logger = logging.getLogger(__name__)
PALETTE_SETTING = "view/palette"


@dataclass
class WindowActions:
    initialise: QAction = None
    open: QAction = None
    save: QAction = None
    save_as: QAction = None
    recent_menu: object = None  # QMenu, filled when it opens
    export_png: QAction = None
    export_svg: QAction = None
    export_csv: QAction = None
    export_confusion: QAction = None
    export_drawing: QAction = None
    export_weight_maps: QAction = None
    export_imagined: QAction = None
    quit: QAction = None
    train: QAction = None
    pause: QAction = None
    stop: QAction = None
    evaluate: QAction = None
    sweep: QAction = None
    reset_layout: QAction = None
    view: dict = field(default_factory=dict)  # dock name -> its show-and-raise (or hide) action
    help: object = None  # help_menu.HelpMenu
    colours: dict = field(default_factory=dict)  # palette key -> its View → Colours action
    explain_colours: QAction = None
    colour_legend: object = None  # the ColourLegendDialog, made when first asked for

    def all(self) -> list:
        """Every action of every menu (the recent files are rebuilt each time that menu opens)."""
        fixed = [self.initialise, self.open, self.save, self.save_as, self.export_png, self.export_svg,
                 self.export_csv, self.export_confusion, self.export_drawing, self.export_weight_maps,
                 self.export_imagined, self.quit, self.train, self.pause, self.stop, self.evaluate,
                 self.reset_layout, self.sweep]
        return (fixed + list(self.view.values()) + list(self.colours.values()) + [self.explain_colours]
                + (self.help.all() if self.help is not None else []))


def file_table(w):
    """(text, shortcuts, callable, tip); None is a separator."""
    curves = w.curves_panel
    return (
        ("&Initialise network", (), w.files.initialise_from_panel,
         "A fresh network with the shape set in the training panel"),
        ("&Open…", (QKeySequence.Open,), w.files.open_dialog, "Open a network file"),
        ("&Save", (QKeySequence.Save,), w.files.save, "Save the network"),
        ("Save &as…", ("Ctrl+Shift+S",), w.files.save_as, "Save the network under a new name"),
        None,
        ("Export curves as &PNG…", (), curves.export_png_dialog, "Save the curves as an image"),
        ("Export curves as S&VG…", (), curves.export_svg_dialog,
         "Save the curves as a vector drawing"),
        ("Export curves as &CSV…", (), curves.export_csv_dialog, "Save the curves' numbers"),
        ("Export confusion &matrix (PNG or CSV)…", (), _in_front_then(w, "confusion", w.confusion_panel.export_dialog),
         "Save the confusion matrix as a picture or a table"),
        ("Export network &drawing (PNG or SVG)…", (), _in_front_then(w, "inspector", w.inspector_panel.export_drawing_dialog),
         "Save the inspector's drawing of the network"),
        ("Export &weight maps (PNG)…", (), _in_front_then(w, "inspector", w.inspector_panel.export_weight_maps_dialog),
         "Save every first-layer neuron's weight map"),
        ("Export &imagined digits (PNG)…", (), _in_front_then(w, "imagine", w.imagine_panel.export_dialog),
         "Save what the network imagines for the chosen digit"),
        None,
        ("&Quit", ("Ctrl+Q",), w.close, "Close the workbench"),
    )


def train_table(w):
    return (
        ("&Train", ("Ctrl+T", "F5"), w.training.train_from_panel,
         "Train the current network with the training panel's settings"),
        ("&Pause", ("Ctrl+P",), w.training.toggle_pause,
         "Pause training between batches, or go on"),
        ("&Stop", ("Esc", "Ctrl+."), w.training.stop, "Stop after the current batch (Esc works wherever "
                                                       "the focus is while training runs)"),
        None,
        ("&Evaluate on the test set", ("Ctrl+E",), w.training.evaluate,
         "Run the whole test set through the network (confusion matrix)"),
        None,
        ("S&weep…", ("Ctrl+Shift+W",), w.sweeps.open_dialog,
         "Train a grid or random set of settings one after another (Runs dock)"),
    )


def _add_actions(window, menu, table) -> list:
    """The table's actions, in order (separators are not actions)."""
    added = []
    for entry in table:
        if entry is None:
            menu.addSeparator()
            continue
        text, shortcuts, run, tip = entry
        action = QAction(text, window, toolTip=tip, statusTip=tip)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(lambda checked=False, run=run: run())
        window.addAction(action)  # shortcuts work wherever the focus is in the window
        menu.addAction(action)
        added.append(action)
    return added


def _in_front_then(window, name, export):
    """File → Export of a panel: bring it to the front first, so a panel behind a tab has the current
    network (panels out of view get it only when shown) and the user sees what is exported."""
    def run():
        dock = window.docks[name]
        dock.show()
        dock.raise_()
        window.state.set_panel_in_view(name, True)
        export()
    return run


def in_front(dock) -> bool:
    """Shown and not behind another tab (a tabified dock counts as visible even then)."""
    return not dock.isHidden() and (dock.isFloating() or not dock.visibleRegion().isEmpty())


def show_or_hide(dock, action) -> None:
    """View → panel and Alt+1…9: show a panel and bring it to the front; hide it only when it is in front."""
    if in_front(dock):
        dock.hide()
    else:
        dock.show()
        dock.raise_()
        panel = dock.widget()
        (panel.widget() if isinstance(panel, QScrollArea) else panel).setFocus(Qt.ShortcutFocusReason)
    action.setChecked(not dock.isHidden())


def give_escape_to_stop(window, running: bool) -> None:
    """While training runs, Esc is Stop wherever the focus is: a panel's own Esc shortcut (the
    inspector's "clear selection") waits, else the two would be ambiguous and neither would run."""
    escape = QKeySequence(Qt.Key_Escape)
    for panel in window.panel_widgets().values():
        for shortcut in panel.findChildren(QShortcut):
            if shortcut.key() == escape:
                shortcut.setEnabled(not running)


def build_menus(window, docks) -> WindowActions:
    """File, Train and View menus; View lists every dock (``docks``: (DockSpec, dock) pairs) and Reset layout."""
    actions = WindowActions()
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    files = file_table(window)
    actions.initialise, actions.open, actions.save, actions.save_as = _add_actions(window, file_menu, files[:4])
    file_menu.addSeparator()
    actions.recent_menu = file_menu.addMenu("Open &recent")
    actions.recent_menu.setToolTipsVisible(True)
    actions.recent_menu.aboutToShow.connect(window.files.fill_recent_menu)
    (actions.export_png, actions.export_svg, actions.export_csv, actions.export_confusion, actions.export_drawing,
     actions.export_weight_maps, actions.export_imagined, actions.quit) = _add_actions(window, file_menu, files[4:])
    actions.train, actions.pause, actions.stop, actions.evaluate, actions.sweep = \
        _add_actions(window, bar.addMenu("&Train"), train_table(window))
    view_menu = bar.addMenu("&View")
    for spec, dock in docks:
        action = QAction(spec.title, window, checkable=True, checked=not dock.isHidden())
        action.setShortcut(QKeySequence(spec.shortcut))
        action.setToolTip(f"Show the {spec.title.lower()} panel in front (or hide it when it is)")
        action.triggered.connect(lambda checked=False, dock=dock, action=action: show_or_hide(dock, action))
        dock.visibilityChanged.connect(lambda visible, dock=dock, action=action:
                                       action.setChecked(not dock.isHidden()))
        window.addAction(action)
        view_menu.addAction(action)
        actions.view[spec.name] = action
    view_menu.addSeparator()
    actions.reset_layout = view_menu.addAction("&Reset layout")
    actions.reset_layout.setToolTip("Put every panel back where it started")
    actions.reset_layout.triggered.connect(window.reset_layout)
    _build_colours_menu(window, view_menu.addMenu("&Colours"), actions)
    actions.help = HelpMenu(window, actions)
    return actions


def _build_colours_menu(window, menu, actions) -> None:
    """One checkable entry per palette (saved in the settings, applied at once) and the legend."""
    group = QActionGroup(window)
    for key, choice in palette.PALETTES.items():
        action = QAction(choice.title, window, checkable=True)
        action.setToolTip(f"Colour right/wrong and +/− with the {choice.title.lower()} palette")
        action.triggered.connect(lambda checked=False, key=key: use_palette(window, key, actions))
        group.addAction(action)
        menu.addAction(action)
        actions.colours[key] = action
    menu.addSeparator()
    actions.explain_colours = menu.addAction("&Explain the colours…")
    actions.explain_colours.setToolTip("What every colour in the workbench means")
    actions.explain_colours.triggered.connect(lambda: show_colour_legend(window, actions))
    saved = window.settings.value(PALETTE_SETTING, palette.STANDARD.key)
    use_palette(window, saved if isinstance(saved, str) else palette.STANDARD.key, actions, save=False)


def use_palette(window, key, actions: WindowActions, save=True) -> None:
    """Switch every panel to the palette ``key`` now; remember it for the next start."""
    chosen = palette.use(key)
    for action_key, action in actions.colours.items():
        action.setChecked(action_key == chosen.key)
    for panel in (window.inspector_panel, window.confusion_panel, window.image_browser_panel,
                  window.imagine_panel, window.own_digits_panel):
        panel.repaint_colours()
    if save:
        window.settings.setValue(PALETTE_SETTING, chosen.key)
        window.settings.sync()
        logger.info("colours: %s", chosen.title)
    if actions.colour_legend is not None:
        actions.colour_legend.refresh()


def show_colour_legend(window, actions: WindowActions) -> None:
    """The "what the colours mean" dialog, beside the window (not modal)."""
    if actions.colour_legend is None:
        actions.colour_legend = ColourLegendDialog(window)
    actions.colour_legend.refresh()
    actions.colour_legend.show()
    actions.colour_legend.raise_()
