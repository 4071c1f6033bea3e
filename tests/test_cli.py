"""The command line, driven as a user would: real files, real training on tiny data."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from idx_factory import synthetic_digits, write_synthetic_dataset
from mnistbench.cli import main
from mnistbench.netfile import load_network, save_network
from mnistbench.engine.network import Network
from mnistbench.preprocess import preprocess_digit, to_network_input


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    return write_synthetic_dataset(tmp_path_factory.mktemp("data") / "digits", n_train=600, n_test=150, seed=0)


def run_cli(*argv):
    """Run in a fresh interpreter: exit code, stdout, stderr."""
    done = subprocess.run([sys.executable, "-m", "mnistbench", *map(str, argv)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONWARNINGS": "error"})
    return done.returncode, done.stdout, done.stderr


def test_train_saves_a_network_that_test_and_info_describe(digits, tmp_path, capsys):
    out = tmp_path / "net.nn"
    assert main(["train", "--data", str(digits), "--layers", "784,32,10", "--epochs", "3",
                 "--lr", "0.005", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "epoch 3/3" in printed and "held-out accuracy" in printed
    net = load_network(out)
    record = net.metadata["training"]
    assert record["epochs"] == 3 and record["dataset"]["name"] == "digits"
    assert record["held_out_accuracy"] > 0.8
    assert main(["test", str(out), "--json"]) == 0  # finds its dataset from the record
    report = json.loads(capsys.readouterr().out)
    assert report["images"] == 150 and report["accuracy"] == pytest.approx(record["held_out_accuracy"], abs=1e-6)
    assert np.sum(report["confusion_matrix"]) == 150
    assert main(["info", str(out)]) == 0
    info = capsys.readouterr().out
    assert "784-32-10" in info and "25,450 parameters" in info and "relu, softmax" in info


def test_train_continues_from_a_file_and_keeps_its_record(digits, tmp_path, capsys):
    first = tmp_path / "first.nn"
    main(["train", "--data", str(digits), "--layers", "784,16,10", "--epochs", "1", "--out", str(first), "--quiet"])
    before = load_network(first)
    assert main(["train", "--data", str(digits), "--from", str(first), "--epochs", "2", "--quiet"]) == 0
    after = load_network(first)  # no --out: saved back where it came from
    assert after.metadata["training"]["epochs"] == 3
    assert len(after.metadata["training"]["runs"]) == 2
    assert not np.array_equal(before.weights[0], after.weights[0])


def test_recipe_values_are_defaults_and_flags_win(digits, tmp_path, capsys):
    out = tmp_path / "classic.nn"
    assert main(["train", "--recipe", "classic", "--data", str(digits), "--epochs", "1",
                 "--out", str(out), "--quiet"]) == 0
    net = load_network(out)
    assert net.layer_sizes == (784, 30, 10) and net.activations == ["sigmoid", "sigmoid"]
    assert net.loss == "quadratic" and net.metadata["training"]["runs"][0]["config"]["batch_size"] == 10


def test_test_writes_a_mistakes_grid(digits, tmp_path, capsys):
    net = Network((784, 10), activation="relu", loss="cross_entropy", seed=0)  # untrained: many mistakes
    save_network(net, tmp_path / "raw.nn")
    grid = tmp_path / "mistakes.png"
    assert main(["test", str(tmp_path / "raw.nn"), "--data", str(digits), "--mistakes", str(grid),
                 "--count", "12"]) == 0
    assert "12 worst mistakes" in capsys.readouterr().out
    with Image.open(grid) as picture:
        assert picture.width > 28 * 2 and picture.height > 28 * 2


def net_predictions(path, images28):
    return load_network(path).predict(np.stack([to_network_input(img) for img in images28]))


def test_predict_reads_a_drawn_digit(digits, tmp_path, capsys):
    out = tmp_path / "net.nn"
    main(["train", "--data", str(digits), "--layers", "784,64,10", "--epochs", "4", "--lr", "0.005",
          "--out", str(out), "--quiet"])
    images, labels = synthetic_digits(20, seed=5)
    pictures = []
    for i in range(3):  # dark ink on white paper, larger than 28x28: the preprocessing must cope
        big = Image.fromarray(255 - images[i]).resize((140, 140), Image.BILINEAR)
        path = tmp_path / f"digit{i}.png"
        big.save(path)
        pictures.append(path)
    capsys.readouterr()
    assert main(["predict", str(out), *map(str, pictures), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3
    assert all(abs(sum(r["probabilities"]) - 1) < 1e-4 for r in rows)
    # The same digit at 28x28, light on dark, through the shared preprocessing: same answer.
    expected = net_predictions(out, [preprocess_digit(images[i]) for i in range(3)])
    assert [int(r["prediction"]) for r in rows] == list(expected)


@pytest.mark.parametrize("argv,fragment", [
    (["test", "{tmp}/missing.nn"], "missing.nn"),
    (["info", "{tmp}/picture.png"], "picture.png: not a mnistbench network file (it looks like a PNG image)"),
    (["train", "--data", "{tmp}/nowhere", "--epochs", "1"], "nowhere"),
    (["train", "--data", "{digits}", "--layers", "784,x,10"], "--layers"),
    (["train", "--data", "{digits}", "--lr", "-1"], "learning_rate"),
    (["train", "--data", "{digits}", "--layers", "700,10", "--epochs", "1"], "expects 700"),
    (["predict", "{tmp}/net.nn", "{tmp}/picture.png"], "net.nn"),
])
def test_errors_are_one_line_without_traceback(argv, fragment, tmp_path, digits):
    Image.new("L", (8, 8)).save(tmp_path / "picture.png")
    argv = [a.format(tmp=tmp_path, digits=digits) for a in argv]
    code, out, err = run_cli(*argv)
    assert code == 1
    assert err.startswith("mnistbench: ") and err.count("\n") == 1, err
    assert fragment in err and "Traceback" not in err


def test_ctrl_c_stops_training_and_still_saves(digits, tmp_path):
    out = tmp_path / "interrupted.nn"
    process = subprocess.Popen([sys.executable, "-m", "mnistbench", "train", "--data", str(digits),
                                "--layers", "784,256,10", "--epochs", "500", "--batch-size", "8",
                                "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "epoch 1/500" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "stopped" in stdout and out.exists() and "interrupted: the network trained so far is in" in stderr
    assert load_network(out).metadata["training"]["runs"][0]["stop_reason"] == "stopped"


def test_data_list_and_import(digits, capsys):
    assert main(["data", "import", str(digits), "--name", "my-digits"]) == 0
    assert "600 training + 150 test" in capsys.readouterr().out
    assert main(["data", "list"]) == 0
    assert "my-digits" in capsys.readouterr().out
    code, _, err = run_cli("data", "import", str(digits), "--name", "my-digits")
    assert code == 1 and "already exists" in err


# --- nothing lost (issue 10 classes 1, 2, 4) -----------------------------------------------------
def linear_network(digits, path):
    """A trained linear 784-10 model: a far too large step makes it diverge at once."""
    rng = np.random.default_rng(0)
    net = Network.from_parameters([rng.normal(0, 0.01, (10, 784))], [np.zeros(10)], ["identity"], "quadratic")
    save_network(net, path)
    assert main(["train", "--data", str(digits), "--from", str(path), "--optimizer", "sgd", "--lr", "0.01",
                 "--epochs", "1", "--quiet"]) == 0
    return load_network(path)


def test_a_diverging_run_never_replaces_a_good_network(digits, tmp_path, capsys):
    good = tmp_path / "good.nn"
    before = linear_network(digits, good)
    capsys.readouterr()
    code = main(["train", "--data", str(digits), "--from", str(good), "--out", str(good), "--optimizer", "sgd",
                 "--lr", "5", "--batch-size", "20", "--epochs", "3", "--quiet"])
    printed = capsys.readouterr().out
    assert code == 1 and "diverged" in printed and "put back" in printed and "untouched" in printed
    after = load_network(good)
    assert np.array_equal(after.weights[0], before.weights[0])
    assert after.metadata["training"]["runs"] == before.metadata["training"]["runs"]


@pytest.mark.parametrize("case", ["folder as the path", "missing parent", "read-only folder"])
def test_an_output_that_cannot_be_written_is_refused_before_training(digits, tmp_path, case):
    out = {"folder as the path": tmp_path, "missing parent": tmp_path / "no" / "net.nn",
           "read-only folder": "/sys/net.nn"}[case]  # /sys is read-only even for root
    code, stdout, err = run_cli("train", "--data", digits, "--layers", "784,16,10", "--epochs", "2",
                                "--out", out, "--quiet")
    assert code == 1 and "epoch" not in stdout, stdout
    assert err.startswith(f"mnistbench: {out}: ") and err.count("\n") == 1, err


def test_a_save_that_fails_at_the_end_leaves_a_rescue_copy(digits, tmp_path, capsys, monkeypatch):
    from mnistbench.commands import train as train_module
    from mnistbench.errors import NetworkFileError

    out, real_save = tmp_path / "net.nn", train_module.save_network

    def full_disk(net, path):
        if path == out:
            raise NetworkFileError(f"{path}: cannot save (No space left on device)")
        real_save(net, path)

    monkeypatch.setattr(train_module, "save_network", full_disk)
    code = main(["train", "--data", str(digits), "--layers", "784,16,10", "--epochs", "1", "--out", str(out),
                 "--quiet"])
    captured = capsys.readouterr()
    assert code == 1 and "No space left on device" in captured.err and not out.exists()
    rescued = list((train_module.cache_dir() / "rescued").glob("net-*.nn"))
    assert len(rescued) == 1 and f"saved a rescue copy in {rescued[0]}" in captured.out
    assert load_network(rescued[0]).metadata["training"]["epochs"] == 1


def test_ctrl_c_after_training_does_not_cut_the_save(digits, tmp_path, capsys, monkeypatch):
    from mnistbench.commands import train as train_module

    out, real_save = tmp_path / "net.nn", train_module.save_network

    def save_while_ctrl_c_arrives(net, path):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C as the save begins
        real_save(net, path)

    monkeypatch.setattr(train_module, "save_network", save_while_ctrl_c_arrives)
    code = main(["train", "--data", str(digits), "--layers", "784,16,10", "--epochs", "1", "--out", str(out),
                 "--quiet"])
    assert code == 130 and load_network(out).metadata["training"]["epochs"] == 1
    assert "saving the trained network first" in capsys.readouterr().err


# --- the command line, checked before the work (issue 9) ---------------------------------------
def test_predict_reports_an_unreadable_image_and_goes_on(tmp_path, capsys):
    net = tmp_path / "net.nn"
    save_network(Network((784, 10), activation="relu", loss="cross_entropy", seed=0), net)
    good = tmp_path / "good.png"
    Image.fromarray(synthetic_digits(1, seed=2)[0][0]).save(good)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    code = main(["predict", str(net), str(broken), str(good), str(tmp_path / "missing.png")])
    captured = capsys.readouterr()
    assert code == 1
    assert f"{good}: " in captured.out and captured.out.count("\n") == 1
    assert f"mnistbench: {broken}: " in captured.err and f"mnistbench: {tmp_path / 'missing.png'}: " in captured.err
    assert "2 of 3 images could not be read" in captured.err
    assert main(["predict", str(net), str(broken), str(good), "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert "error" in rows[0] and rows[1]["image"] == str(good) and "prediction" in rows[1]


@pytest.mark.parametrize("count", ["0", "-3", "many"])
def test_test_count_must_be_a_positive_whole_number(count):
    code, out, err = run_cli("test", "best-mnist", "--count", count)
    assert code == 2 and "--count" in err and "Traceback" not in err


def test_an_unknown_dataset_name_suggests_the_nearest_known_one(digits):
    code, _, err = run_cli("train", "--data", "fashon-mnist", "--epochs", "1", "--out", digits.parent / "x.nn")
    assert code == 1 and "dataset 'fashon-mnist' not found; did you mean 'fashion-mnist'?" in err


def test_a_broken_pipe_exits_quietly(tmp_path):
    net = tmp_path / "net.nn"
    save_network(Network((784, 10), activation="relu", loss="cross_entropy", seed=0), net)
    process = subprocess.Popen([sys.executable, "-m", "mnistbench", "info", str(net)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before anything is written, as with `| head -0`
    stderr = process.communicate(timeout=60)[1].decode()
    assert stderr == "" and process.returncode == 141


def test_a_network_above_the_size_limit_is_refused_before_it_is_built(digits, tmp_path):
    code, stdout, err = run_cli("train", "--data", digits, "--layers", "784,65535,65535,10", "--epochs", "1",
                                "--out", tmp_path / "huge.nn")
    assert code == 1 and "more than the largest network mnistbench works with" in err and "Traceback" not in err
    assert stdout == "" and not (tmp_path / "huge.nn").exists()


def test_a_run_that_wrecks_a_good_network_saves_beside_it(digits, tmp_path, capsys):
    """A finite but ruinous run (momentum at learning rate 10) must not replace the file it continued from."""
    good = tmp_path / "good.nn"
    assert main(["train", "--data", str(digits), "--layers", "784,32,10", "--epochs", "3", "--lr", "0.005",
                 "--out", str(good), "--quiet"]) == 0
    before = load_network(good)
    assert before.metadata["training"]["held_out_accuracy"] > 0.8
    capsys.readouterr()
    code = main(["train", "--data", str(digits), "--from", str(good), "--out", str(good), "--optimizer",
                 "momentum", "--lr", "10", "--epochs", "2", "--quiet"])
    printed = capsys.readouterr().out
    kept = load_network(good)
    assert np.array_equal(kept.weights[0], before.weights[0]), "the good network was replaced"
    beside = tmp_path / "good-1.nn"
    if code == 1 and "diverged" in printed:  # caught as divergence: nothing saved at all is fine too
        assert not beside.exists() or load_network(beside).metadata["training"]["held_out_accuracy"] < 0.8
        return
    assert code == 0 and f"kept {good}" in printed and beside.exists()
    assert load_network(beside).metadata["training"]["held_out_accuracy"] < before.metadata["training"][
        "held_out_accuracy"] - 0.05
