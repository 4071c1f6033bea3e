"""The runs store: what a recorded run keeps, how it ends, and what a crash leaves behind."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from idx_factory import write_synthetic_dataset
from mnistbench.data import load_dataset
from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.network import Network
from mnistbench.engine.training import TrainingCallbacks, TrainingControl
from mnistbench.errors import MnistbenchError
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.run_recorder import BATCH_POINTS_PER_EPOCH, RunRecorder
from mnistbench.workflows.runs_store import RunsStore
from mnistbench.workflows.training_run import train_and_record

ARCHITECTURE = dict(layer_sizes=[784, 16, 10], activation="relu", output="softmax", loss="cross_entropy",
                    init="he")


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    folder = write_synthetic_dataset(tmp_path_factory.mktemp("data") / "digits", n_train=600, n_test=150, seed=0)
    return folder, load_dataset(folder)


def recorded_run(store, dataset, config, **recorder_options):
    net = build_network(ARCHITECTURE, seed=config.seed)
    recorder = RunRecorder(store, **recorder_options)
    outcome = train_and_record(net, dataset, config, recorder=recorder)
    return recorder.run_id, outcome


def test_a_recorded_run_keeps_settings_curves_and_held_out_result(digits, tmp_path):
    store = RunsStore(tmp_path / "runs")
    config = TrainingConfig(epochs=2, batch_size=16, learning_rate=0.005)
    run_id, outcome = recorded_run(store, digits[1], config, label="first")
    row = store.run(run_id)
    assert row.status == "finished" and row.label == "first" and row.dataset == "digits"
    assert row.layer_sizes == (784, 16, 10) and row.parameters == 784 * 16 + 16 + 16 * 10 + 10
    assert row.settings == config.describe() and row.epochs == 2
    assert row.held_out_accuracy == pytest.approx(outcome.evaluation.accuracy, abs=1e-6)
    assert row.seconds == pytest.approx(outcome.result.seconds)
    curves = store.curves(run_id)
    assert curves["epochs"]["train_loss"] == pytest.approx(outcome.result.history["train_loss"])
    assert curves["epochs"]["learning_rate"] == [0.005, 0.005]
    seen = curves["batches"]["samples_seen"]
    assert seen == sorted(seen) and seen[-1] == 2 * 600  # one point per batch: 38 batches an epoch
    assert curves["batches"]["progress"][0] == pytest.approx(1 / 38) and curves["batches"]["progress"][-1] == 2.0
    evaluations = curves["evaluations"]
    assert len(evaluations["validation_loss"]) == 2 * config.evaluations_per_epoch
    assert evaluations["progress"] == pytest.approx([round(38 * k / 4) / 38 for k in range(1, 9)])


def test_batch_losses_are_averaged_over_windows(digits, tmp_path):
    store = RunsStore(tmp_path / "runs")
    losses = []
    net = build_network(ARCHITECTURE)
    recorder = RunRecorder(store)
    train_and_record(net, digits[1], TrainingConfig(epochs=1, batch_size=2, learning_rate=0.001),
                     recorder=recorder, callbacks=TrainingCallbacks(on_batch=lambda r: losses.append(r.loss)))
    stored = store.curves(recorder.run_id)["batches"]["loss"]
    window = 300 // BATCH_POINTS_PER_EPOCH  # 300 batches, 100 points
    assert len(stored) == BATCH_POINTS_PER_EPOCH
    assert stored == pytest.approx(np.mean(np.reshape(losses, (-1, window)), axis=1))


def test_stopped_diverged_and_failed_runs_say_so(digits, tmp_path):
    store = RunsStore(tmp_path / "runs")
    control = TrainingControl()
    net = build_network(ARCHITECTURE)
    stop_soon = TrainingCallbacks(on_batch=lambda report: report.batch == 3 and control.request_stop())
    recorder = RunRecorder(store)
    train_and_record(net, digits[1], TrainingConfig(epochs=3), recorder=recorder, callbacks=stop_soon,
                     control=control)
    assert store.run(recorder.run_id).status == "stopped"
    # A linear model with a far too large step: the error grows until it overflows.
    linear = Network.from_parameters([np.random.default_rng(0).normal(0, 0.1, (10, 784))], [np.zeros(10)],
                                     ["identity"], "quadratic")
    recorder = RunRecorder(store)
    outcome = train_and_record(linear, digits[1], TrainingConfig(optimizer="sgd", learning_rate=5.0, epochs=50),
                               recorder=recorder)
    assert outcome.result.stop_reason == "diverged"
    diverged = store.run(recorder.run_id)
    assert diverged.status == "diverged" and "smaller learning rate" in diverged.message

    def fail(report):
        raise RuntimeError("a callback broke")
    recorder = RunRecorder(store)
    with pytest.raises(RuntimeError):
        train_and_record(build_network(ARCHITECTURE), digits[1], TrainingConfig(epochs=1), recorder=recorder,
                         callbacks=TrainingCallbacks(on_batch=fail))
    failed = store.run(recorder.run_id)
    assert failed.status == "unfinished" and "a callback broke" in failed.message


def test_a_continued_run_goes_on_where_it_stopped(digits, tmp_path):
    store = RunsStore(tmp_path / "runs")
    net = build_network(ARCHITECTURE)
    first = RunRecorder(store)
    train_and_record(net, digits[1], TrainingConfig(epochs=1), recorder=first)
    train_and_record(net, digits[1], TrainingConfig(epochs=2), recorder=RunRecorder(store, continue_run=first.run_id))
    assert len(store.runs()) == 1
    row, curves = store.run(first.run_id), store.curves(first.run_id)
    assert row.epochs == 3 and curves["epochs"]["epoch"] == [1, 2, 3]
    assert curves["batches"]["samples_seen"][-1] == 3 * 600 and curves["batches"]["progress"][-1] == 3.0


def test_delete_and_undo(digits, tmp_path):
    store = RunsStore(tmp_path / "runs")
    run_id, _ = recorded_run(store, digits[1], TrainingConfig(epochs=1))
    before = store.curves(run_id)
    kept = store.delete_run(run_id)
    assert store.runs() == [] and store.curves(run_id)["batches"]["loss"] == []
    store.restore_run(kept)
    assert store.run(run_id).status == "finished" and store.curves(run_id) == before


def test_a_damaged_store_is_one_clear_error(tmp_path):
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "runs.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(MnistbenchError, match="runs.sqlite: not a readable runs store"):
        RunsStore(tmp_path / "runs")


def test_a_killed_training_leaves_a_sound_store_and_the_run_unfinished(digits, tmp_path):
    env = {**os.environ, "MNISTBENCH_RUNS": str(tmp_path / "runs"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "mnistbench", "train", "--data", str(digits[0]),
                                "--layers", "784,64,10", "--epochs", "500", "--batch-size", "4",
                                "--out", str(tmp_path / "killed.nn")],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        deadline, line = time.monotonic() + 60, ""
        while "epoch 2/500" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
        time.sleep(0.5)  # in the middle of the third epoch, writing batches
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
        process.stdout.close()
    assert "epoch 2/500" in line
    store = RunsStore(tmp_path / "runs")
    (row,) = store.runs()
    assert row.status == "unfinished" and row.epochs >= 2 and "crash or a kill" in row.message
    assert store.curves(row.id)["epochs"]["epoch"][:2] == [1, 2]
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_store_that_fails_mid_run_stops_recording_not_training(digits, tmp_path, monkeypatch):
    store = RunsStore(tmp_path / "runs")

    def disk_full(*args):
        raise MnistbenchError(f"{store.path}: database or disk is full")
    monkeypatch.setattr(store, "add_curve_points", disk_full)
    recorder = RunRecorder(store)
    outcome = train_and_record(build_network(ARCHITECTURE), digits[1], TrainingConfig(epochs=2), recorder=recorder)
    assert outcome.result.epochs_completed == 2 and outcome.evaluation is not None
    assert recorder.problem.startswith("the run could not be recorded: ") and "disk is full" in recorder.problem
    assert store.run(recorder.run_id).status == "running"  # nothing more was written after the failure


def test_train_without_a_usable_store_trains_and_says_so(digits, tmp_path, monkeypatch, capsys):
    from mnistbench.cli import main
    (tmp_path / "not-a-folder").write_text("a file where the runs folder should be")
    monkeypatch.setenv("MNISTBENCH_RUNS", str(tmp_path / "not-a-folder"))
    assert main(["train", "--data", str(digits[0]), "--layers", "784,16,10", "--epochs", "1", "--quiet",
                 "--out", str(tmp_path / "net.nn")]) == 0
    printed = capsys.readouterr()
    assert "mnistbench: training without recording the run:" in printed.err and (tmp_path / "net.nn").exists()


def test_a_store_from_an_earlier_version_gains_the_new_columns(digits, tmp_path):
    (tmp_path / "runs").mkdir()
    with sqlite3.connect(tmp_path / "runs" / "runs.sqlite") as db:  # as the first version wrote it
        db.executescript("""CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started, status);
            CREATE TABLE batches (run_id, epoch, batch, samples_seen, seconds, loss, accuracy);
            INSERT INTO runs (started, status) VALUES ('2026-01-01 10:00:00', 'finished');""")
    db.close()
    store = RunsStore(tmp_path / "runs")
    assert store.run(1).status == "finished" and store.run(1).layer_sizes == ()
    run_id, _ = recorded_run(store, digits[1], TrainingConfig(epochs=1))
    assert store.curves(run_id)["batches"]["progress"][-1] == 1.0


def test_a_reserved_run_keeps_its_id_and_one_that_never_trains_is_marked_unfinished(tmp_path):
    store, config = RunsStore(tmp_path), TrainingConfig(epochs=1, batch_size=50)
    dataset = load_dataset(write_synthetic_dataset(tmp_path / "digits", n_train=200, n_test=50, seed=0))
    net = Network([784, 8, 10], seed=1)
    recorder = RunRecorder(store)
    run_id = recorder.reserve(net, dataset.name, config)
    assert [(row.id, row.status) for row in store.runs()] == [(run_id, "running")]
    train_and_record(net, dataset, config, recorder=recorder)
    row = store.run(run_id)
    assert (row.status, row.epochs, len(store.runs())) == ("finished", 1, 1)
    assert row.held_out_accuracy is not None
    never = RunRecorder(store)
    never.reserve(net, dataset.name, config)
    never.abandon("the job ended before training began")
    recorder.abandon("a recorded run is left as it is")
    assert [row.status for row in store.runs()] == ["finished", "unfinished"]
