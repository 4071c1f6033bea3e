"""Contamination: a network's record lists every image it trained on, and `test` says when it saw the test set."""

import json

import numpy as np
import pytest

from idx_factory import synthetic_digits, write_dataset, write_synthetic_dataset
from mnistbench.bundled import bundled_names, resolve_network
from mnistbench.cli import main
from mnistbench.data import load_dataset
from mnistbench.engine.config import TrainingConfig
from mnistbench.errors import NetworkFileError
from mnistbench.netfile import load_network, save_network
from mnistbench.workflows.evaluation import evaluate_test_set, seen_warning
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.seen_images import CHUNK, SeenImages, image_hashes, recorded_seen_images
from mnistbench.workflows.training_run import train_and_record

ARCHITECTURE = {"layer_sizes": [784, 16, 10], "activation": "relu", "output": "softmax",
                "loss": "cross_entropy", "init": "he"}
CONFIG = TrainingConfig(epochs=1, batch_size=25, learning_rate=0.01)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A network trained on 300 images, and a dataset whose 100 test images hold 60 of them."""
    root = tmp_path_factory.mktemp("seen")
    train_folder = write_synthetic_dataset(root / "strokes", n_train=300, n_test=40, seed=3)
    dataset = load_dataset(train_folder)
    net = build_network(ARCHITECTURE, seed=1)
    train_and_record(net, dataset, CONFIG)
    save_network(net, root / "net.nn")
    fresh = synthetic_digits(40, seed=77)
    mixed = (np.concatenate([dataset.train_images[:60], fresh[0]]),
             np.concatenate([dataset.train_labels[:60], fresh[1]]))
    other = write_dataset(root / "mixed", train=synthetic_digits(10, seed=5), test=mixed)
    return root / "net.nn", dataset, other


def test_hashes_round_trip_through_the_record_in_chunks():
    images, _ = synthetic_digits(CHUNK + 7, seed=4)
    seen = SeenImages.from_images(images)
    record = seen.to_record()
    assert len(record["chunks"]) == 2 and record["count"] == len(np.unique(image_hashes(images)))
    back = SeenImages.from_record(json.loads(json.dumps(record)))
    assert np.array_equal(back.hashes, seen.hashes) and back.complete
    assert back.contains(images[:5]).all()
    assert not back.contains(synthetic_digits(5, seed=99)[0]).any()


def test_a_damaged_record_is_one_clear_error():
    record = SeenImages.from_images(synthetic_digits(20, seed=1)[0]).to_record()
    with pytest.raises(NetworkFileError, match="not the 21 it says"):
        SeenImages.from_record({**record, "count": 21})
    with pytest.raises(NetworkFileError, match="not valid base64"):
        SeenImages.from_record({**record, "chunks": ["@@@@"]})


def test_the_record_lists_the_images_trained_on_not_those_held_out(trained):
    path, dataset, _ = trained
    net = load_network(path)
    seen = SeenImages.from_record(net.metadata["training"]["training_images"])
    assert seen.contains(dataset.train_images).all() and not seen.contains(dataset.test_images).any()
    held = build_network(ARCHITECTURE, seed=1)
    outcome = train_and_record(held, dataset, CONFIG, holdout=50)
    held_seen = SeenImages.from_record(held.metadata["training"]["training_images"])
    assert held_seen.contains(dataset.train_images).sum() == 250
    assert not held_seen.contains(dataset.train_images[outcome.data.held_out]).any()


def test_evaluation_on_a_contaminated_test_set_reports_the_unseen_figure(trained):
    path, _, other = trained
    evaluation = evaluate_test_set(load_network(path), load_dataset(other))
    assert evaluation.seen_count == 60 and evaluation.seen[:60].all() and not evaluation.seen[60:].any()
    unseen = evaluation.unseen()
    assert unseen.count == 40 and np.array_equal(unseen.true_labels, evaluation.true_labels[60:])
    assert seen_warning(evaluation) == (
        f"60 of these 100 images were in this network's training set; "
        f"on the 40 others: {unseen.accuracy:.2%}")


def test_mnistbench_test_warns_and_reports_the_unseen_accuracy(trained, capsys):
    path, _, other = trained
    assert main(["test", str(path), "--data", str(other)]) == 0
    out = capsys.readouterr().out
    assert "warning: 60 of these 100 images were in this network's training set; on the 40 others:" in out
    assert main(["test", str(path), "--data", str(other), "--json", "--unseen"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["seen_in_training"] == 60 and report["unseen_images"] == 40
    assert sum(map(sum, report["confusion_matrix"])) == 40 and report["images"] == 100


def test_mnistbench_test_says_when_the_record_cannot_tell(trained, tmp_path, capsys):
    path, _, other = trained
    net = load_network(path)
    del net.metadata["training"]["training_images"]
    save_network(net, tmp_path / "old.nn")
    assert main(["test", str(tmp_path / "old.nn"), "--data", str(other)]) == 0
    captured = capsys.readouterr()
    assert "does not list its training images" in captured.err and "warning:" not in captured.out


def test_fine_tuning_a_network_keeps_the_images_of_its_earlier_runs(trained):
    path, dataset, other = trained
    net = load_network(path)
    later = load_dataset(other)
    train_and_record(net, later, CONFIG)
    seen = SeenImages.from_record(net.metadata["training"]["training_images"])
    assert seen.contains(dataset.train_images).all() and seen.contains(later.train_images).all()
    # its held-out figure leaves out the 60 test images an earlier run trained on, and says so
    assert net.metadata["training"]["held_out_count"] == 40
    assert "less the 60 seen in training" in net.metadata["training"]["held_out_set"]


def test_mnistbench_test_warns_when_the_classes_differ(trained, tmp_path, capsys):
    path, _, _ = trained
    clothes = write_synthetic_dataset(tmp_path / "fashion-like", n_train=10, n_test=30, seed=8)
    assert main(["test", str(path), "--data", str(clothes)]) == 0
    err = capsys.readouterr().err
    assert "trained on the classes 0, 1, 2, 3, … (10 classes), but fashion-like has T-shirt/top" in err
    assert main(["test", str(path), "--data", str(trained[2])]) == 0
    assert "trained on the classes" not in capsys.readouterr().err


def test_mnistbench_test_refuses_a_network_with_other_outputs_in_one_line(trained, tmp_path, capsys):
    net = build_network({**ARCHITECTURE, "layer_sizes": [784, 8, 12]}, seed=0)
    save_network(net, tmp_path / "twelve.nn")
    assert main(["test", str(tmp_path / "twelve.nn"), "--data", str(trained[2])]) == 1
    assert "twelve.nn has 12 outputs but mixed has 10 classes" in capsys.readouterr().err


def test_every_bundled_network_lists_its_training_images():
    for name in bundled_names():
        seen = recorded_seen_images(load_network(resolve_network(name)))
        assert seen is not None and seen.complete and len(seen.hashes) >= 8_000, name


def test_the_bundled_digit_networks_saw_8000_official_mnist_test_digits(shared_datasets, capsys):
    mnist = shared_datasets / "mnist"
    if not (mnist / "t10k-images-idx3-ubyte.gz").is_file() and not (mnist / "t10k-images-idx3-ubyte").is_file():
        pytest.skip("the official MNIST test set is not in the shared datasets")
    assert main(["test", "classic-784-30-10", "--data", str(mnist), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["images"] == 10_000 and report["seen_in_training"] == 8_000 and report["unseen_images"] == 2_000
    split = evaluate_test_set(load_network(resolve_network("classic-784-30-10")),
                              load_dataset(shared_datasets / "mnist-10k-split"))
    assert split.seen_count == 0 and report["unseen_accuracy"] == pytest.approx(split.accuracy)
