"""scripts/add_training_images.py: a file made before the list of training images gets it, only from proven data."""

import importlib.util
from pathlib import Path

import numpy as np

from idx_factory import write_synthetic_dataset
from mnistbench.data import load_dataset
from mnistbench.engine.config import TrainingConfig
from mnistbench.netfile import load_network, save_network
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.training_run import train_and_record

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "add_training_images.py"
ARCHITECTURE = {"layer_sizes": [784, 8, 10], "activation": "relu", "output": "softmax",
                "loss": "cross_entropy", "init": "he"}


def load_script():
    spec = importlib.util.spec_from_file_location("add_training_images", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_list_is_rebuilt_as_training_would_have_made_it(tmp_path, capsys):
    dataset = load_dataset(write_synthetic_dataset(tmp_path / "d", n_train=120, n_test=30, seed=1))
    net = build_network(ARCHITECTURE, seed=0)
    train_and_record(net, dataset, TrainingConfig(epochs=1, batch_size=20), holdout=20)
    made = net.metadata["training"].pop("training_images")
    save_network(net, tmp_path / "old.nn")
    assert load_script().main([str(tmp_path / "old.nn")]) == 0
    assert "the dataset fingerprint matches; recorded 100 training images" in capsys.readouterr().out
    rebuilt = load_network(tmp_path / "old.nn").metadata["training"]["training_images"]
    assert rebuilt == made


def test_a_file_that_does_not_prove_its_data_is_left_alone(tmp_path, capsys):
    dataset = load_dataset(write_synthetic_dataset(tmp_path / "d", n_train=120, n_test=30, seed=1))
    net = build_network(ARCHITECTURE, seed=0)
    train_and_record(net, dataset, TrainingConfig(epochs=1, batch_size=20))
    record = net.metadata["training"]
    del record["training_images"]
    record["dataset"] = {"name": "d", "source": str(tmp_path / "d")}  # as old files: no fingerprint
    record["held_out_accuracy"] = round(1 - record["held_out_accuracy"] / 2, 6)
    save_network(net, tmp_path / "old.nn")
    before = (tmp_path / "old.nn").read_bytes()
    assert load_script().main([str(tmp_path / "old.nn")]) == 1
    assert "not the recorded" in capsys.readouterr().err
    assert (tmp_path / "old.nn").read_bytes() == before and np.isfinite(record["held_out_accuracy"])
