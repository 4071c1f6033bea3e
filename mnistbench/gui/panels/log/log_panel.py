"""The log dock: one timestamped line for everything that happens, errors in red.

Lines are plain text underneath (selectable, copyable, savable as a .txt);
only their colour says the level.
"""

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

LEVEL_COLOURS = {"debug": "#808080", "info": None, "success": "#2e8b3a",
                 "warning": "#c07000", "error": "#d03030"}
MAX_LINES = 10000  # the oldest lines go first beyond this


class LogPanel(QWidget):
    """``log(message, level)`` appends a line; Copy, Save… and Clear act on all of it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = QPlainTextEdit(readOnly=True)
        self.view.setMaximumBlockCount(MAX_LINES)
        self.view.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.view.setToolTip("Everything the workbench did, newest last; select text to copy it")
        buttons = QHBoxLayout()
        for text, tip, slot in (("Copy", "Copy the selection, or the whole log when nothing is selected",
                                 self.copy_to_clipboard),
                                ("Save…", "Save the whole log as a text file", self.save_dialog),
                                ("Clear", "Remove every line from the log", self.clear)):
            button = QPushButton(text, toolTip=tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.view)
        layout.addLayout(buttons)

    def log(self, message: str, level: str = "info") -> None:
        """Append ``HH:MM:SS  message``, coloured by ``level`` (info, success, warning, error, debug)."""
        stamp = datetime.now().strftime("%H:%M:%S")
        prefix = "" if level in ("info", "success") else f"{level}: "
        text = html.escape(f"{stamp}  {prefix}{message}")
        colour = LEVEL_COLOURS.get(level)
        self.view.appendHtml(f'<span style="color:{colour}">{text}</span>' if colour
                             else f"<span>{text}</span>")

    def text(self) -> str:
        return self.view.toPlainText()

    def copy_to_clipboard(self) -> None:
        selected = self.view.textCursor().selectedText().replace("\u2029", "\n")
        QGuiApplication.clipboard().setText(selected or self.text())

    def save(self, path) -> None:
        Path(path).write_text(self.text() + "\n", encoding="utf-8")

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save log", "mnistbench-log.txt", "Text (*.txt)")
        if path:
            try:
                self.save(path)
            except OSError as error:
                self.log(f"{path}: cannot save the log ({error.strerror or error})", "error")

    def clear(self) -> None:
        self.view.clear()

    def keyPressEvent(self, event):  # Ctrl+C with nothing selected copies everything
        if event.matches(QKeySequence.Copy):
            self.copy_to_clipboard()
            return
        super().keyPressEvent(event)


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    panel = LogPanel()
    panel.log("started the workbench")
    panel.log("epoch 1/3: loss 0.31, validation accuracy 94.2 %", "success")
    panel.log("no training set found", "warning")
    panel.log("bad.nn: not a network file (it looks like a PNG image)", "error")
    panel.resize(600, 240)
    panel.show()
    app.exec()
