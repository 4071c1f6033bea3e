"""A small network trained for real, shared by the introspection and input-panel tests.

Trains on the 8,000 real training digits of ``$MNISTBENCH_DATASETS/mnist-10k-split``
when that folder is there, otherwise on synthetic digits from ``idx_factory`` —
either way in about a second, once per test process.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from idx_factory import synthetic_digits
from mnistbench.data import load_dataset, to_inputs
from mnistbench.engine.network import Network


@lru_cache(maxsize=1)
def training_digits(n: int = 8000) -> tuple[np.ndarray, np.ndarray]:
    """uint8 (n, 28, 28) images and int64 (n,) labels: real MNIST when available."""
    folder = Path(os.environ.get("MNISTBENCH_DATASETS", "")) / "mnist-10k-split"
    if os.environ.get("MNISTBENCH_DATASETS") and folder.is_dir():
        dataset = load_dataset(folder)
        return dataset.train_images[:n], dataset.train_labels[:n].astype(np.int64)
    return synthetic_digits(n, seed=0)


@lru_cache(maxsize=4)
def _trained(activation: str, hidden: tuple, epochs: int) -> Network:
    images, labels = training_digits()
    net = Network([784, *hidden, 10], activation=activation, output="softmax",
                  loss="cross_entropy", init="he" if "relu" in activation else "xavier", seed=0)
    net.fit(to_inputs(images), labels, epochs=epochs, validation_size=0, evaluations_per_epoch=0)
    return net


def trained_network(activation: str = "relu", hidden: tuple = (64,), epochs: int = 3) -> Network:
    """A fresh copy of a cached trained network (tests may change theirs freely)."""
    return _trained(activation, tuple(hidden), epochs).copy()


def mean_image() -> np.ndarray:
    """float32 (784,): the average training digit, imagine's "mean" start."""
    return to_inputs(training_digits()[0]).mean(axis=0)
