"""Nielsen's ``mnist.pkl.gz``: his ``load_data_wrapper`` without unpickling, and its import as IDX.

The file holds MNIST as three ``(images, labels)`` pairs — 50,000 training,
10,000 validation and 10,000 test digits, images ``float32 (n, 784)`` of
``pixel / 256``, labels ``int64 (n,)`` — read by ``numpy_pickle``, which runs
nothing in the file. ``load_data_wrapper`` hands them out as the book's code
expects them; ``import_nielsen_pickle`` turns them into an IDX dataset folder.
"""

import tempfile
from pathlib import Path

import numpy as np

from mnistbench.data.datasets import import_folder
from mnistbench.data.idx import write_idx
from mnistbench.data.numpy_pickle import read_pickled_arrays
from mnistbench.errors import DatasetError

DEFAULT_PLACES = ("mnist.pkl.gz", "data/mnist.pkl.gz", "../data/mnist.pkl.gz")  # where the book's code keeps it
PARTS = ("training", "validation", "test")
N_PIXELS = 28 * 28


def load_data(path=None):
    """((images, labels) training, validation, test): float32 (n, 784) in [0, 1), int64 (n,) in 0..9."""
    path = _find(path)
    contents = read_pickled_arrays(path)
    if not (isinstance(contents, tuple) and len(contents) == 3):
        raise DatasetError(f"{path}: holds {_kind(contents)}, not mnist.pkl.gz's three (images, labels) pairs")
    return tuple(_check_part(path, part, pair) for part, pair in zip(PARTS, contents))


def load_data_wrapper(path=None):
    """(training_data, validation_data, test_data) as Nielsen's ``mnist_loader`` returns them.

    ``training_data``: a list of ``(x, y)``, x a float32 (784, 1) column, y a
    one-hot float64 (10, 1) column; the other two: lists of ``(x, label)``.
    ``path`` defaults to the first of ``DEFAULT_PLACES`` that exists.
    """
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = load_data(path)
    targets = np.eye(10)[train_y].reshape(-1, 10, 1)
    training = list(zip(train_x.reshape(-1, N_PIXELS, 1), targets))
    validation = list(zip(valid_x.reshape(-1, N_PIXELS, 1), valid_y))
    test = list(zip(test_x.reshape(-1, N_PIXELS, 1), test_y))
    return training, validation, test


def to_images(inputs):
    """float (n, 784) pixels in [0, 1] -> uint8 (n, 28, 28); the book's ``v / 256`` comes back exactly."""
    scale = 256.0 if np.all(inputs * 256.0 == np.round(inputs * 256.0)) else 255.0
    return np.clip(np.round(inputs * scale), 0, 255).astype(np.uint8).reshape(-1, 28, 28)


def import_nielsen_pickle(path, name=None, replace=False):
    """Import mnist.pkl.gz as an IDX dataset: training + validation (60,000) train, the rest test.

    ``name`` defaults to the file's name up to its first dot ("mnist").
    Returns the ``DatasetLocation`` of the imported folder.
    """
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = load_data(path)
    name = name or Path(path).name.split(".")[0]
    with tempfile.TemporaryDirectory(prefix="mnistbench-pkl-") as folder:
        folder = Path(folder)
        write_idx(folder / "train-images-idx3-ubyte.gz", to_images(np.concatenate([train_x, valid_x])))
        write_idx(folder / "train-labels-idx1-ubyte.gz", np.concatenate([train_y, valid_y]).astype(np.uint8))
        write_idx(folder / "t10k-images-idx3-ubyte.gz", to_images(test_x))
        write_idx(folder / "t10k-labels-idx1-ubyte.gz", test_y.astype(np.uint8))
        return import_folder(folder, name, replace=replace)


def _find(path):
    if path is not None:
        return Path(path)
    for place in DEFAULT_PLACES:
        if Path(place).is_file():
            return Path(place)
    raise DatasetError(f"mnist.pkl.gz not found (looked for {', '.join(DEFAULT_PLACES)}); give its path")


def _check_part(path, part, pair):
    """One (images, labels) pair, checked: images float (n, 784) in [0, 1], labels ints in 0..9."""
    if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(a, np.ndarray) for a in pair)):
        raise DatasetError(f"{path}: the {part} part holds {_kind(pair)}, not an (images, labels) pair of arrays")
    images, labels = pair
    if images.dtype.kind != "f" or images.ndim != 2 or images.shape[1] != N_PIXELS:
        raise DatasetError(f"{path}: {part} images are {images.dtype} {images.shape}, not float (n, 784)")
    if labels.dtype.kind not in "iu" or labels.shape != (len(images),):
        raise DatasetError(f"{path}: {part} labels are {labels.dtype} {labels.shape} for {len(images):,} images")
    if len(images) and not (np.isfinite(images).all() and images.min() >= 0 and images.max() <= 1):
        raise DatasetError(f"{path}: {part} images have pixel values outside 0..1")
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise DatasetError(f"{path}: {part} labels lie in {labels.min()}..{labels.max()}, not 0..9")
    return images.astype(np.float32, copy=False), labels.astype(np.int64, copy=False)


def _kind(value):
    return f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__
