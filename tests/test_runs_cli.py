"""`mnistbench train` records runs; `runs` and `compare` print the table of models."""

import csv
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from idx_factory import synthetic_digits, write_dataset, write_synthetic_dataset
from mnistbench.cli import main
from mnistbench.workflows.runs_store import RunsStore


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    return write_synthetic_dataset(tmp_path_factory.mktemp("data") / "digits", n_train=600, n_test=150, seed=0)


def train(digits, out, *more):
    return main(["train", "--data", str(digits), "--layers", "784,16,10", "--epochs", "1", "--out", str(out),
                 "--quiet", *map(str, more)])


def test_train_records_runs_that_runs_lists_and_sorts(digits, tmp_path, capsys):
    assert train(digits, tmp_path / "slow.nn", "--lr", "0.0001") == 0
    printed = capsys.readouterr().out
    assert "estimated time" in printed and "recorded as run 1" in printed
    assert train(digits, tmp_path / "fast.nn", "--lr", "0.01") == 0
    assert train(digits, tmp_path / "unrecorded.nn", "--no-record") == 0
    capsys.readouterr()
    assert main(["runs", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [run["network"] for run in runs] == [str(tmp_path / "slow.nn"), str(tmp_path / "fast.nn")]
    assert all(run["status"] == "finished" and run["seconds"] > 0 for run in runs)
    assert runs[0]["learning_rate"] == 0.0001 and runs[1]["settings"]["learning_rate"] == 0.01
    assert main(["runs", "--sort", "accuracy", "--desc", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    accuracies = [float(row["accuracy"]) for row in rows]
    assert accuracies == sorted(accuracies, reverse=True) and len(rows) == 2
    assert main(["runs", "--sort", "learning_rate"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["id", "status", "network"]
    assert "slow.nn" in table[1] and "fast.nn" in table[2]


def test_runs_delete(digits, tmp_path, capsys):
    train(digits, tmp_path / "a.nn")
    assert main(["runs", "--delete", "1"]) == 0
    assert RunsStore().runs() == []
    assert main(["runs", "--delete", "1"]) == 1
    assert "no run 1" in capsys.readouterr().err


def test_compare_files_and_bundled_names(digits, tmp_path, capsys):
    train(digits, tmp_path / "mine.nn", "--no-record")
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "mine.nn"), "best-mnist", "--sort", "parameters", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in rows] == ["file", "bundled"]
    assert rows[0]["layers"] == [784, 16, 10] and rows[0]["dataset"] == "digits"
    assert rows[1]["parameters"] > rows[0]["parameters"] and rows[1]["accuracy"] > 0.9


def test_compare_on_data_warns_about_images_seen_in_training(digits, tmp_path, capsys):
    train(digits, tmp_path / "mine.nn", "--no-record")
    seen_images, seen_labels = synthetic_digits(600, seed=0)  # what write_synthetic_dataset trained on
    other_images, other_labels = synthetic_digits(50, seed=7)
    mixed = write_dataset(tmp_path / "mixed", train=(other_images, other_labels),
                          test=(np.concatenate([seen_images[:30], other_images]),
                                np.concatenate([seen_labels[:30], other_labels])))
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "mine.nn"), "--data", str(mixed)]) == 0
    printed = capsys.readouterr().out
    assert "30 of these 80 images were in this network's training set; on the 50 others:" in printed
    assert main(["compare", str(tmp_path / "mine.nn"), "--data", str(digits)]) == 0
    assert "!" not in capsys.readouterr().out  # its own test half: never seen


@pytest.mark.parametrize("argv, fragment", [
    (["compare", "missing.nn"], "missing.nn: no such file"),
    (["sweep", "--lr", "0.1,abc"], "--learning-rate: 'abc' is not a float value"),
    (["sweep", "--resume", "sweep-nope"], "no sweep 'sweep-nope'"),
    (["sweep", "--lr", "0.1"], "a sweep needs a setting with two values or more (--lr, --hidden, --batch-size, "
                               "--dropout or --epochs, like --lr 0.001,0.01)"),
])
def test_errors_are_one_line(argv, fragment, digits, tmp_path):
    done = subprocess.run([sys.executable, "-m", "mnistbench", *argv, "--data", str(digits)] if argv[0] == "sweep"
                          else [sys.executable, "-m", "mnistbench", *argv], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONWARNINGS": "error"})
    assert done.returncode == 1
    assert done.stderr.startswith("mnistbench: ") and done.stderr.count("\n") == 1, done.stderr
    assert fragment in done.stderr
