"""Opening the workbench from `python main.py` or `mnistbench gui`.

Without a display there is no window to open: say so in one line and point
to the command line, which does everything but draw. Qt is imported only
once we know a window can open.
"""

import os
import sys


def has_display() -> bool:
    """False on Linux without X11/Wayland, unless Qt was told which platform to use."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def open_workbench(argv) -> int:
    """Run the workbench with ``argv`` (program name first, then network files); exit code."""
    if not has_display():
        print("mnistbench: no display found (DISPLAY/WAYLAND_DISPLAY unset), so the workbench cannot "
              "open; the command line works here: mnistbench --help", file=sys.stderr)
        return 1
    try:
        from mnistbench.gui.app import run
    except ImportError as error:
        install = f'{sys.executable} -m pip install "PySide6-Essentials>=6.6,<6.12" "pyqtgraph>=0.13.3"'
        print(f"mnistbench: the workbench needs PySide6 and pyqtgraph ({error}); install them into this "
              f"Python with: {install} (in a source checkout, ./dev.sh gui sets everything up); "
              "the command line works without them: mnistbench --help", file=sys.stderr)
        return 1
    return run(argv)
