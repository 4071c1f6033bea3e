"""Which images train and which validate: one seeded rule for the CLI, the window and the bench.

- ``holdout`` > 0: that many training images, picked by a permutation seeded
  with ``config.seed``, validate and are never trained on;
- early stopping without a holdout: 10 % of the training images, the same way
  (judging on the test set would leak it into the choice of weights);
- otherwise the test half validates — for the curves only, as the original
  tool did; nothing is chosen by it;
- a dataset without a test half: 10 % of the training images, the same way.

With ``config.binarize`` every image that trains or validates is made black
and white here, once, before the engine sees it.
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from mnistbench.data import to_inputs
from mnistbench.errors import ConfigError

AUTO_HOLDOUT_FRACTION = 0.1
BINARY_THRESHOLD = 0.5  # binarize: inputs at or above it become 1, the rest 0


@dataclass(frozen=True, eq=False)
class TrainingData:
    X: np.ndarray  # float32 (n, 784) inputs to train on
    y: np.ndarray  # int64 (n,)
    validation: Optional[tuple]  # (X, y) that validates, or None
    description: str  # one line for the log: where the validation images come from
    held_out: Optional[np.ndarray] = None  # indices of the training images that validate, when held out


def training_data(dataset, config, holdout=0) -> TrainingData:
    """Split ``dataset`` by the rule above; ``holdout`` is a count of training images."""
    dataset.require_train()
    inputs = binarized if config.binarize else to_inputs
    X, y = inputs(dataset.train_images), dataset.train_labels
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
        return TrainingData(X, y, (inputs(dataset.test_images), dataset.test_labels),
                            "validation curves sample the test set (it is never trained on)")
    return TrainingData(X, y, None, "no validation: too few images to hold any out")


def binarized(images):
    """uint8 (n, 28, 28) images -> float32 (n, 784) inputs of 0 and 1: black-and-white digits."""
    return black_and_white(to_inputs(images))


def black_and_white(X):
    """float32 inputs in [0, 1] -> the same inputs as 0 and 1."""
    return (X >= BINARY_THRESHOLD).astype(np.float32)
