"""Datasets: where they live, how they load, and the checks that make them trustworthy.

A dataset is a folder with the four standard IDX files (``train-images-idx3-ubyte``,
``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``,
each optionally ``.gz``). Either half may be missing — the shared ``mnist`` folder
holds only the test set — and that must load and say so, not crash: asking a
dataset without a training half for its training images raises a DatasetError
that says how to get them.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import platformdirs

from mnistbench.data.idx import read_idx, read_idx_header
from mnistbench.errors import DatasetError

KNOWN_DATASETS = ("mnist", "fashion-mnist", "mnist-10k-split")
DIGIT_CLASSES = tuple("0123456789")
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
STANDARD_FILES = {  # part -> file stem; ".gz" and the "name.idx3-ubyte" spelling also accepted
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
IMAGE_SHAPE = (28, 28)
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
HOW_TO_GET = {
    "mnist": "run `mnistbench data download`, or `mnistbench data import FOLDER --name mnist`",
    "fashion-mnist": "run `mnistbench data download fashion-mnist`, or "
                     "`mnistbench data import FOLDER --name fashion-mnist`",
}


@dataclass(frozen=True, eq=False)  # eq=False: comparing arrays with == has no single truth value
class Dataset:
    """Images ``uint8 (n, 28, 28)`` and labels ``int64 (n,)``; a missing test half is empty.

    A missing training half is refused where it is used: ``train_images`` and
    ``train_labels`` raise DatasetError (how to get one) instead of handing out
    empty arrays that fail later as a NumPy reshape riddle.
    """

    name: str
    _train_images: np.ndarray
    _train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple
    source: str  # the folder the files came from

    @property
    def train_images(self) -> np.ndarray:
        self.require_train()
        return self._train_images

    @property
    def train_labels(self) -> np.ndarray:
        self.require_train()
        return self._train_labels

    @property
    def n_train(self) -> int:
        return len(self._train_labels)

    @property
    def n_test(self) -> int:
        return len(self.test_labels)

    def describe(self) -> str:
        """One line for logs: what is here, from where, and which half is missing."""
        missing = (" (empty)" if not (self.n_train or self.n_test)
                   else " (test set only)" if not self.n_train
                   else " (training set only)" if not self.n_test else "")
        return (f"{self.name}: {self.n_train:,} training + {self.n_test:,} test images{missing}"
                f" from {self.source}")

    def require_train(self) -> None:
        """Refuse to train on a dataset that has no training half, saying how to get one."""
        if not self.n_train:
            hint = HOW_TO_GET.get(self.name, "choose a folder that has the train-* files")
            raise DatasetError(f"dataset '{self.name}' at {self.source} has no training set "
                               f"(train-* files); {hint}")

    def require_test(self) -> None:
        """Refuse to evaluate on a dataset that has no test half."""
        if not self.n_test:
            raise DatasetError(f"dataset '{self.name}' at {self.source} has no test set (t10k-* files)")


@dataclass(frozen=True)
class DatasetLocation:
    """A dataset folder as seen from its headers only; ``problem`` is "" when they look right."""

    name: str
    folder: Path
    has_train: bool
    has_test: bool
    n_train: int
    n_test: int
    problem: str = ""


def to_inputs(images: np.ndarray) -> np.ndarray:
    """``uint8 (n, 28, 28)`` images -> ``float32 (n, 784)`` network inputs in [0, 1]."""
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim not in (2, 3):
        raise ValueError(f"to_inputs needs uint8 (n, 28, 28) images, got {images.dtype} {images.shape}")
    inputs = images.reshape(len(images), int(np.prod(images.shape[1:]))).astype(np.float32)
    inputs /= 255.0
    return inputs


def cache_dir() -> Path:
    """The per-user folder for downloads and imports; ``$MNISTBENCH_CACHE`` overrides it."""
    return Path(os.environ.get("MNISTBENCH_CACHE") or platformdirs.user_data_dir("mnistbench"))


def dataset_roots() -> list[Path]:
    """Folders of dataset folders: ``$MNISTBENCH_DATASETS`` first, then the user's cache."""
    shared = os.environ.get("MNISTBENCH_DATASETS")
    return ([Path(shared)] if shared else []) + [cache_dir() / "datasets"]


def search_folders(name: str) -> list[Path]:
    """Where a named dataset may live, in the order they are tried."""
    folders = [root / name for root in dataset_roots()]
    if name == "fashion-mnist":
        folders.append(DEBIAN_FASHION_MNIST)
    return folders


def find_files(folder: Path) -> dict[str, Path]:
    """The standard files present in ``folder``, by part (``train_images`` ...)."""
    found = {}
    for part, stem in STANDARD_FILES.items():
        dotted = stem.replace("-idx", ".idx")
        for candidate in (stem + ".gz", stem, dotted + ".gz", dotted):
            if (folder / candidate).is_file():
                found[part] = folder / candidate
                break
    return found


def _check_headers(files: dict[str, Path], half: str) -> int:
    """Check one half's headers (shape, type, matching counts); return its item count."""
    images, labels = files.get(f"{half}_images"), files.get(f"{half}_labels")
    if images is None and labels is None:
        return 0
    if images is None or labels is None:
        present, absent = (images, "labels") if labels is None else (labels, "images")
        raise DatasetError(f"{present}: found, but the matching {half} {absent} file is missing")
    image_header, label_header = read_idx_header(images), read_idx_header(labels)
    if image_header.dtype != np.uint8 or image_header.shape[1:] != IMAGE_SHAPE:
        raise DatasetError(f"{images}: expected uint8 images of 28x28, found "
                           f"{image_header.dtype} of shape {image_header.shape}")
    if label_header.dtype != np.uint8 or len(label_header.shape) != 1:
        raise DatasetError(f"{labels}: expected a list of unsigned-byte labels (IDX type 0x08), found "
                           f"{label_header.dtype.name} of shape {label_header.shape}")
    if image_header.shape[0] != label_header.shape[0]:
        raise DatasetError(f"{labels}: {label_header.shape[0]:,} labels for "
                           f"{image_header.shape[0]:,} images in {images.name}")
    return image_header.shape[0]


def inspect_folder(folder, name: str | None = None) -> DatasetLocation:
    """Describe a dataset folder from its headers alone (fast: nothing is decompressed)."""
    folder = Path(folder)
    files = find_files(folder)
    counts, problem = {"train": 0, "test": 0}, ""
    try:
        if not files:
            expected = ", ".join(STANDARD_FILES.values())
            raise DatasetError(f"{folder}: no IDX dataset files ({expected}, optionally .gz)")
        for half in counts:
            counts[half] = _check_headers(files, half)
    except DatasetError as exc:
        problem = str(exc)
    return DatasetLocation(name or folder.name, folder, "train_images" in files,
                           "test_images" in files, counts["train"], counts["test"], problem)


def available_datasets() -> list[DatasetLocation]:
    """Every dataset folder found in the search places, in lookup order (headers only)."""
    folders = [sub for root in dataset_roots() if root.is_dir() for sub in sorted(root.iterdir())
               if sub.is_dir() and not sub.name.startswith(".") and find_files(sub)]
    found = [inspect_folder(folder) for folder in folders]
    if find_files(DEBIAN_FASHION_MNIST):
        found.append(inspect_folder(DEBIAN_FASHION_MNIST, "fashion-mnist"))
    return found


def locate_dataset(name: str) -> DatasetLocation | None:
    """The folder ``load_dataset(name)`` uses: the first complete one, else the first usable one."""
    found = [inspect_folder(folder, name) for folder in search_folders(name) if find_files(folder)]
    if not found:
        return None
    return min(found, key=lambda loc: (bool(loc.problem), not (loc.has_train and loc.has_test)))


def load_dataset(name_or_folder) -> Dataset:
    """Load a dataset by name ("mnist", "fashion-mnist", "mnist-10k-split", imported) or folder."""
    text = str(name_or_folder)
    is_name = isinstance(name_or_folder, str) and NAME_PATTERN.fullmatch(text)
    if is_name and (text in KNOWN_DATASETS or not Path(text).is_dir()):
        location = locate_dataset(text)
        if location is None:
            looked = ", ".join(str(f) for f in search_folders(text))
            hint = HOW_TO_GET.get(text, "give a folder holding the four IDX files")
            raise DatasetError(f"dataset '{text}' not found{_nearest_name(text)} (looked in {looked}); {hint}")
        return load_folder(location.folder, text)
    folder = Path(name_or_folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such dataset folder (or names: {', '.join(KNOWN_DATASETS)})")
    return load_folder(folder, folder.resolve().name)


def _nearest_name(text: str) -> str:
    """", did you mean 'mnist'?" for a near miss among the known and installed names, else ""."""
    try:
        names = {*KNOWN_DATASETS, *(loc.name for loc in available_datasets())}
    except (DatasetError, OSError):  # listing is only for the hint; the caller's error says the rest
        names = set(KNOWN_DATASETS)
    close = difflib.get_close_matches(text.lower(), sorted(names - {text}), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def load_folder(folder, name: str) -> Dataset:
    """Read and check all four files of ``folder`` (either half may be absent, not both)."""
    folder = Path(folder)
    location = inspect_folder(folder, name)
    if location.problem:
        raise DatasetError(location.problem)
    files = find_files(folder)
    halves = [_read_half(files, half) for half in ("train", "test")]
    classes = FASHION_CLASSES if "fashion" in name.lower() else DIGIT_CLASSES
    return Dataset(name, *halves[0], *halves[1], classes, str(folder))


def _read_half(files: dict[str, Path], half: str) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels of one half, labels checked to lie in 0..9."""
    if f"{half}_images" not in files:
        return np.empty((0, *IMAGE_SHAPE), np.uint8), np.empty(0, np.int64)
    images = read_idx(files[f"{half}_images"])
    labels = read_idx(files[f"{half}_labels"]).astype(np.int64)
    bad = np.flatnonzero((labels < 0) | (labels > 9))
    if bad.size:
        raise DatasetError(f"{files[f'{half}_labels']}: label {labels[bad[0]]} at index "
                           f"{bad[0]} is outside 0..9 ({bad.size:,} such labels)")
    return images, labels


def import_folder(folder, name: str | None = None, replace: bool = False) -> DatasetLocation:
    """Check a user's folder fully, then copy it into the cache so it loads by ``name``.

    ``name`` defaults to the folder's own name (``--name mnist`` makes files fetched
    by hand the ``mnist`` dataset). A same-named cache folder without dataset files
    (an older version's failed download) is replaced without asking.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such folder")
    name = name or folder.resolve().name
    if not NAME_PATTERN.fullmatch(name):
        raise DatasetError(f"dataset name '{name}': use letters, digits, '.', '_' or '-' (at most 64); "
                           "give one with --name")
    load_folder(folder, name)  # raises on anything wrong, before touching the cache
    root = cache_dir() / "datasets"
    target = root / name
    if target.exists() and not replace and find_files(target):
        raise DatasetError(f"dataset '{name}' already exists at {target}; "
                           "choose another name or replace it")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".import-{name}-", dir=root))
    try:
        for source in find_files(folder).values():
            shutil.copyfile(source, staging / source.name)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return inspect_folder(target, name)
