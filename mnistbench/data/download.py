"""Download MNIST or Fashion-MNIST from public mirrors into the per-user cache, checked and resumable.

Files arrive in ``<cache>/downloads/<name>/``: each goes to ``file.part`` first,
resumes with an HTTP Range request when a partial file is there (restarting
cleanly if the server ignores Range), and counts only once its size and SHA-256
match the published table (``sources.py``). Only when all four are there do they
move to ``<cache>/datasets/<name>/``, so a failed download never leaves a half
dataset (or an empty folder) where `data list` and `data import` look. Offline,
the one-line error names the files, the mirrors and the `data import` command.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mnistbench.data import datasets
from mnistbench.data.connections import Transfers
from mnistbench.data.http_fetch import CHUNK_BYTES, fetch_from_mirror, matches
from mnistbench.data.sources import (
    DEFAULT_MIRRORS,
    FASHION_MNIST_FILES,
    MNIST_FILES,
    SOURCES,
    DatasetSource,
    ExpectedFile,
)
from mnistbench.errors import DownloadError

__all__ = ["CHUNK_BYTES", "DEFAULT_MIRRORS", "FASHION_MNIST_FILES", "MNIST_FILES", "SOURCES", "DatasetSource",
           "DownloadCancelled", "ExpectedFile", "Transfers", "download_dataset", "download_mnist", "staging_folder"]
TIMEOUT_SECONDS = 20.0  # to connect, and for each read: a silent server is left after this
FILE_TIMEOUT_SECONDS = 600.0  # a whole file from one mirror: a trickling one is left for the next


class DownloadCancelled(DownloadError):
    """The caller's ``cancel()`` returned True; the ``.part`` file is kept for resuming."""


@dataclass
class _Job:
    """Progress bookkeeping over all files: ``progress(done_bytes, total_bytes, filename)``."""

    progress: object
    cancel: object
    total: int
    done: int = 0  # bytes of the files already finished
    transfers: Transfers = field(default_factory=Transfers)  # open connections, for Cancel to shut
    deadline: float = math.inf  # time.monotonic() after which the current mirror is too slow

    def report(self, file_bytes: int, filename: str) -> None:
        if self.progress is not None:
            self.progress(self.done + file_bytes, self.total, filename)

    def check_cancel(self) -> None:
        if self.transfers.interrupted or (self.cancel is not None and self.cancel()):
            raise DownloadCancelled("download cancelled; the partial file is kept and resumes next time")


def staging_folder(name: str, cache_dir=None) -> Path:
    """Where a download of dataset ``name`` collects its files (and ``.part`` files) until complete."""
    return Path(cache_dir or datasets.cache_dir()) / "downloads" / name


def download_dataset(name: str, progress=None, cancel=None, cache_dir=None, timeout=TIMEOUT_SECONDS,
                     source: DatasetSource | None = None, transfers: Transfers | None = None,
                     file_timeout=FILE_TIMEOUT_SECONDS) -> Path:
    """Fetch dataset ``name`` ("mnist", "fashion-mnist") into ``<cache>/datasets/<name>/``; that folder.

    ``progress(done_bytes, total_bytes, filename)`` counts over all files;
    ``cancel()`` returning True stops between chunks (``threading.Event.is_set`` fits), and
    ``transfers.interrupt()`` from another thread stops a read that is blocked. ``timeout``
    bounds connecting and each read, ``file_timeout`` each file from one mirror.
    Files already there with the right checksum are not fetched again.
    """
    try:
        return _download(name, progress, cancel, cache_dir, timeout, source, transfers or Transfers(),
                         file_timeout)
    except OSError as exc:  # a folder where a file should be, a full disk, a read-only cache
        where = exc.filename or cache_dir or datasets.cache_dir()
        raise DownloadError(f"{where}: cannot store the download ({exc.strerror or exc})") from None


def _download(name, progress, cancel, cache_dir, timeout, source, transfers, file_timeout) -> Path:
    if source is None:
        if name not in SOURCES:
            raise DownloadError(f"no download known for '{name}' (known: {', '.join(SOURCES)})")
        source = SOURCES[name]
    folder = Path(cache_dir or datasets.cache_dir()) / "datasets" / name
    staging = staging_folder(name, cache_dir)
    job = _Job(progress, cancel, total=sum(f.size for f in source.files), transfers=transfers)
    try:
        for expected in source.files:
            job.check_cancel()
            if not ((folder / expected.name).is_file() and matches(folder / expected.name, expected)):
                _fetch(expected, staging / expected.name, source, name, job, (timeout, file_timeout))
            job.report(expected.size, expected.name)
            job.done += expected.size
    finally:
        _remove_empty(staging)
    _publish(staging, folder, source.files)
    return folder


def download_mnist(progress=None, cancel=None, mirrors=DEFAULT_MIRRORS, cache_dir=None,
                   files=MNIST_FILES, timeout=TIMEOUT_SECONDS, name="mnist", transfers=None,
                   file_timeout=FILE_TIMEOUT_SECONDS) -> Path:
    """MNIST (or ``files`` from ``mirrors``, for tests) into ``<cache>/datasets/<name>/``."""
    return download_dataset(name, progress, cancel, cache_dir, timeout,
                            source=DatasetSource("MNIST", tuple(files), tuple(mirrors)), transfers=transfers,
                            file_timeout=file_timeout)


def _fetch(expected: ExpectedFile, target: Path, source: DatasetSource, name: str, job: _Job,
           timeouts: tuple) -> None:
    """Bring ``target`` (in the staging folder) to the expected file from the first mirror that can."""
    timeout, file_timeout = timeouts
    if target.is_file() and matches(target, expected):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    failures, delivered = [], False
    for mirror in source.mirrors:
        host = urlsplit(mirror).netloc or mirror
        job.deadline = time.monotonic() + file_timeout
        problem = fetch_from_mirror(mirror.rstrip("/") + "/" + expected.name, part, expected, job, timeout)
        if problem is None:
            os.replace(part, target)
            return
        failures.append(f"{host}: {problem}")
        delivered |= part.exists() or problem == "SHA-256 mismatch"
    what = (f"cannot download {expected.name} from any {source.label} mirror" if delivered
            else f"cannot reach any {source.label} mirror")
    raise DownloadError(f"{what} ({'; '.join(failures) or 'no mirrors given'}); {offline_hint(source, name)}")


def offline_hint(source: DatasetSource, name: str) -> str:
    """How to get the dataset without this program's download: the files, the mirrors, the command."""
    names = [f.name for f in source.files]
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    mirrors = " or ".join(source.mirrors) or "a mirror"
    return (f"to go on offline, fetch {listed} from {mirrors} into one folder and run "
            f"`mnistbench data import FOLDER --name {name}`, or choose the folder in the workbench")


def _publish(staging: Path, folder: Path, files) -> None:
    """Move the verified files from the staging folder into the dataset folder, then drop staging."""
    folder.mkdir(parents=True, exist_ok=True)
    for expected in files:
        if (staging / expected.name).is_file():
            os.replace(staging / expected.name, folder / expected.name)
    _remove_empty(staging)


def _remove_empty(staging: Path) -> None:
    """Remove the staging folder (and ``downloads/``) when nothing is left in it to resume."""
    for path in (staging, staging.parent):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
