"""Train and record: the same record wherever a run starts, and `mnistbench test` finds its data."""

import json

import numpy as np
import pytest

from idx_factory import synthetic_digits, write_synthetic_dataset
from mnistbench.cli import main
from mnistbench.data import DIGIT_CLASSES, Dataset, load_dataset
from mnistbench.engine.config import TrainingConfig
from mnistbench.errors import DatasetError
from mnistbench.netfile import load_network, save_network
from mnistbench.workflows.evaluation import evaluate_test_set
from mnistbench.workflows.fine_tuning import OWN_DIGITS_NAME, fine_tune, own_digits_dataset
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.training_record import find_evaluation_dataset, fingerprint
from mnistbench.workflows.training_run import train_and_record

ARCHITECTURE = {"layer_sizes": [784, 16, 10], "activation": "relu", "output": "softmax",
                "loss": "cross_entropy", "init": "he"}
CONFIG = TrainingConfig(epochs=2, batch_size=25, learning_rate=0.01, validation_size=50)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_synthetic_dataset(tmp_path_factory.mktemp("data") / "strokes", n_train=300, n_test=80, seed=2)


def test_the_record_names_the_data_the_run_and_the_held_out_result(folder):
    dataset = load_dataset(folder)
    net = build_network(ARCHITECTURE, seed=1)
    outcome = train_and_record(net, dataset, CONFIG)
    record = net.metadata["training"]
    assert record["dataset"] == {"name": "strokes", "source": str(folder.resolve()), "image_shape": [28, 28],
                                 "classes": list(DIGIT_CLASSES), "n_train": 300,
                                 "fingerprint": fingerprint(dataset.train_images, dataset.train_labels)}
    assert len(record["dataset"]["fingerprint"]) == 16
    run = record["runs"][-1]
    assert run["config"] == CONFIG.describe() and run["epochs"] == 2 and run["stop_reason"] == "completed"
    assert run["held_out"] == {"accuracy": round(outcome.evaluation.accuracy, 6),
                               "set": "strokes test set (80 images)", "count": 80}
    assert record["held_out_accuracy"] == run["held_out"]["accuracy"]
    assert outcome.evaluation.accuracy == evaluate_test_set(net, dataset).accuracy
    assert len(record["history"]["train_loss"]) == 2 and "test set" in run["validation"]
    assert net.metadata["class_names"] == list(DIGIT_CLASSES)


def test_mnistbench_test_finds_the_recorded_dataset_from_any_directory(folder, tmp_path, monkeypatch, capsys):
    net = build_network(ARCHITECTURE, seed=1)
    train_and_record(net, load_dataset(folder), CONFIG)
    save_network(net, tmp_path / "net.nn")
    monkeypatch.chdir(tmp_path)  # the folder's name alone would not be found from here
    assert main(["test", "net.nn", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dataset"] == "strokes" and report["images"] == 80
    assert report["accuracy"] == pytest.approx(net.metadata["training"]["held_out_accuracy"], abs=1e-6)


def test_a_record_of_older_files_and_a_changed_dataset(folder, tmp_path, monkeypatch):
    monkeypatch.delenv("MNISTBENCH_DATASETS", raising=False)  # no MNIST to fall back on
    net = build_network(ARCHITECTURE, seed=1)
    net.metadata["training"] = {"dataset": str(folder)}  # before the record described its data
    assert find_evaluation_dataset(net)[0].n_test == 80
    train_and_record(net, load_dataset(folder), CONFIG)
    changed = write_synthetic_dataset(tmp_path / "strokes", n_train=300, n_test=80, seed=3)
    net.metadata["training"]["test_dataset"]["source"] = str(changed)
    net.metadata["training"]["test_dataset"]["name"] = str(changed)
    net.metadata["training"]["dataset"] = {"name": str(changed)}
    dataset, note = find_evaluation_dataset(net)
    assert dataset.source == str(changed) and "differs from the one recorded" in note
    net.metadata["training"] = {"dataset": "nowhere-to-be-found"}
    with pytest.raises(DatasetError, match="nowhere-to-be-found"):
        find_evaluation_dataset(net)


def test_continuing_on_a_set_without_test_half_judges_on_held_out_training_images(folder):
    net = build_network(ARCHITECTURE, seed=1)
    train_and_record(net, load_dataset(folder), CONFIG)
    images, labels = synthetic_digits(200, 5)
    train_only = Dataset("train-only", images, labels, np.empty((0, 28, 28), np.uint8), np.empty(0, np.int64),
                         DIGIT_CLASSES, "memory")
    outcome = train_and_record(net, train_only, CONFIG)
    record = net.metadata["training"]
    assert "test_dataset" not in record and record["held_out_count"] == 20
    assert record["held_out_set"] == "20 train-only training images held out"
    assert outcome.evaluation.images.shape == (20, 28, 28)
    np.testing.assert_array_equal(outcome.evaluation.images, images[outcome.data.held_out])
    assert record["epochs"] == 4 and len(record["runs"]) == 2


def test_fine_tuning_trains_on_own_digits_and_judges_on_the_base_test_half(folder):
    base = load_dataset(folder)
    images, labels = synthetic_digits(40, 7)
    as_inputs = images.reshape(40, 784) / 255.0  # the pad hands over network inputs
    own = own_digits_dataset(as_inputs, labels, base)
    np.testing.assert_array_equal(own.train_images, images)
    assert own.test_images is base.test_images and own.name == OWN_DIGITS_NAME
    net = build_network(ARCHITECTURE, seed=1)
    outcome = fine_tune(net, images, labels, base, CONFIG)
    record = net.metadata["training"]
    # every fifth digit held out; the whole (small) training half replayed beside the 32 others
    assert record["dataset"]["name"] == OWN_DIGITS_NAME and record["dataset"]["n_train"] == 32 + 300
    assert record["runs"][-1]["config"]["validation_size"] == 0
    assert record["test_dataset"]["source"] == str(folder.resolve()) and outcome.evaluation.count == 80
    assert find_evaluation_dataset(net)[0].source == str(folder)
    with pytest.raises(DatasetError, match="labels must lie in 0..9"):
        own_digits_dataset(images[:2], [3, 12], base)
