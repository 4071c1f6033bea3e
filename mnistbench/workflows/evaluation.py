"""Judging a network on a labelled set: accuracy, confusion matrix, recall, precision, which images.

One function family shared by ``mnistbench test``, the bench and the
workbench's confusion panel, so every place reports the same numbers from
the same formulas; the panel's table model only presents an ``Evaluation``.
"""

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from mnistbench.data import to_inputs
from mnistbench.workflows.seen_images import recorded_seen_images
from mnistbench.workflows.training_record import trained_black_and_white
from mnistbench.workflows.validation_split import binarized, black_and_white


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Every image's verdict, tabulated once. Rows of ``confusion`` are true classes, columns predicted."""

    true_labels: np.ndarray  # int64 (n,)
    predicted_labels: np.ndarray  # int64 (n,)
    confidences: np.ndarray  # float (n,): the probability given to the predicted class
    class_names: tuple  # k names; labels lie in 0..k-1
    confusion: np.ndarray  # int64 (k, k)
    cell_order: np.ndarray  # image indices sorted by (true, predicted) cell, stable
    cell_starts: np.ndarray  # (k*k + 1,): cell c holds cell_order[cell_starts[c]:cell_starts[c + 1]]
    images: Optional[np.ndarray] = None  # uint8 (n, 28, 28) the verdicts are about, when known
    seen: Optional[np.ndarray] = None  # bool (n,): the network trained on this image; None when unknown

    @classmethod
    def from_predictions(cls, true_labels, predicted_labels, confidences, class_names, images=None,
                         seen=None):
        """Tabulate given verdicts: one bincount for the counts, one stable argsort for the cells."""
        true_labels = np.asarray(true_labels, dtype=np.int64).reshape(-1)
        predicted_labels = np.asarray(predicted_labels, dtype=np.int64).reshape(-1)
        confidences = np.asarray(confidences, dtype=np.float64).reshape(-1)
        if not len(true_labels) == len(predicted_labels) == len(confidences):
            raise ValueError("true labels, predictions and confidences must have the same length")
        k = len(class_names)
        if len(true_labels) and not (0 <= min(true_labels.min(), predicted_labels.min())
                                     and max(true_labels.max(), predicted_labels.max()) < k):
            raise ValueError(f"labels and predictions must lie in 0..{k - 1} ({k} classes)")
        cell = true_labels * k + predicted_labels
        confusion = np.bincount(cell, minlength=k * k).reshape(k, k)
        starts = np.concatenate([[0], np.cumsum(confusion.reshape(-1))])
        if seen is not None and len(seen) != len(true_labels):
            raise ValueError("the seen-in-training mask must have one entry per image")
        return cls(true_labels, predicted_labels, confidences, tuple(str(c) for c in class_names),
                   confusion, np.argsort(cell, kind="stable"), starts, images,
                   None if seen is None else np.asarray(seen, dtype=bool))

    def with_seen(self, seen) -> "Evaluation":
        """The same verdicts, knowing which images the network trained on (bool (n,))."""
        seen = np.asarray(seen, dtype=bool).reshape(-1)
        if len(seen) != self.count:
            raise ValueError("the seen-in-training mask must have one entry per image")
        return replace(self, seen=seen)

    @property
    def seen_count(self):
        """How many of these images the network trained on; None when its record does not say."""
        return None if self.seen is None else int(self.seen.sum())

    def unseen(self) -> "Evaluation":
        """The verdicts on the images the network never trained on (all of them when unknown)."""
        if self.seen is None or not self.seen.any():
            return self
        keep = ~self.seen
        return Evaluation.from_predictions(
            self.true_labels[keep], self.predicted_labels[keep], self.confidences[keep], self.class_names,
            None if self.images is None else self.images[keep], np.zeros(int(keep.sum()), dtype=bool))

    @property
    def count(self):
        return len(self.true_labels)

    @property
    def accuracy(self):
        """Share right; NaN for an empty set."""
        total = self.confusion.sum()
        return float(np.trace(self.confusion) / total) if total else float("nan")

    @property
    def recall(self):
        """Per true class: the fraction of its images recognised (NaN where a class is absent)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diag(self.confusion) / self.confusion.sum(axis=1)

    @property
    def precision(self):
        """Per predicted class: the fraction of its predictions that were right (NaN where never predicted)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diag(self.confusion) / self.confusion.sum(axis=0)

    def cell_indices(self, true, predicted):
        """Indices of the images of class ``true`` predicted as ``predicted``, in their original order."""
        cell = true * len(self.class_names) + predicted
        return self.cell_order[self.cell_starts[cell]:self.cell_starts[cell + 1]]

    def worst_mistakes(self, count):
        """Indices of misclassified images, the most confidently wrong first."""
        wrong = np.flatnonzero(self.predicted_labels != self.true_labels)
        return wrong[np.argsort(-self.confidences[wrong], kind="stable")][:count]


def evaluate(net, inputs, labels, class_names=None, images=None):
    """Run ``net`` over the whole set once and tabulate what it got right.

    With ``images``, the verdicts also say which images ``net``'s record lists as trained on.
    """
    probabilities = net.predict_proba(inputs)
    predicted = probabilities.argmax(axis=1)
    confidences = probabilities[np.arange(len(predicted)), predicted]
    names = class_names if class_names is not None else [str(i) for i in range(probabilities.shape[1])]
    seen_images = recorded_seen_images(net) if images is not None else None
    seen = None if seen_images is None else seen_images.contains(images)
    return Evaluation.from_predictions(labels, predicted, confidences, names, images, seen)


def network_inputs(net, images):
    """uint8 images as ``net`` learned to read them: black and white if it trained so, else grey."""
    return binarized(images) if trained_black_and_white(net) else to_inputs(images)


def as_network_reads(net, X):
    """float32 inputs (a drawn digit) as ``net`` learned to read them (see ``network_inputs``)."""
    return black_and_white(X) if trained_black_and_white(net) else X


def evaluate_test_set(net, dataset):
    """``net`` on every test image of ``dataset`` (the images ride along for galleries)."""
    dataset.require_test()
    return evaluate(net, network_inputs(net, dataset.test_images), dataset.test_labels, dataset.class_names,
                    images=dataset.test_images)


def seen_warning(evaluation) -> str:
    """One line when some images were trained on: how many, and the accuracy on the others; else ""."""
    seen = evaluation.seen_count
    if not seen:
        return ""
    others = evaluation.unseen()
    on_others = (f"on the {others.count:,} others: {others.accuracy:.2%}" if others.count
                 else "there are no others")
    return (f"{seen:,} of these {evaluation.count:,} images were in this network's training set; "
            f"{on_others}")
