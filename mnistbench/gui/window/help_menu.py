"""The Help menu: every keyboard shortcut, the README, and an About box with versions.

The shortcut list is built from the window's actions (the menu tables), so it
cannot drift from what the keys do. The README comes from the installed
package's metadata (a wheel carries it as the description), else from the
checkout this module runs from.
"""

import importlib.metadata
import logging
import platform
from pathlib import Path

import numpy as np
import pyqtgraph
import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QMessageBox, QTableWidget,
                               QTableWidgetItem, QTextBrowser, QVBoxLayout)

from mnistbench.gui.window.mnemonics import give_mnemonics
from mnistbench.version import __version__

logger = logging.getLogger(__name__)
CHECKOUT_README = Path(__file__).resolve().parents[3] / "README.md"  # an editable install's README


def shortcut_rows(actions) -> list:
    """(menu text without mnemonics, shortcuts as the platform writes them) for every action that has keys."""
    rows = []
    for action in actions:
        keys = ", ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())
        if keys:
            rows.append((action.text().replace("&&", "\0").replace("&", "").replace("\0", "&"), keys))
    return rows


def versions() -> list:
    """(component, version) pairs for the About box and bug reports."""
    return [("mnistbench", __version__), ("Python", platform.python_version()), ("NumPy", np.__version__),
            ("PySide6", PySide6.__version__), ("Qt", qVersion()), ("pyqtgraph", pyqtgraph.__version__)]


def readme_text() -> str:
    """The README: the installed package's description, else the checkout's README.md ("" if neither)."""
    try:
        description = importlib.metadata.metadata("mnistbench").get_payload() or ""
    except importlib.metadata.PackageNotFoundError:
        description = ""
    if description.strip():
        return description
    return CHECKOUT_README.read_text(encoding="utf-8") if CHECKOUT_README.is_file() else ""


def with_close_button(dialog, content, width, height) -> None:
    """Lay ``dialog`` out as ``content`` above a Close button, ``width`` x ``height`` to start."""
    buttons = QDialogButtonBox(QDialogButtonBox.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(content)
    layout.addWidget(buttons)
    dialog.resize(width, height)


class ShortcutsDialog(QDialog):
    """A table of every action and its keys."""

    def __init__(self, rows, parent=None):
        super().__init__(parent, windowTitle="Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 2, editTriggers=QTableWidget.NoEditTriggers)
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        for row, (text, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(text))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        with_close_button(self, self.table, 460, 520)


class ReadmeDialog(QDialog):
    def __init__(self, text, parent=None):
        super().__init__(parent, windowTitle="mnistbench README")
        self.browser = QTextBrowser(openExternalLinks=True)
        self.browser.setMarkdown(text)
        with_close_button(self, self.browser, 760, 640)


class HelpMenu:
    """Builds the Help menu on ``window``'s menu bar; ``shortcuts``, ``readme`` and ``about`` are its actions."""

    def __init__(self, window, actions):
        self.window, self.window_actions = window, actions
        self.dialog = None  # the dialog shown last (tests close it)
        menu = window.menuBar().addMenu("&Help")
        self.shortcuts = self._add(menu, "&Keyboard shortcuts", "Ctrl+/", self.show_shortcuts,
                                   "Every action of the menus and its keys")
        self.readme = self._add(menu, "&README", "F1", self.show_readme, "How to use mnistbench")
        self.about = self._add(menu, "&About mnistbench", "", self.show_about,
                               "Versions of mnistbench and of what it runs on")

    def _add(self, menu, text, key, run, tip):
        action = QAction(text, self.window, toolTip=tip, statusTip=tip)
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(run)
        self.window.addAction(action)
        menu.addAction(action)
        return action

    def all(self) -> list:
        return [self.shortcuts, self.readme, self.about]

    def show_shortcuts(self) -> None:
        self._show(ShortcutsDialog(shortcut_rows(self.window_actions.all() + self.all()), self.window))

    def show_readme(self) -> None:
        text = readme_text()
        if not text:
            logger.error("no README found: the package metadata has no description and %s is missing",
                         CHECKOUT_README)
            return
        self._show(ReadmeDialog(text, self.window))

    def show_about(self) -> None:
        rows = "".join(f"<tr><td>{name}</td><td>&nbsp;{version}</td></tr>" for name, version in versions())
        box = QMessageBox(QMessageBox.Information, "About mnistbench",
                          "<b>mnistbench</b>: a neural network from scratch, trained on digits and opened up."
                          f"<table>{rows}</table>", QMessageBox.Close, self.window)
        box.setTextFormat(Qt.RichText)
        self._show(give_mnemonics(box))

    def _show(self, dialog) -> None:
        """Non-modal, so the window stays usable (and tests can read and close it)."""
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.show()
