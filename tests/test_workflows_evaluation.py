"""Evaluation: the one set of formulas the CLI, the bench and the confusion panel share."""

import numpy as np
import pytest

from idx_factory import synthetic_digits
from mnistbench.data import DIGIT_CLASSES, Dataset, to_inputs
from mnistbench.engine.network import Network
from mnistbench.workflows.evaluation import Evaluation, evaluate, evaluate_test_set


def known():
    """#3, #13, #23 are 3s read as 8; #7 is a 7 read as 1; nothing is ever predicted as 9 wrongly."""
    true = np.arange(60) % 10
    predicted = true.copy()
    predicted[[3, 13, 23]] = 8
    predicted[7] = 1
    return Evaluation.from_predictions(true, predicted, np.linspace(0.5, 0.99, 60), DIGIT_CLASSES)


def test_counts_accuracy_recall_and_precision():
    result = known()
    assert result.count == 60 and result.confusion[3, 8] == 3 and result.confusion[7, 1] == 1
    assert result.accuracy == pytest.approx(56 / 60)
    assert result.recall[3] == pytest.approx(0.5) and result.recall[0] == 1
    assert result.precision[8] == pytest.approx(6 / 9) and result.precision[1] == pytest.approx(6 / 7)


def test_absent_classes_give_nan_not_a_warning():
    result = Evaluation.from_predictions([0, 0, 1], [0, 1, 1], [0.9, 0.8, 0.7], ["a", "b", "c"])
    assert np.isnan(result.recall[2]) and np.isnan(result.precision[2])
    assert np.isnan(Evaluation.from_predictions([], [], [], ["a"]).accuracy)


def test_cell_indices_and_worst_mistakes():
    result = known()
    np.testing.assert_array_equal(result.cell_indices(3, 8), [3, 13, 23])
    np.testing.assert_array_equal(result.cell_indices(3, 3), [33, 43, 53])
    assert len(result.cell_indices(2, 5)) == 0
    np.testing.assert_array_equal(result.worst_mistakes(2), [23, 13])  # most confident first


def test_labels_outside_the_classes_are_refused():
    with pytest.raises(ValueError, match=r"must lie in 0..1 \(2 classes\)"):
        Evaluation.from_predictions([0, 2], [0, 1], [1, 1], ["a", "b"])


def test_evaluate_a_real_network_matches_its_own_predictions():
    images, labels = synthetic_digits(300, 3)
    net = Network([784, 16, 10], activation="relu", output="softmax", loss="cross_entropy", init="he", seed=2)
    net.fit(to_inputs(images[:200]), labels[:200], epochs=1, batch_size=20, learning_rate=3e-3)
    data = Dataset("synthetic", images[:200], labels[:200], images[200:], labels[200:], DIGIT_CLASSES, "memory")
    result = evaluate_test_set(net, data)
    np.testing.assert_array_equal(result.predicted_labels, net.predict(to_inputs(images[200:])))
    assert result.accuracy == pytest.approx(net.score(to_inputs(images[200:]), labels[200:]))
    assert result.images is data.test_images and result.class_names == DIGIT_CLASSES
    for true in range(10):
        expected = np.flatnonzero((labels[200:] == true) & (result.predicted_labels == 4))
        np.testing.assert_array_equal(result.cell_indices(true, 4), expected)
    assert evaluate(net, to_inputs(images[200:]), labels[200:]).class_names == tuple("0123456789")
