"""Sweeps: the plan, the queue, resuming after an interruption, the Pareto front."""

import json

import pytest

from idx_factory import write_synthetic_dataset
from mnistbench.cli import main
from mnistbench.data import load_dataset
from mnistbench.engine.training import TrainingCallbacks, TrainingControl
from mnistbench.errors import ConfigError
from mnistbench.netfile import load_network
from mnistbench.workflows.run_rows import RunRow
from mnistbench.workflows.runs_store import RunsStore
from mnistbench.workflows.sweep import (NothingToSweepError, SweepClock, estimate_points, latest_rows, parse_axis, pareto_front,
                                        pending_points, plan_sweep, point_label, run_sweep)

ARCHITECTURE = dict(layer_sizes=[784, 128, 10], activation="relu", output="softmax", loss="cross_entropy",
                    init="he")


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    return write_synthetic_dataset(tmp_path_factory.mktemp("data") / "digits", n_train=300, n_test=60, seed=0)


def test_a_grid_of_nine_points_and_its_id():
    axes = {"learning_rate": parse_axis("learning_rate", "0.001,0.003,0.01"),
            "hidden": parse_axis("hidden", "64,128,256-32"), "epochs": [5]}
    sweep = plan_sweep("mnist", ARCHITECTURE, {"batch_size": 32}, axes)
    assert len(sweep.points) == 9 and sweep.config == {"batch_size": 32, "epochs": 5}
    architecture, config = sweep.point_settings(sweep.points[-1])
    assert architecture["layer_sizes"] == [784, 256, 32, 10] and config.learning_rate == 0.01
    assert config.epochs == 5 and config.batch_size == 32
    assert point_label(sweep.points[-1]) == "lr 0.01, hidden 256-32"  # one value: not what differs
    assert plan_sweep("mnist", ARCHITECTURE, {"batch_size": 32}, axes).id == sweep.id
    assert plan_sweep("fashion-mnist", ARCHITECTURE, {"batch_size": 32}, axes).id != sweep.id
    sample = plan_sweep("mnist", ARCHITECTURE, {}, axes, random_count=4, seed=3)
    assert len(sample.points) == 4 and all(point in sweep.points for point in sample.points)
    assert len({json.dumps(point) for point in sample.points}) == 4
    with pytest.raises(ConfigError, match="dropout must"):  # every point is checked before training
        plan_sweep("mnist", ARCHITECTURE, {}, {"dropout": [0.1, 2.0]})


def test_an_interrupted_sweep_resumes_its_unfinished_points(digits, tmp_path):
    store, dataset = RunsStore(tmp_path / "runs"), load_dataset(digits)
    sweep = plan_sweep(str(digits), dict(ARCHITECTURE, layer_sizes=[784, 16, 10]), {"epochs": 2},
                       {"learning_rate": [0.001, 0.01], "batch_size": [16, 32]})
    control = TrainingControl()

    def callbacks_for(index):  # the second point is interrupted in its first epoch
        return TrainingCallbacks(on_batch=lambda report: index == 1 and report.batch == 2 and control.request_stop())
    assert run_sweep(store, sweep, dataset, control=control, callbacks_for=callbacks_for) == [0, 1]
    assert [row.status for row in store.runs(sweep.id)] == ["finished", "stopped"]
    assert pending_points(store, sweep) == [1, 2, 3]
    assert [row.status for row in latest_rows(store, sweep)] == ["finished", "stopped"]
    estimates = estimate_points(sweep, dataset, [1, 2, 3])
    assert sorted(estimates) == [1, 2, 3] and all(seconds > 0 for seconds in estimates.values())
    heard = []
    assert run_sweep(store, sweep, dataset, on_point=lambda i, outcome, run_id: heard.append((i, run_id))) == [1, 2, 3]
    rows = store.runs(sweep.id)
    assert [row.sweep_point for row in rows] == [0, 1, 1, 2, 3] and [run_id for _, run_id in heard] == [3, 4, 5]
    assert pending_points(store, sweep) == [] and run_sweep(store, sweep, dataset) == []
    assert [(row.sweep_point, row.status) for row in latest_rows(store, sweep)] == [
        (0, "finished"), (1, "finished"), (2, "finished"), (3, "finished")]
    last = rows[-1]
    assert last.settings["learning_rate"] == 0.01 and last.settings["batch_size"] == 32
    assert load_network(last.network).metadata["training"]["runs"][-1]["config"]["batch_size"] == 32


def test_the_cli_sweep_prints_results_and_pareto_fronts_and_resumes(digits, capsys):
    argv = ["sweep", "--data", str(digits), "--lr", "0.001,0.01", "--hidden", "8,16", "--epochs", "1"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert ": 4 points on digits, 4 to train (0 done)" in printed and "estimated time" in printed
    assert printed.count("point ") >= 4 and "Pareto front, accuracy against training time: run" in printed
    assert "Pareto front, accuracy against parameters: run" in printed
    sweep_id = printed.split(":")[0]
    assert main(argv) == 0
    assert "4 to train" not in capsys.readouterr().out
    assert main(["sweep", "--resume", sweep_id, "--json"]) == 0
    printed = capsys.readouterr()
    assert "nothing left to train" in printed.err and len(json.loads(printed.out)) == 4
    assert len(RunsStore().runs(sweep_id)) == 4


def row(accuracy, seconds, parameters, run_id, status="finished"):
    return RunRow(run_id, status, "", (784, 10), parameters, "d", accuracy, "", seconds, 1)


def test_pareto_front():
    rows = [row(0.90, 10, 100, 1), row(0.95, 20, 50, 2), row(0.93, 30, 500, 3), row(0.95, 25, 60, 4),
            row(None, 1, 1, 5), row(0.99, 1, 1, 6, "stopped"), row(0.99, 1, 1, 7, "unfinished")]
    assert [r.id for r in pareto_front(rows, lambda r: r.seconds)] == [1, 2]
    assert [r.id for r in pareto_front(rows, lambda r: r.parameters)] == [2]


def test_the_sweep_clock_learns_the_pace():
    clock = SweepClock({0: 10.0, 1: 10.0, 2: 20.0})
    assert clock.seconds_left() == 40.0 and clock.seconds_left(running=0, fraction_done=0.5) == 35.0
    clock.point_done(0, 20.0)  # twice as slow as estimated: the rest will likely be too
    assert clock.seconds_left() == 60.0 and clock.seconds_left(running=1, fraction_done=0.25) == 55.0


def test_an_unknown_setting_is_one_clear_error():
    """A sweep stored by a newer version may name a setting this one lacks: a ConfigError, no TypeError."""
    with pytest.raises(ConfigError, match="unknown training setting"):
        plan_sweep("mnist", ARCHITECTURE, {"momentum_decay": 0.5}, {"learning_rate": [0.1, 0.2]})


def test_a_sweep_with_one_value_per_setting_says_which_settings_could_vary():
    """The workflow decides; each front end names the settings its own way (see the CLI and window tests)."""
    with pytest.raises(NothingToSweepError) as caught:
        plan_sweep("mnist", ARCHITECTURE, {}, {"learning_rate": [0.1], "epochs": [2, 2]})
    assert caught.value.axes == ("learning_rate", "hidden", "batch_size", "dropout", "epochs")
    names = {"learning_rate": "LR", "hidden": "H", "batch_size": "B", "dropout": "D", "epochs": "E"}
    assert caught.value.worded(names, "LR 1,2") == ("a sweep needs a setting with two values or more "
                                                    "(LR, H, B, D or E, like LR 1,2)")
    assert "--" not in str(caught.value)


def test_a_points_estimate_counts_the_work_around_its_run(digits, monkeypatch):
    """run_sweep builds each point's network, splits its data and saves its file: the estimate times
    that too (once per shape), or a sweep of short runs took half again as long as it said."""
    from mnistbench.workflows import sweep as sweep_module

    saved = []
    real_save = sweep_module.save_network
    monkeypatch.setattr(sweep_module, "save_network", lambda net, path: (saved.append(net.layer_sizes),
                                                                          real_save(net, path)))
    sweep = plan_sweep(str(digits), ARCHITECTURE, {"epochs": 1},
                       {"learning_rate": [0.001, 0.01], "hidden": [(8,), (16,)]})
    estimates = estimate_points(sweep, load_dataset(digits), range(4))
    assert sorted(saved) == [(784, 8, 10), (784, 16, 10)]  # once per shape, not per point
    assert estimates[0] == estimates[2] and estimates[1] == estimates[3]  # the same shape, the same cost
