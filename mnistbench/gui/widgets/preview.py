"""Running a panel alone (``python -m mnistbench.gui.panels.<panel>.<module>``) for a quick look.

``MNISTBENCH_PREVIEW_SECONDS`` closes the preview after that many seconds, so
a test can run every preview offscreen and see that it starts and ends cleanly.
"""

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def preview_app() -> QApplication:
    """The application a preview builds its widgets in (one per process)."""
    return QApplication.instance() or QApplication(sys.argv)


def run_preview(widget) -> int:
    """Show ``widget`` and run until it is closed (or the preview time is up); the exit code."""
    app = preview_app()
    widget.show()
    seconds = os.environ.get("MNISTBENCH_PREVIEW_SECONDS")
    if seconds:
        QTimer.singleShot(int(1000 * float(seconds)), app.quit)
    return app.exec()
