"""Download MNIST from its public mirrors into the per-user cache, checked and resumable.

Each file goes to ``name.part`` first, resumes with an HTTP Range request when a
partial file is there (restarting cleanly if the server ignores Range), and is
renamed into place only once its size and SHA-256 match the published table.
Offline, the one-line error says how to use a folder of files fetched by hand.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mnistbench.data import datasets
from mnistbench.errors import DownloadError


@dataclass(frozen=True)
class ExpectedFile:
    """A file we know by name, exact size in bytes and SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


MNIST_FILES = (  # published checksums, see ../shared/datasets/README.md
    ExpectedFile("train-images-idx3-ubyte.gz", 9912422,
                 "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    ExpectedFile("train-labels-idx1-ubyte.gz", 28881,
                 "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    ExpectedFile("t10k-images-idx3-ubyte.gz", 1648877,
                 "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    ExpectedFile("t10k-labels-idx1-ubyte.gz", 4542,
                 "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
)
DEFAULT_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 20.0
ATTEMPTS_PER_MIRROR = 3  # a mirror that drops the connection gets retried while it makes progress
HOW_TO_GO_OFFLINE = ("download the four files yourself and run `mnistbench data import FOLDER`, "
                     "or choose the folder in the workbench")


class DownloadCancelled(DownloadError):
    """The caller's ``cancel()`` returned True; the ``.part`` file is kept for resuming."""


class _MirrorFailed(Exception):
    """This mirror cannot give us this file; try the next one."""


class _Interrupted(Exception):
    """The transfer broke off partway; the ``.part`` file holds what arrived."""


@dataclass
class _Job:
    """Progress bookkeeping over all files: ``progress(done_bytes, total_bytes, filename)``."""

    progress: object
    cancel: object
    total: int
    done: int = 0  # bytes of the files already finished

    def report(self, file_bytes: int, filename: str) -> None:
        if self.progress is not None:
            self.progress(self.done + file_bytes, self.total, filename)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise DownloadCancelled("download cancelled; the partial file is kept and resumes next time")


def download_mnist(progress=None, cancel=None, mirrors=DEFAULT_MIRRORS, cache_dir=None,
                   files=MNIST_FILES, timeout=TIMEOUT_SECONDS, name="mnist") -> Path:
    """Fetch ``files`` into ``<cache>/datasets/<name>/`` and return that folder.

    ``progress(done_bytes, total_bytes, filename)`` counts over all files;
    ``cancel()`` returning True stops between chunks (``threading.Event.is_set`` fits).
    Files already there with the right checksum are not fetched again.
    """
    folder = Path(cache_dir or datasets.cache_dir()) / "datasets" / name
    folder.mkdir(parents=True, exist_ok=True)
    job = _Job(progress, cancel, total=sum(f.size for f in files))
    for expected in files:
        job.check_cancel()
        target = folder / expected.name
        if not (target.is_file() and _matches(target, expected)):
            _fetch(expected, target, mirrors, job, timeout)
        job.report(expected.size, expected.name)
        job.done += expected.size
    return folder


def _matches(path: Path, expected: ExpectedFile) -> bool:
    """True when ``path`` has exactly the expected size and SHA-256."""
    if path.stat().st_size != expected.size:
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == expected.sha256


def _fetch(expected: ExpectedFile, target: Path, mirrors, job: _Job, timeout: float) -> None:
    """Try each mirror in order until one delivers the file with the right checksum."""
    part = target.with_name(target.name + ".part")
    failures, delivered = [], False
    for mirror in mirrors:
        host = urlsplit(mirror).netloc or mirror
        problem = _try_mirror(mirror.rstrip("/") + "/" + expected.name, part, expected, job, timeout)
        if problem is None:
            os.replace(part, target)
            return
        failures.append(f"{host}: {problem}")
        delivered |= part.exists() or problem == "SHA-256 mismatch"
    what = (f"cannot download {expected.name} from any MNIST mirror" if delivered
            else "cannot reach any MNIST mirror")
    raise DownloadError(f"{what} ({'; '.join(failures) or 'no mirrors given'}); {HOW_TO_GO_OFFLINE}")


def _try_mirror(url: str, part: Path, expected: ExpectedFile, job: _Job, timeout: float):
    """Complete and verify ``part`` from one mirror; None on success, else why not.

    A resumed file that fails its checksum may hold stale bytes from elsewhere,
    so it gets one more try from scratch before the mirror is given up.
    """
    while True:
        resumed = _size(part) > 0
        try:
            _fetch_from(url, part, expected, job, timeout)
        except _MirrorFailed as exc:
            if part.exists() and _size(part) == 0:
                part.unlink()
            return str(exc)
        if _matches(part, expected):
            return None
        part.unlink()
        if not resumed:
            return "SHA-256 mismatch"


def _fetch_from(url: str, part: Path, expected: ExpectedFile, job: _Job, timeout: float) -> None:
    """Complete ``part`` from one mirror, retrying while the connection keeps making progress."""
    reason = "no attempt made"
    for _ in range(ATTEMPTS_PER_MIRROR):
        before = _size(part)
        try:
            _transfer(url, part, expected, job, timeout)
            return
        except _Interrupted as exc:
            if _size(part) <= before:
                raise _MirrorFailed(str(exc)) from None
            reason = str(exc)
    raise _MirrorFailed(f"{reason}; partial file kept, resumes next time")


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _open_url(url: str, have: int, timeout: float):
    """Send the request, with a Range header when resuming; map failures to ``_MirrorFailed``."""
    headers = {"User-Agent": "mnistbench", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _MirrorFailed(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise _MirrorFailed(getattr(exc.reason, "strerror", None) or str(exc.reason)) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _MirrorFailed(str(exc) or type(exc).__name__) from None


def _transfer(url: str, part: Path, expected: ExpectedFile, job: _Job, timeout: float) -> None:
    """One HTTP request appending to ``part`` until it has ``expected.size`` bytes."""
    have = _size(part)
    if have > expected.size:
        part.unlink()
        have = 0
    if have == expected.size:
        return
    with _open_url(url, have, timeout) as response:
        content_range = response.headers.get("Content-Range", "")
        if not (have and response.status == 206 and content_range.startswith(f"bytes {have}-")):
            have = 0  # a fresh request, or a server that ignored Range: start over
        length = response.headers.get("Content-Length")
        if length is not None and length.isdigit() and have + int(length) != expected.size:
            raise _MirrorFailed(f"serves {have + int(length):,} bytes, expected {expected.size:,}")
        with open(part, "ab" if have else "wb") as out:
            have = _copy(response, out, have, expected, job)
            out.flush()
            os.fsync(out.fileno())
    if have < expected.size:
        raise _Interrupted(f"connection closed after {have:,} of {expected.size:,} bytes")


def _copy(response, out, have: int, expected: ExpectedFile, job: _Job) -> int:
    """Stream the body to ``out`` in chunks, checking ``cancel`` and the size limit."""
    while True:
        job.check_cancel()
        try:
            chunk = response.read(CHUNK_BYTES)
        except (OSError, http.client.HTTPException) as exc:
            raise _Interrupted(f"transfer broke off after {have:,} of {expected.size:,} bytes "
                               f"({type(exc).__name__})") from None
        if not chunk:
            return have
        if have + len(chunk) > expected.size:
            out.truncate(0)
            raise _MirrorFailed(f"sends more than the expected {expected.size:,} bytes")
        out.write(chunk)
        have += len(chunk)
        job.report(have, expected.name)
