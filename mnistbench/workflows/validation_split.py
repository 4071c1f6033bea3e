"""Which images train and which validate: one seeded rule for the CLI, the window and the bench.

- ``holdout`` > 0: that many training images, picked by a permutation seeded
  with ``config.seed``, validate and are never trained on;
- early stopping without a holdout: 10 % of the training images, the same way
  (judging on the test set would leak it into the choice of weights);
- otherwise the test half validates — for the curves only, as the original
  tool did; nothing is chosen by it;
- a dataset without a test half: 10 % of the training images, the same way.

The images stay uint8 pixels (n, 784), a quarter of float32's memory (47 MB
for 60,000 images, not 188): the engine scales each mini-batch to [0, 1] as
it trains. With ``config.binarize`` every image that trains or validates is
made black and white here (pixels 0 and 255), once, before the engine sees it.
"""

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from mnistbench.data import to_inputs
from mnistbench.errors import ConfigError

AUTO_HOLDOUT_FRACTION = 0.1
BINARY_THRESHOLD = 0.5  # binarize: inputs at or above it become 1, the rest 0
BINARY_PIXEL_THRESHOLD = math.ceil(BINARY_THRESHOLD * 255)  # the same rule on pixels: p / 255 >= 0.5 when p >= 128


@dataclass(frozen=True, eq=False)
class TrainingData:
    X: np.ndarray  # uint8 (n, 784) pixels to train on (a view of the dataset's images when none are held out)
    y: np.ndarray  # int64 (n,)
    validation: Optional[tuple]  # (X, y) that validates, X uint8 (m, 784) like ``X``; or None
    description: str  # one line for the log: where the validation images come from
    held_out: Optional[np.ndarray] = None  # indices of the training images that validate, when held out


def training_data(dataset, config, holdout=0) -> TrainingData:
    """Split ``dataset`` by the rule above; ``holdout`` is a count of training images."""
    dataset.require_train()
    to_pixels = black_and_white_pixels if config.binarize else pixels
    X, y = to_pixels(dataset.train_images), dataset.train_labels
    if holdout < 0:
        raise ConfigError(f"holdout must be 0 or more images, not {holdout}")
    if not holdout and (config.early_stopping_patience or not dataset.n_test):
        holdout = int(len(X) * AUTO_HOLDOUT_FRACTION)
    if holdout >= len(X):
        raise ConfigError(f"holding out {holdout:,} images leaves no training data "
                          f"({dataset.name} has {len(X):,} training images)")
    if holdout:
        order = np.random.default_rng(config.seed).permutation(len(X))
        keep, held = order[holdout:], order[:holdout]
        return TrainingData(X[keep], y[keep], (X[held], y[held]),
                            f"{holdout:,} training images held out for validation", held)
    if dataset.n_test:
        return TrainingData(X, y, (to_pixels(dataset.test_images), dataset.test_labels),
                            "validation curves sample the test set (it is never trained on)")
    return TrainingData(X, y, None, "no validation: too few images to hold any out")


def pixels(images):
    """uint8 (n, 28, 28) images -> uint8 (n, 784) rows, a view (no copy) of the images."""
    images = np.asarray(images)
    if images.dtype != np.uint8:  # floats would reach the engine unscaled
        raise ValueError(f"pixels needs uint8 (n, 28, 28) images, got {images.dtype} {images.shape}")
    return images.reshape(len(images), -1)


def black_and_white_pixels(images):
    """uint8 (n, 28, 28) images -> uint8 (n, 784) pixels of 0 and 255: black-and-white digits."""
    return np.where(pixels(images) >= BINARY_PIXEL_THRESHOLD, np.uint8(255), np.uint8(0))


def binarized(images):
    """uint8 (n, 28, 28) images -> float32 (n, 784) inputs of 0 and 1: black-and-white digits."""
    return to_inputs(black_and_white_pixels(images))


def black_and_white(X):
    """float32 inputs in [0, 1] -> the same inputs as 0 and 1."""
    return (X >= BINARY_THRESHOLD).astype(np.float32)
