"""Where the workbench keeps per-user state: its settings file and the recovery network.

Both live in the per-user config folder (``$MNISTBENCH_CONFIG`` overrides it,
so tests never touch a real user's files). The recovery file is written after
every epoch, so a crash costs at most one epoch of training; the next start
offers to restore it.

A recovery file that cannot be read (a transient "Permission denied", a file
from a newer mnistbench, damage) is never deleted or overwritten: it is set
aside under a dated name, or, if even that fails, this session writes its own
recovery file beside it.
"""

import logging
import os
import time
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from mnistbench.netfile import load_network, save_network

logger = logging.getLogger(__name__)
SETTINGS_FILE = "workbench.ini"
RECOVERY_FILE = "recovery.nn"
BESIDE_FILE = "recovery-beside.nn"  # this session's file while an unreadable recovery.nn stays in place
_active_name = RECOVERY_FILE  # the file this session writes and clears
_left_in_place = set()  # paths of unreadable recovery files that could not be moved aside


def config_dir() -> Path:
    """The per-user settings folder, created on demand."""
    folder = Path(os.environ.get("MNISTBENCH_CONFIG") or platformdirs.user_config_dir("mnistbench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_settings() -> QSettings:
    """An INI-format QSettings in the config folder (readable, and easy to delete)."""
    return QSettings(str(config_dir() / SETTINGS_FILE), QSettings.IniFormat)


def recovery_path() -> Path:
    """The recovery file this session writes (``recovery.nn`` unless an unreadable one is kept there)."""
    return config_dir() / _active_name


def write_recovery(net) -> Path:
    """Save ``net`` atomically as the recovery file (called from the training thread)."""
    path = recovery_path()
    save_network(net, path)
    return path


def read_recovery():
    """The recovered network, or None when there is none (raises NetworkFileError if unreadable).

    A file left beside an unreadable ``recovery.nn`` by an earlier session counts too; this
    session then goes on writing (and clearing) the file it read.
    """
    global _active_name
    path = recovery_candidate()
    if path is None:
        _active_name = _name_to_write()
        return None
    _active_name = path.name
    return load_network(path)  # a FIFO or a folder there is refused in one line, never blocks


def _name_to_write() -> str:
    """recovery.nn, else the first name beside the unreadable files left in place."""
    for name in (RECOVERY_FILE, BESIDE_FILE, f"recovery-{os.getpid()}.nn"):
        if str(config_dir() / name) not in _left_in_place:
            return name
    return f"recovery-{os.getpid()}-{time.time_ns()}.nn"


def recovery_candidate() -> Path | None:
    """The file ``read_recovery`` reads, or None (an unreadable file left in place is passed over)."""
    for name in (RECOVERY_FILE, BESIDE_FILE):
        if str(config_dir() / name) not in _left_in_place and os.path.lexists(config_dir() / name):
            return config_dir() / name
    return None


def set_aside_unreadable() -> str:
    """Keep an unreadable recovery file out of the way, never deleting it; one line saying where it is.

    It is renamed ``recovery-unreadable-<date>.nn``; when the rename fails too, it stays where it
    is and this session writes ``recovery-beside.nn`` instead.
    """
    global _active_name
    path = recovery_candidate()
    if path is None:
        return "the recovery file is gone"
    kept = path.with_name(f"recovery-unreadable-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.nn")
    try:
        os.rename(path, kept)
    except OSError as error:
        _left_in_place.add(str(path))
        _active_name = _name_to_write()
        return (f"it stays as {path} (cannot rename it: {error.strerror or error}); "
                f"this session writes {recovery_path()} instead")
    return f"it is kept as {kept}; open it with File → Open once it can be read"


def clear_recovery() -> None:
    """Forget this session's recovery file: the work is saved, discarded or restored."""
    try:
        recovery_path().unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        logger.warning("%s: cannot remove the recovery file (%s)", recovery_path(), error.strerror or error)
