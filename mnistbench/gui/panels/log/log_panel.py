"""The log dock: a view of the ``mnistbench`` logger, one timestamped line per record.

The window and the panels log with ``logging.getLogger(__name__)``; a
``LogHandler`` hands each record to the GUI thread through a signal (records
may come from any thread) and the panel shows it, coloured by level. A
"success" is an INFO record logged with ``extra={"success": True}``. Lines are
plain text underneath (selectable, copyable, savable as a .txt).
"""

import html
import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from mnistbench.gui.widgets.palette import NEUTRAL, hex_of
from mnistbench.gui.widgets.preview import preview_app, run_preview

logger = logging.getLogger(__name__)
COLOURS = {"debug": NEUTRAL.quiet, "info": None, "success": NEUTRAL.success, "warning": NEUTRAL.warning,
           "error": NEUTRAL.error}
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "success": logging.INFO,
          "warning": logging.WARNING, "error": logging.ERROR}
MAX_LINES = 10000  # the oldest lines go first beyond this


def style_of(record: logging.LogRecord) -> str:
    """debug, info, success, warning or error: how a record is coloured."""
    if record.levelno >= logging.ERROR:
        return "error"
    if record.levelno >= logging.WARNING:
        return "warning"
    if record.levelno < logging.INFO:
        return "debug"
    return "success" if record.__dict__.get("success") else "info"


class LogRelay(QObject):
    sig_record = Signal(object)  # logging.LogRecord, delivered on the GUI thread


class LogHandler(logging.Handler):
    """A logging handler whose records arrive as ``relay.sig_record`` (queued from other threads)."""

    def __init__(self, level=logging.INFO):
        super().__init__(level)
        self.relay = LogRelay()

    def emit(self, record: logging.LogRecord) -> None:
        self.relay.sig_record.emit(record)


class LogView(QPlainTextEdit):
    """Lines that stay at the newest when the dock is resized (Qt keeps the top line in sight), unless
    the user had scrolled back to read."""

    def resizeEvent(self, event):
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum()
        super().resizeEvent(event)
        if at_end:
            bar.setValue(bar.maximum())


class LogPanel(QWidget):
    """``show_record(record)`` appends a line; Copy, Save… and Clear act on all of it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = LogView(readOnly=True)
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

    def show_record(self, record: logging.LogRecord) -> None:
        """Append ``HH:MM:SS [level: ]message``, coloured by the record's level."""
        stamp = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        style = style_of(record)
        prefix = "" if style in ("info", "success") else f"{style}: "
        text = html.escape(f"{stamp} {prefix}{record.getMessage()}")
        colour = COLOURS[style]
        self.view.appendHtml(f'<span style="color:{hex_of(colour)}">{text}</span>' if colour
                             else f"<span>{text}</span>")

    def log(self, message: str, level: str = "info") -> None:
        """Show a line without going through ``logging`` (previews, tests); ``level`` as in LEVELS."""
        self.show_record(logging.makeLogRecord({"msg": message, "levelno": LEVELS[level],
                                                "levelname": logging.getLevelName(LEVELS[level]),
                                                "success": level == "success"}))

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
                logger.error("%s: cannot save the log (%s)", path, error.strerror or error)

    def clear(self) -> None:
        self.view.clear()

    def keyPressEvent(self, event):  # Ctrl+C with nothing selected copies everything
        if event.matches(QKeySequence.Copy):
            self.copy_to_clipboard()
            return
        super().keyPressEvent(event)


def _preview():
    preview_app()
    panel = LogPanel()
    handler = LogHandler()
    handler.relay.sig_record.connect(panel.show_record)
    preview_logger = logging.getLogger("mnistbench.preview")
    preview_logger.setLevel(logging.INFO)
    preview_logger.propagate = False
    preview_logger.addHandler(handler)
    preview_logger.info("started the workbench")
    preview_logger.info("epoch 1/3: loss 0.31, validation accuracy 94.2 %", extra={"success": True})
    preview_logger.warning("no training set found")
    panel.log("bad.nn: not a network file (it looks like a PNG image)", "error")
    panel.resize(600, 240)
    run_preview(panel)


if __name__ == "__main__":
    _preview()
