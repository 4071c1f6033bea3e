"""Your own digits: labelled drawings kept from the digit pad, saved in the MNIST layout.

The set lives in ``<per-user data dir>/own-digits/`` (``$MNISTBENCH_CACHE``
overrides the per-user dir) as the training half of an IDX dataset, so it also
loads with ``mnistbench.data.load_dataset(folder)``. Both files are written
into a fresh folder that then replaces the old one, so a crash never leaves
images and labels that disagree: at worst the previous set survives as
``own-digits.old``, which loading falls back to.
"""

import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from mnistbench.data import cache_dir, read_idx, write_idx
from mnistbench.errors import DatasetError

FOLDER_NAME = "own-digits"
IMAGES = "train-images-idx3-ubyte.gz"
LABELS = "train-labels-idx1-ubyte.gz"


def own_digits_dir():
    """Where the kept set is saved."""
    return cache_dir() / FOLDER_NAME


def empty_set():
    """No digits: uint8 (0, 28, 28) images and int64 (0,) labels."""
    return np.empty((0, 28, 28), np.uint8), np.empty(0, np.int64)


def check_set(images, labels, where="own digits"):
    """images uint8 (n, 28, 28), labels integers 0..9 (n,) -> the same as (uint8, int64) arrays."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DatasetError(f"{where}: images must be uint8 (n, 28, 28), not {images.dtype} {images.shape}")
    if labels.shape != (len(images),) or labels.dtype.kind not in "iu":
        raise DatasetError(f"{where}: {len(images)} images need {len(images)} integer labels, "
                           f"not {labels.dtype} {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DatasetError(f"{where}: labels must lie in 0..9")
    return images, labels.astype(np.int64)


def load_own_digits(folder=None):
    """The saved set (images uint8 (n, 28, 28), labels int64 (n,)); empty when none was saved.

    Raises DatasetError (one line naming the file) when the files are damaged.
    """
    folder = Path(folder or own_digits_dir())
    backup = folder.with_name(folder.name + ".old")
    if not (folder / IMAGES).is_file() and (backup / IMAGES).is_file():
        folder = backup  # a save was interrupted between its two renames
    if not (folder / IMAGES).is_file():
        return empty_set()
    images = read_idx(folder / IMAGES)
    labels = read_idx(folder / LABELS)
    return check_set(images, labels, where=str(folder))


def set_aside_unreadable(folder=None):
    """Rename a saved set that could not be read (and its ``.old`` backup) to
    ``own-digits.unreadable-<date>``; returns that path.

    Never deletes it: the next save then starts a new set beside it. Raises DatasetError (one line)
    when it cannot be renamed, so the caller must not save over it.
    """
    folder = Path(folder or own_digits_dir())
    kept = folder.with_name(f"{folder.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    backup = folder.with_name(folder.name + ".old")
    for source, target in ((folder, kept), (backup, kept.with_name(kept.name + ".old"))):
        try:
            if os.path.lexists(source):
                os.rename(source, target)
        except OSError as error:
            raise DatasetError(f"{source}: cannot move the unreadable digits aside "
                               f"({error.strerror or error}); they are not saved over") from None
    return kept


def save_own_digits(images, labels, folder=None):
    """Replace the saved set with (images, labels), atomically; returns the folder.

    Raises DatasetError when the arrays are malformed or the folder cannot be written.
    """
    images, labels = check_set(images, labels)
    folder = Path(folder or own_digits_dir())
    backup = folder.with_name(folder.name + ".old")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError as error:
        raise DatasetError(f"{folder}: cannot save your digits ({error.strerror or error})") from None
    try:
        write_idx(staging / IMAGES, images, gzip=True)
        write_idx(staging / LABELS, labels.astype(np.uint8), gzip=True)
        if folder.exists():
            shutil.rmtree(backup, ignore_errors=True)
            os.replace(folder, backup)
        os.replace(staging, folder)
        shutil.rmtree(backup, ignore_errors=True)
    except OSError as error:
        raise DatasetError(f"{folder}: cannot save your digits ({error.strerror or error})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder
