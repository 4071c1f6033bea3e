"""Files dropped anywhere on the workbench: networks open, folders become the dataset.

Qt delivers a drop to the innermost widget that accepts drops. Text editors
and spin boxes accept dropped files as text (a path typed into the learning
rate), so the window turns their drops off; they then fall through to the
dock, which hands them to the window. Panels that open some files themselves
(the digit pad opens images) emit ``sig_files_dropped`` with the rest.
"""

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit

from mnistbench.gui.widgets.file_drops import local_paths

logger = logging.getLogger(__name__)
TEXT_TAKERS = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit, QAbstractItemView)


def stop_text_drops(container) -> None:
    """Editors inside ``container`` stop taking dropped files as text: the drop reaches the dock."""
    for kind in TEXT_TAKERS:
        for widget in container.findChildren(kind):
            widget.setAcceptDrops(False)
            if isinstance(widget, QAbstractItemView):
                widget.viewport().setAcceptDrops(False)


def drop_files(event, open_paths) -> None:
    """Accept the drop and call ``open_paths(paths)`` once the drop has returned (never inside it)."""
    try:
        paths = local_paths(event)
        event.acceptProposedAction()
        if not paths:
            logger.warning("dropped something that is not a local file or folder")
            return
        QTimer.singleShot(0, lambda: open_paths(paths))
    except Exception:  # an exception escaping an event handler can kill the process
        logger.exception("drop refused")
