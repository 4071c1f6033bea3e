"""Judging a network on a labelled set: confusion matrix, per-class precision and recall.

Shared by ``mnistbench test``, the bench and the workbench, so every place
reports the same numbers.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Evaluation:
    true_labels: np.ndarray  # (n,)
    predicted: np.ndarray  # (n,)
    confidences: np.ndarray  # (n,) the probability given to the predicted class
    confusion: np.ndarray  # (classes, classes): rows true, columns predicted

    @property
    def accuracy(self):
        return float(np.trace(self.confusion) / max(self.confusion.sum(), 1))

    @property
    def recall(self):
        """Per true class: the fraction of its images recognised (NaN where a class is absent)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diag(self.confusion) / self.confusion.sum(axis=1)

    @property
    def precision(self):
        """Per predicted class: the fraction of its predictions that were right."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diag(self.confusion) / self.confusion.sum(axis=0)

    def worst_mistakes(self, count):
        """Indices of misclassified images, the most confidently wrong first."""
        wrong = np.flatnonzero(self.predicted != self.true_labels)
        return wrong[np.argsort(-self.confidences[wrong], kind="stable")][:count]


def confusion_matrix(true_labels, predicted, n_classes):
    """Counts (n_classes, n_classes), rows true and columns predicted, in one bincount."""
    flat = np.asarray(true_labels) * n_classes + np.asarray(predicted)
    return np.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def evaluate(net, inputs, labels):
    """Run ``net`` over the whole set once and tabulate what it got right."""
    probabilities = net.predict_proba(inputs)
    predicted = probabilities.argmax(axis=1)
    confidences = probabilities[np.arange(len(predicted)), predicted]
    labels = np.asarray(labels)
    return Evaluation(labels, predicted, confidences,
                      confusion_matrix(labels, predicted, probabilities.shape[1]))
