"""Saving without ever leaving a half-written file: write beside it, fsync, then rename.

Network files, IDX files and pictures all save through here, so a crash, a
full disk or Ctrl-C mid-write leaves either the old file or the new one —
never a mix, and never a stray temporary. A temporary that a killed process
left behind (kill -9 mid-write) is removed the next time a file is saved
there.
"""

import contextlib
import os
import re
import secrets
import time

STALE_SECONDS = 60  # a temporary untouched this long belongs to a writer that died


def write_atomically(path, chunks):
    """Write the byte strings ``chunks`` to ``path``; raises OSError, which callers turn into one line."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    remove_stale_temporaries(path)
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o666)  # 0o666 & ~umask, like any new file
    try:
        with open(descriptor, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:  # Ctrl-C mid-write too: never leave the temporary behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def remove_stale_temporaries(path, now=None):
    """Delete our own temporaries for ``path`` (``.<name>.<8 hex>.tmp``) not written to for a minute."""
    folder, name = os.path.split(os.path.abspath(os.fspath(path)))
    pattern = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp")
    now = time.time() if now is None else now
    with contextlib.suppress(OSError):  # an unlistable folder: the write itself will say why
        with os.scandir(folder) as entries:
            for entry in entries:
                if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False) \
                        and now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS:
                    with contextlib.suppress(FileNotFoundError):  # another writer removed it first
                        os.unlink(entry.path)


def _fsync_folder(folder):
    """Make the rename itself durable where the system allows it (POSIX)."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            descriptor = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
