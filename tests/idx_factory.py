"""Small synthetic IDX datasets for tests: digit-like strokes that a tiny network learns fast.

Each class is a hand-placed polyline shaped roughly like its digit, drawn with a
soft 3-px pen, then shifted by up to 2 px, dimmed at random and sprinkled with
noise. The ten shapes overlap little, so even a 784-16-10 network separates
them within an epoch or two — enough for GUI and CLI tests to see learning.

    from idx_factory import write_synthetic_dataset
    folder = write_synthetic_dataset(tmp_path / "digits", n_train=500, n_test=100, seed=0)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from mnistbench.data.idx import write_idx

# (x, y) corners of each class's strokes in a 28x28 box; None starts a new stroke.
STROKES = {
    0: [(14, 4), (19, 6), (21, 14), (19, 22), (14, 24), (9, 22), (7, 14), (9, 6), (14, 4)],
    1: [(11, 8), (15, 4), (15, 24)],
    2: [(8, 8), (12, 4), (18, 5), (20, 10), (8, 23), (21, 23)],
    3: [(8, 5), (19, 5), (13, 13), (20, 17), (17, 23), (8, 22)],
    4: [(17, 24), (17, 4), (7, 17), (22, 17)],
    5: [(20, 4), (9, 4), (8, 13), (17, 12), (20, 18), (16, 23), (7, 22)],
    6: [(19, 4), (11, 11), (8, 19), (12, 24), (18, 22), (19, 16), (13, 14), (8, 17)],
    7: [(6, 5), (21, 5), (12, 24)],
    8: [(14, 14), (9, 9), (14, 4), (19, 9), (14, 14), (8, 19), (14, 24), (20, 19), (14, 14)],
    9: [(19, 10), (14, 14), (9, 10), (14, 4), (19, 10), (18, 24)],
}
STANDARD_NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _segment_distance(x: np.ndarray, y: np.ndarray, start, end) -> np.ndarray:
    """Distance of each pixel centre (x, y) to the segment start-end."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / max(dx * dx + dy * dy, 1e-9), 0.0, 1.0)
    return np.hypot(x - (x0 + t * dx), y - (y0 + t * dy))


@lru_cache(maxsize=1)
def templates() -> np.ndarray:
    """The ten clean class images, float64 (10, 28, 28) in [0, 1]."""
    y, x = np.mgrid[0:28, 0:28].astype(np.float64)
    result = np.zeros((10, 28, 28))
    for digit, points in STROKES.items():
        distance = np.full((28, 28), np.inf)
        for start, end in zip(points[:-1], points[1:]):
            distance = np.minimum(distance, _segment_distance(x, y, start, end))
        result[digit] = np.clip(2.0 - distance, 0.0, 1.0)
    return result


def synthetic_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` balanced, shuffled examples: uint8 images (n, 28, 28) and int64 labels (n,)."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 10).astype(np.int64)
    clean = templates().astype(np.float32)[labels]
    clean *= rng.uniform(0.6, 1.0, size=(n, 1, 1)).astype(np.float32)
    shifts = rng.integers(-2, 3, size=(n, 2))
    images = np.empty_like(clean)
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            rows = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
            images[rows] = np.roll(clean[rows], (dy, dx), axis=(1, 2))
    speckle = rng.random(images.shape, dtype=np.float32)
    images += np.where(speckle < 0.08, speckle * 4.0, 0.0).astype(np.float32)  # up to 0.32
    np.clip(images, 0.0, 1.0, out=images)
    return np.round(images * 255).astype(np.uint8), labels


def write_dataset(folder, train=None, test=None, gzip: bool = True) -> Path:
    """Write ``(images, labels)`` halves under the standard names; ``None`` leaves a half out."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gzip else ""
    for half, arrays in (("train", train), ("test", test)):
        if arrays is not None:
            for name, array in zip(STANDARD_NAMES[half], arrays):
                write_idx(folder / (name + suffix), np.asarray(array), gzip=gzip)
    return folder


def write_synthetic_dataset(folder, n_train: int = 500, n_test: int = 100, seed: int = 0,
                            gzip: bool = True) -> Path:
    """Write the four standard files of a learnable synthetic dataset into ``folder``.

    ``n_test=0`` or ``n_train=0`` still writes that half (with zero items); the
    training and test halves use different seeds so they never share examples.
    """
    train = synthetic_digits(n_train, seed=seed)
    test = synthetic_digits(n_test, seed=seed + 1_000_003)
    return write_dataset(folder, train=train, test=test, gzip=gzip)
