"""One export path for the whole workbench: ask where, name the file, write it, say so.

A panel describes what it can write as ``ExportFormat``s and calls
``export_file``; the helper does the rest the same way for every panel:

    formats = [ExportFormat("PNG image", ".png", self.write_png),
               ExportFormat("CSV table", ".csv", self.write_csv)]
    export_file(self, "confusion matrix", formats, self.export_source)

- the file dialog starts in the last export folder (else the user's documents
  folder) with a name suggested from the network and run (``ExportSource``);
- a name typed without a suffix gets the chosen filter's suffix;
- a write that fails, or writes nothing, is one ERROR line naming the file
  (the log panel and the status bar show it); a written file is one success line.

A format's ``write(path)`` raises ``OSError`` (or ``ValueError``) on failure and
may return False when the user cancelled a follow-up question (PNG size).
Pictures themselves are drawn by ``export_pictures``.
"""

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

logger = logging.getLogger(__name__)
_last_folder = [None]  # the folder of the last export in this session (a Path), or None


@dataclass(frozen=True)
class ExportFormat:
    """One kind of file an export writes: "PNG image", ".png", and the function that writes it."""
    name: str
    suffix: str  # with its dot
    write: Callable[[Path], Optional[bool]]

    @property
    def filter(self) -> str:
        return f"{self.name} (*{self.suffix})"


@dataclass(frozen=True)
class ExportSource:
    """What is exported: the network (file stem, else its shape) and its run; names files, titles pictures."""
    network: str = "untitled"
    run: Optional[int] = None  # runs recorded in the network's training record

    def file_stem(self, what: str) -> str:
        """"mnist-best_run2_curves": only letters, digits, dot, dash and underscore."""
        parts = [self.network, f"run{self.run}" if self.run else "", what]
        return re.sub(r"[^\w.-]+", "-", "_".join(p for p in parts if p)).strip("-")

    def title(self, what: str) -> str:
        """"Training curves — mnist-best, run 2"."""
        run = f", run {self.run}" if self.run else ""
        return f"{what} — {self.network}{run}"


def source_of(path, net) -> ExportSource:
    """The export source for the network ``net`` loaded from (or saved to) ``path`` (either may be None)."""
    if net is None:
        return ExportSource()
    name = Path(path).stem if path else "-".join(map(str, net.layer_sizes))
    runs = net.metadata.get("training", {}).get("runs", [])
    return ExportSource(name, len(runs) if isinstance(runs, list) and runs else None)


def last_export_folder() -> Path:
    """Where the next export dialog starts: the last export's folder, else the documents folder
    (else the home folder: a new account may have no documents folder yet)."""
    folder = _last_folder[0]
    if folder is not None and folder.is_dir():
        return folder
    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def with_suffix(path, export_format: ExportFormat) -> Path:
    """``path`` ending in the format's suffix (added when the name has none of its own)."""
    path = Path(path)
    return path if path.suffix.lower() == export_format.suffix.lower() else \
        path.with_name(path.name + export_format.suffix)


def export_file(parent, what: str, formats, source: ExportSource = ExportSource()) -> Optional[Path]:
    """Ask for a file name for ``what`` (in ``formats``' first by default), write it; the path or None."""
    formats = list(formats)
    start = last_export_folder() / (source.file_stem(what.replace(" ", "_")) + formats[0].suffix)
    chosen, chosen_filter = QFileDialog.getSaveFileName(
        parent, f"Export {what}", str(start), ";;".join(f.filter for f in formats), formats[0].filter)
    if not chosen:
        return None
    by_suffix = [f for f in formats if Path(chosen).suffix.lower() == f.suffix.lower()]
    by_filter = [f for f in formats if f.filter == chosen_filter]
    export_format = (by_suffix or by_filter or formats)[0]
    return write_export(with_suffix(chosen, export_format), export_format, what)


def write_export(path, export_format: ExportFormat, what: str) -> Optional[Path]:
    """Write ``path`` with ``export_format``; log the outcome; the path when a file was written."""
    path = Path(path)
    try:
        if export_format.write(path) is False:
            return None  # the user cancelled a follow-up question
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        logger.error("%s: could not export the %s (%s)", path, what, reason)
        return None
    if not path.is_file() or path.stat().st_size == 0:
        logger.error("%s: could not export the %s (nothing was written)", path, what)
        return None
    _last_folder[0] = path.parent
    logger.info("exported the %s to %s", what, path, extra={"success": True})
    return path
