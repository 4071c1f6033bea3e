"""Where the workbench keeps per-user state: its settings file and the recovery network.

Both live in the per-user config folder (``$MNISTBENCH_CONFIG`` overrides it,
so tests never touch a real user's files). The recovery file is written after
every epoch, so a crash costs at most one epoch of training; the next start
offers to restore it.
"""

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from mnistbench.netfile import load_network, save_network

SETTINGS_FILE = "workbench.ini"
RECOVERY_FILE = "recovery.nn"


def config_dir() -> Path:
    """The per-user settings folder, created on demand."""
    folder = Path(os.environ.get("MNISTBENCH_CONFIG") or platformdirs.user_config_dir("mnistbench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_settings() -> QSettings:
    """An INI-format QSettings in the config folder (readable, and easy to delete)."""
    return QSettings(str(config_dir() / SETTINGS_FILE), QSettings.IniFormat)


def recovery_path() -> Path:
    return config_dir() / RECOVERY_FILE


def write_recovery(net) -> Path:
    """Save ``net`` atomically as the recovery file (called from the training thread)."""
    path = recovery_path()
    save_network(net, path)
    return path


def read_recovery():
    """The recovered network, or None when there is none (raises NetworkFileError if damaged)."""
    path = recovery_path()
    return load_network(path) if path.is_file() else None


def clear_recovery() -> None:
    """Forget the recovery file: the work is saved, discarded or restored."""
    try:
        recovery_path().unlink()
    except FileNotFoundError:
        pass
