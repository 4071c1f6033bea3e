"""Start the workbench: the QApplication, logging, the error hook, the main window, the first session.

An exception that escapes a slot or an event handler reaches ``sys.excepthook``
(PySide prints it through the hook and goes on); here the hook logs it at
ERROR on the ``mnistbench`` logger, so it shows in the log panel and the
status bar as well as on stderr — never lost. Tests leave the hook to
pytest-qt, which fails the test instead.
"""

import logging
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mnistbench import __version__
from mnistbench.bundled import resolve_network
from mnistbench.errors import MnistbenchError

logger = logging.getLogger("mnistbench")


def log_uncaught(kind, error, traceback) -> None:
    """``sys.excepthook``: one ERROR record with the traceback attached (stderr gets it in full)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logger.error("unexpected error: %s: %s", kind.__name__, error, exc_info=(kind, error, traceback))


def run(argv=None) -> int:
    """Open the workbench window and run until it closes; returns the exit code.

    A network file given on the command line is opened after the session starts.
    """
    argv = list(sys.argv if argv is None else argv)
    stderr = logging.StreamHandler()  # warnings, errors and tracebacks also on the terminal
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(stderr)
    sys.excepthook = log_uncaught
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("mnistbench")
    app.setOrganizationName("mnistbench")
    app.setApplicationVersion(__version__)
    from mnistbench.gui.window.main_window import MainWindow  # after QApplication: panels may need it

    window = MainWindow()
    window.show()
    files = [arg for arg in argv[1:] if not arg.startswith("-")]

    def start():
        window.session.start()
        for name_or_path in files:  # a file, or a bundled network's name (`python main.py classic-784-30-10`)
            try:
                path = resolve_network(name_or_path)
            except MnistbenchError as error:
                logger.error("%s", error)
                continue
            window.files.open_network(path)

    QTimer.singleShot(0, start)  # the window is on screen before any question is asked
    seconds = os.environ.get("MNISTBENCH_PREVIEW_SECONDS")  # a test's look at the whole window
    if seconds:
        QTimer.singleShot(int(1000 * float(seconds)), window.close)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(run())
