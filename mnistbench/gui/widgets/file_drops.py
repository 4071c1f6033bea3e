"""Dragged files, read the same way by the window, its docks and the panels that take drops.

An exception escaping a drag or drop handler can kill the process, so these
log it instead.
"""

import logging

logger = logging.getLogger(__name__)


def local_paths(event) -> list:
    return [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]


def accept_file_drag(event) -> None:
    """A drag that carries URLs may drop here."""
    try:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
    except Exception:  # an exception escaping an event handler can kill the process
        logger.exception("drag refused")
