"""One file from one mirror over HTTP: resumed with Range, retried while it makes progress.

``fetch_from_mirror`` completes ``file.part`` and checks its size and SHA-256;
it returns None on success, else the reason this mirror failed (one phrase),
so the caller can try the next mirror and name them all in its message.
``job`` is the caller's progress keeper: ``job.report(bytes_of_this_file, name)``
after each chunk, ``job.check_cancel()`` (raises to stop) before each,
``job.deadline`` (monotonic seconds) after which a slow mirror is given up, and
``job.transfers``, the open connections, which Cancel shuts down from another
thread so that a read blocked on a silent server returns at once.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import stat
import time
import urllib.error
import urllib.request
from pathlib import Path

from mnistbench.data.connections import Transfers, opener
from mnistbench.data.sources import ExpectedFile
from mnistbench.errors import DownloadError

CHUNK_BYTES = 64 * 1024
ATTEMPTS_PER_MIRROR = 3  # a mirror that drops the connection gets retried while it makes progress


class MirrorFailed(Exception):
    """This mirror cannot give us this file; try the next one."""


class _Interrupted(Exception):
    """The transfer broke off partway; the ``.part`` file holds what arrived."""


def matches(path: Path, expected: ExpectedFile) -> bool:
    """True when ``path`` has exactly the expected size and SHA-256."""
    if path.stat().st_size != expected.size:
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == expected.sha256


def fetch_from_mirror(url: str, part: Path, expected: ExpectedFile, job, timeout: float):
    """Complete and verify ``part`` from one mirror; None on success, else why not.

    A resumed file that fails its checksum may hold stale bytes from elsewhere,
    so it gets one more try from scratch before the mirror is given up.
    """
    while True:
        resumed = _size(part) > 0
        try:
            _fetch_from(url, part, expected, job, timeout)
        except MirrorFailed as exc:
            if part.exists() and _size(part) == 0:
                part.unlink()
            return str(exc)
        if matches(part, expected):
            return None
        part.unlink()
        if not resumed:
            return "SHA-256 mismatch"


def _fetch_from(url: str, part: Path, expected: ExpectedFile, job, timeout: float) -> None:
    """Complete ``part`` from one mirror, retrying while the connection keeps making progress."""
    reason = "no attempt made"
    for _ in range(ATTEMPTS_PER_MIRROR):
        before = _size(part)
        try:
            _transfer(url, part, expected, job, timeout)
            return
        except _Interrupted as exc:
            if _size(part) <= before:
                raise MirrorFailed(str(exc)) from None
            reason = str(exc)
    raise MirrorFailed(f"{reason}; partial file kept, resumes next time")


def _size(path: Path) -> int:
    """Bytes in a partial file; a link or anything but a regular file there is refused, never followed."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return 0
    if not stat.S_ISREG(info.st_mode):
        raise DownloadError(f"{path}: is not a regular file (a link?); remove it and download again")
    return info.st_size


def _open_part(part: Path, append: bool):
    """Open the partial file without following a link placed at its path (O_NOFOLLOW)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    flags |= os.O_APPEND if append else os.O_TRUNC
    try:
        descriptor = os.open(part, flags, 0o666)
    except OSError:
        if part.is_symlink():
            raise DownloadError(f"{part}: is a link, not a partial download; remove it and download "
                                "again") from None
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise DownloadError(f"{part}: is not a regular file; remove it and download again")
    return open(descriptor, "ab" if append else "wb")


def _open_url(url: str, have: int, timeout: float, transfers: Transfers):
    """Send the request, with a Range header when resuming; map failures to ``MirrorFailed``."""
    headers = {"User-Agent": "mnistbench", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        return opener(transfers).open(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise MirrorFailed(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise MirrorFailed(getattr(exc.reason, "strerror", None) or str(exc.reason)) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise MirrorFailed(str(exc) or type(exc).__name__) from None


def _transfer(url: str, part: Path, expected: ExpectedFile, job, timeout: float) -> None:
    """One HTTP request appending to ``part`` until it has ``expected.size`` bytes."""
    have = _size(part)
    if have > expected.size:
        part.unlink()
        have = 0
    if have == expected.size:
        return
    with _open_url(url, have, timeout, job.transfers) as response:
        content_range = response.headers.get("Content-Range", "")
        if not (have and response.status == 206 and content_range.startswith(f"bytes {have}-")):
            have = 0  # a fresh request, or a server that ignored Range: start over
        length = response.headers.get("Content-Length")
        if length is not None and length.isdigit() and have + int(length) != expected.size:
            raise MirrorFailed(f"serves {have + int(length):,} bytes, expected {expected.size:,}")
        with _open_part(part, append=bool(have)) as out:
            have = _copy(response, out, have, expected, job)
            out.flush()
            os.fsync(out.fileno())
    if have < expected.size:
        raise _Interrupted(f"connection closed after {have:,} of {expected.size:,} bytes")


def _copy(response, out, have: int, expected: ExpectedFile, job) -> int:
    """Stream the body to ``out`` in chunks, checking cancel, the deadline and the size limit."""
    while True:
        job.check_cancel()
        if time.monotonic() > job.deadline:
            raise MirrorFailed(f"too slow: {have:,} of {expected.size:,} bytes in the time allowed; "
                               "partial file kept")
        try:
            chunk = response.read1(CHUNK_BYTES)  # what has arrived: a trickle still reaches the deadline check
        except (OSError, http.client.HTTPException) as exc:
            job.check_cancel()  # Cancel shut the connection down: that is not the mirror's fault
            raise _Interrupted(f"transfer broke off after {have:,} of {expected.size:,} bytes "
                               f"({type(exc).__name__})") from None
        if not chunk:
            job.check_cancel()
            return have
        if have + len(chunk) > expected.size:
            out.truncate(0)
            raise MirrorFailed(f"sends more than the expected {expected.size:,} bytes")
        out.write(chunk)
        have += len(chunk)
        job.report(have, expected.name)
