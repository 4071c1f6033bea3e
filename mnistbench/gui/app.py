"""Start the workbench: the QApplication, the settings, the main window, the first session."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mnistbench import __version__


def run(argv=None) -> int:
    """Open the workbench window and run until it closes; returns the exit code.

    A network file given on the command line is opened after the session starts.
    """
    argv = list(sys.argv if argv is None else argv)
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("mnistbench")
    app.setOrganizationName("mnistbench")
    app.setApplicationVersion(__version__)
    from mnistbench.gui.window.main_window import MainWindow  # after QApplication: panels may need it

    window = MainWindow()
    window.show()
    files = [arg for arg in argv[1:] if not arg.startswith("-")]

    def start():
        window.start_session()
        for path in files:
            window.open_network(path)

    QTimer.singleShot(0, start)  # the window is on screen before any question is asked
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(run())
