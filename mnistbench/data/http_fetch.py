"""One file from one mirror over HTTP: resumed with Range, retried while it makes progress.

``fetch_from_mirror`` completes ``file.part`` and checks its size and SHA-256;
it returns None on success, else the reason this mirror failed (one phrase),
so the caller can try the next mirror and name them all in its message.
``job`` is the caller's progress keeper: ``job.report(bytes_of_this_file, name)``
after each chunk and ``job.check_cancel()`` (raises to stop) before each.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path

from mnistbench.data.sources import ExpectedFile

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
    return path.stat().st_size if path.exists() else 0


def _open_url(url: str, have: int, timeout: float):
    """Send the request, with a Range header when resuming; map failures to ``MirrorFailed``."""
    headers = {"User-Agent": "mnistbench", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
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
    with _open_url(url, have, timeout) as response:
        content_range = response.headers.get("Content-Range", "")
        if not (have and response.status == 206 and content_range.startswith(f"bytes {have}-")):
            have = 0  # a fresh request, or a server that ignored Range: start over
        length = response.headers.get("Content-Length")
        if length is not None and length.isdigit() and have + int(length) != expected.size:
            raise MirrorFailed(f"serves {have + int(length):,} bytes, expected {expected.size:,}")
        with open(part, "ab" if have else "wb") as out:
            have = _copy(response, out, have, expected, job)
            out.flush()
            os.fsync(out.fileno())
    if have < expected.size:
        raise _Interrupted(f"connection closed after {have:,} of {expected.size:,} bytes")


def _copy(response, out, have: int, expected: ExpectedFile, job) -> int:
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
            raise MirrorFailed(f"sends more than the expected {expected.size:,} bytes")
        out.write(chunk)
        have += len(chunk)
        job.report(have, expected.name)
