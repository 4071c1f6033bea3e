"""The validation split: one seeded rule, whichever caller asks."""

import numpy as np
import pytest

from idx_factory import synthetic_digits
from mnistbench.data import DIGIT_CLASSES, Dataset, to_inputs
from mnistbench.engine.config import TrainingConfig
from mnistbench.errors import ConfigError
from mnistbench.workflows.validation_split import training_data


def dataset(n_train=200, n_test=50):
    train, test = synthetic_digits(n_train, 0), synthetic_digits(n_test, 1)
    return Dataset("synthetic", *train, *test, DIGIT_CLASSES, "memory")


def rows(X):
    """Each input row as bytes, to compare sets of images."""
    return {x.tobytes() for x in X}


def test_without_holdout_the_test_half_validates_and_all_training_images_train():
    data = dataset()
    split = training_data(data, TrainingConfig())
    assert split.X.dtype == np.uint8 and split.validation[0].dtype == np.uint8  # pixels: the engine scales them
    np.testing.assert_array_equal(split.X, data.train_images.reshape(200, 784))
    np.testing.assert_array_equal(split.validation[0], data.test_images.reshape(50, 784))
    np.testing.assert_array_equal(split.validation[1], data.test_labels)
    assert split.held_out is None and "test set" in split.description


def test_a_holdout_is_a_seeded_partition_of_the_training_images():
    data = dataset()
    split = training_data(data, TrainingConfig(seed=4), holdout=30)
    assert len(split.y) == 170 and len(split.validation[1]) == 30
    everything = data.train_images.reshape(200, 784)
    assert rows(split.X) | rows(split.validation[0]) == rows(everything)
    assert not rows(split.X) & rows(split.validation[0])
    np.testing.assert_array_equal(split.validation[0], everything[split.held_out])
    again = training_data(data, TrainingConfig(seed=4), holdout=30)
    np.testing.assert_array_equal(again.held_out, split.held_out)
    other = training_data(data, TrainingConfig(seed=5), holdout=30)
    assert not np.array_equal(other.held_out, split.held_out)


def test_early_stopping_holds_out_ten_percent_never_the_test_set():
    split = training_data(dataset(), TrainingConfig(early_stopping_patience=2))
    assert len(split.validation[1]) == 20 and len(split.y) == 180
    assert "20 training images held out" in split.description


def test_a_dataset_without_a_test_half_holds_out_ten_percent_the_same_way():
    train = synthetic_digits(200, 0)
    no_test = Dataset("train-only", *train, np.empty((0, 28, 28), np.uint8), np.empty(0, np.int64),
                      DIGIT_CLASSES, "memory")
    split = training_data(no_test, TrainingConfig(seed=2))
    same_rule = training_data(dataset(), TrainingConfig(seed=2), holdout=20)
    np.testing.assert_array_equal(split.held_out, same_rule.held_out)


def test_a_holdout_that_leaves_nothing_is_refused_in_one_line():
    with pytest.raises(ConfigError, match="holding out 200 images leaves no training data") as error:
        training_data(dataset(), TrainingConfig(), holdout=200)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("holdout", [0, 30])
def test_binarize_makes_every_training_and_validation_image_black_and_white(holdout):
    data = dataset()
    grey = training_data(data, TrainingConfig(seed=2), holdout=holdout)
    split = training_data(data, TrainingConfig(seed=2, binarize=True), holdout=holdout)
    for black_and_white, original in ((split.X, grey.X), (split.validation[0], grey.validation[0])):
        assert black_and_white.dtype == np.uint8 and set(np.unique(black_and_white)) == {0, 255}
        np.testing.assert_array_equal(to_inputs(black_and_white), (to_inputs(original) >= 0.5).astype(np.float32))
    np.testing.assert_array_equal(split.y, grey.y)


def test_binarize_is_a_checked_setting_of_the_cli_and_the_record():
    from mnistbench.workflows.settings import add_setting_arguments, config_from_args
    import argparse

    parser = add_setting_arguments(argparse.ArgumentParser())
    assert config_from_args(parser.parse_args(["--binarize"])).binarize is True
    assert config_from_args(parser.parse_args([])).binarize is False
    assert TrainingConfig(binarize=True).describe()["binarize"] is True
    with pytest.raises(ConfigError, match="binarize must be true or false"):
        TrainingConfig(binarize="yes")


def test_a_network_trained_black_and_white_is_tested_on_black_and_white_images():
    from mnistbench.engine.network import Network
    from mnistbench.workflows.evaluation import evaluate, evaluate_test_set
    from mnistbench.workflows.training_run import train_and_record
    from mnistbench.workflows.validation_split import binarized

    data = dataset()
    net = Network([784, 16, 10], activation="relu", loss="cross_entropy", init="he", seed=0)
    train_and_record(net, data, TrainingConfig(epochs=1, batch_size=20, binarize=True))
    tested = evaluate_test_set(net, data)
    as_trained = evaluate(net, binarized(data.test_images), data.test_labels)
    as_grey = evaluate(net, to_inputs(data.test_images), data.test_labels)
    np.testing.assert_array_equal(tested.confidences, as_trained.confidences)
    assert not np.array_equal(tested.confidences, as_grey.confidences)


def test_a_drawn_digit_reaches_a_black_and_white_network_as_black_and_white():
    from mnistbench.engine.network import Network
    from mnistbench.workflows.evaluation import as_network_reads
    from mnistbench.workflows.training_run import train_and_record

    data = dataset()
    grey = to_inputs(data.test_images[:3])
    net = Network([784, 8, 10], activation="relu", loss="cross_entropy", init="he", seed=0)
    assert as_network_reads(net, grey) is grey  # untrained: no record, grey as given
    train_and_record(net, data, TrainingConfig(epochs=1, batch_size=20, binarize=True))
    read = as_network_reads(net, grey)
    assert set(np.unique(read)) <= {0.0, 1.0} and np.array_equal(read, grey >= 0.5)
