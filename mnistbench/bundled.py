"""The networks shipped inside the package (``mnistbench/networks/*.nn``), found by name.

They are package data, so they are found with ``importlib.resources`` and not
beside a checkout: a wheel or a plain ``pip install`` carries them too. Every
command that takes a network file also takes one of these names
(``resolve_network``), so ``mnistbench test best-mnist`` works from any folder.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path

from mnistbench.errors import NetworkFileError
from mnistbench.netfile import DEFAULT_EXTENSION, read_network_file

PACKAGE = "mnistbench"
FOLDER = "networks"  # inside the package; pyproject's package-data names it too


@dataclass(frozen=True)
class BundledNetwork:
    """What `mnistbench networks` shows of one shipped file (read from its header and trailer)."""

    name: str
    path: Path
    layer_sizes: tuple
    held_out_accuracy: float | None
    held_out_set: str  # what the accuracy was measured on, "" when the record does not say
    dataset: str  # what it was trained on, "" when the record does not say
    size_bytes: int


def bundled_folder() -> Path:
    """The package folder holding the bundled networks (a real folder: pip unpacks wheels)."""
    folder = importlib.resources.files(PACKAGE).joinpath(FOLDER)
    if not isinstance(folder, Path):  # a zipped or exotic install: say so, never guess a path
        raise NetworkFileError(f"the bundled networks are not in a folder on disk ({folder})")
    return folder


def bundled_names() -> list[str]:
    """Names of the bundled networks (file names without ``.nn``), sorted."""
    folder = bundled_folder()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if p.is_file() and p.suffix == DEFAULT_EXTENSION)


def bundled_path(name: str) -> Path | None:
    """The file of bundled network ``name`` (``.nn`` optional), or None when there is none."""
    stem = name[: -len(DEFAULT_EXTENSION)] if name.endswith(DEFAULT_EXTENSION) else name
    if stem not in bundled_names():  # also keeps names like "../x" out of the package folder
        return None
    return bundled_folder() / (stem + DEFAULT_EXTENSION)


def resolve_network(name_or_path) -> Path:
    """A network file given by path, else by bundled name; one-line error when it is neither."""
    path = Path(name_or_path)
    if path.exists() and not path.is_dir():
        return path  # a FIFO or a device too: load_network says what it is
    bundled = bundled_path(str(name_or_path)) if path.name == str(name_or_path) else None
    if bundled is not None:
        return bundled
    if path.is_dir():
        raise NetworkFileError(f"{path}: is a folder, not a network file")
    names = ", ".join(bundled_names()) or "none installed"
    raise NetworkFileError(f"{name_or_path}: no such file, and not a bundled network (bundled: {names})")


def is_bundled(path) -> bool:
    """True for a file inside the bundled networks' folder: those are never overwritten."""
    try:
        return Path(path).resolve().parent == bundled_folder().resolve()
    except NetworkFileError:
        return False


def list_bundled() -> list[BundledNetwork]:
    """Every bundled network with its shape and its recorded held-out accuracy."""
    networks = []
    for name in bundled_names():
        path = bundled_folder() / (name + DEFAULT_EXTENSION)
        contents = read_network_file(path)
        record = contents.metadata.get("training", {})
        accuracy = record.get("held_out_accuracy")
        if isinstance(accuracy, bool) or not isinstance(accuracy, (int, float)):
            accuracy = None
        networks.append(BundledNetwork(
            name, path, tuple(contents.layer_sizes), None if accuracy is None else float(accuracy),
            str(record.get("held_out_set", "")), _dataset_name(record.get("dataset")), path.stat().st_size))
    return networks


def _dataset_name(recorded) -> str:
    """The dataset's name from a training record (a name, or an object with one since the workflow layer)."""
    if isinstance(recorded, dict):
        recorded = recorded.get("name", "")
    return recorded if isinstance(recorded, str) else ""
