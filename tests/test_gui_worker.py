"""The training thread: real engine on tiny synthetic data, observed through the controller only."""

import json
import time

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from idx_factory import synthetic_digits, write_synthetic_dataset  # noqa: E402
from mnistbench.cli import main  # noqa: E402
from mnistbench.data import load_dataset  # noqa: E402
from mnistbench.data.datasets import DIGIT_CLASSES, Dataset  # noqa: E402
from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.engine.network import Network  # noqa: E402
from mnistbench.gui.window import recovery  # noqa: E402
from mnistbench.gui.jobs.training_job import TrainingController, TrainingWorker  # noqa: E402
from mnistbench.netfile import load_network, save_network  # noqa: E402
from mnistbench.workflows.recipes import build_network  # noqa: E402

pytestmark = pytest.mark.gui


def tiny_dataset(n_train=400, n_test=100, seed=0):
    train, test = synthetic_digits(n_train, seed), synthetic_digits(n_test, seed + 99)
    return Dataset("synthetic", *train, *test, DIGIT_CLASSES, "memory")


def tiny_net(hidden=16):
    return Network([784, hidden, 10], activation="relu", loss="cross_entropy", init="he", seed=1)


class Recorder:
    """Keeps every relayed report of a controller."""

    def __init__(self, controller):
        self.batches, self.evaluations, self.epochs, self.evaluated, self.failed = [], [], [], [], []
        self.bundles = []
        controller.sig_batches.connect(lambda reports: (self.bundles.append(len(reports)),
                                                        self.batches.extend(reports)))
        controller.sig_evaluation.connect(self.evaluations.append)
        controller.sig_epoch.connect(self.epochs.append)
        controller.sig_evaluated.connect(self.evaluated.append)
        controller.sig_failed.connect(self.failed.append)


def test_training_relays_every_report_and_evaluates_the_test_set(qtbot):
    controller = TrainingController(save_recovery=recovery.write_recovery)
    seen = Recorder(controller)
    net, data = tiny_net(), tiny_dataset()
    config = TrainingConfig(batch_size=50, epochs=2, evaluations_per_epoch=2, validation_size=50,
                            learning_rate=0.01)
    with qtbot.waitSignal(controller.sig_finished, timeout=20000) as finished:
        controller.start(net, data, config)
    result = finished.args[0]
    assert result.stop_reason == "completed" and result.epochs_completed == 2
    assert len(seen.batches) == 2 * 8 and seen.batches[-1].epoch == 2
    assert len(seen.evaluations) == 4 and len(seen.epochs) == 2
    assert seen.epochs[-1].network is not net  # a copy, never the live weights
    evaluation = seen.evaluated[0]
    assert len(evaluation.predicted_labels) == data.n_test
    assert evaluation.accuracy == pytest.approx(net.score(data.test_images, data.test_labels))
    assert np.all((evaluation.confidences > 0) & (evaluation.confidences <= 1))
    assert net.metadata["training"]["held_out_accuracy"] == evaluation.accuracy
    assert evaluation.accuracy > 0.5  # it learned something
    assert load_network(recovery.recovery_path()).layer_sizes == (784, 16, 10)
    assert not controller.running and not seen.failed


@pytest.fixture
def paced_batches(monkeypatch):
    """Batches at a real network's pace: a tiny one runs 40 batches (with the fused kernels) before
    the GUI thread gets the GIL to act on the first report; a short sleep hands it over."""
    on_batch = TrainingWorker._on_batch

    def paced(worker, report):
        time.sleep(0.002)
        on_batch(worker, report)

    monkeypatch.setattr(TrainingWorker, "_on_batch", paced)


def test_stop_ends_training_within_a_batch(qtbot, paced_batches):
    controller = TrainingController(batch_interval=0)  # every batch report crosses at once
    seen = Recorder(controller)
    controller.sig_batches.connect(lambda reports: controller.stop())
    with qtbot.waitSignal(controller.sig_finished, timeout=20000) as finished:
        controller.start(tiny_net(), tiny_dataset(), TrainingConfig(batch_size=10, epochs=50))
    assert finished.args[0].stop_reason == "stopped"
    assert len(seen.batches) < 40  # of 2,000; the stop flag is checked before every batch
    assert not controller.running


def test_pause_holds_training_until_resumed(qtbot, paced_batches):
    controller = TrainingController(batch_interval=0)
    seen = Recorder(controller)
    controller.sig_batches.connect(lambda reports: reports[-1].samples_seen == 10 and controller.pause())
    controller.start(tiny_net(), tiny_dataset(), TrainingConfig(batch_size=10, epochs=1))
    qtbot.waitUntil(lambda: controller.paused, timeout=10000)
    qtbot.wait(300)
    held = len(seen.batches)
    qtbot.wait(300)
    assert len(seen.batches) == held < 40 and controller.running
    with qtbot.waitSignal(controller.sig_finished, timeout=20000):
        controller.resume()
    assert len(seen.batches) == 40


def test_a_few_thousand_signals_pass_through_the_controller(qtbot):
    """Guard against PySide6 6.12's lost reference per emit (it aborted after ~1000)."""
    controller = TrainingController(batch_interval=0)  # 3000 cross-thread emits, 3000 relays
    seen = Recorder(controller)
    config = TrainingConfig(batch_size=1, epochs=1, evaluations_per_epoch=0)
    with qtbot.waitSignal(controller.sig_finished, timeout=25000):
        controller.start(tiny_net(hidden=4), tiny_dataset(n_train=3000, n_test=10), config)
    assert len(seen.batches) == 3000
    assert [r.batch for r in seen.batches[:3]] == [1, 2, 3]


def test_batch_reports_cross_in_bundles_but_all_arrive_in_order(qtbot):
    controller = TrainingController()
    seen = Recorder(controller)
    config = TrainingConfig(batch_size=2, epochs=2, evaluations_per_epoch=3, validation_size=20)
    with qtbot.waitSignal(controller.sig_finished, timeout=25000):
        controller.start(tiny_net(hidden=4), tiny_dataset(n_train=600, n_test=20), config)
    assert [r.samples_seen for r in seen.batches] == list(range(2, 1201, 2))
    assert len(seen.evaluations) == 6 and len(seen.epochs) == 2
    assert len(seen.bundles) < 600  # 600 batches crossed in fewer signals


def test_a_failing_job_reports_one_line(qtbot):
    controller = TrainingController()
    net = Network([784, 8, 5], activation="relu", loss="cross_entropy", init="he")  # labels go to 9
    with qtbot.waitSignal(controller.sig_failed, timeout=10000) as failed:
        controller.start(net, tiny_dataset(), TrainingConfig(epochs=1))
    assert "labels must lie in 0..4" in failed.args[0] and "\n" not in failed.args[0]
    assert not controller.running


def test_evaluate_only_reports_the_test_set_without_training(qtbot):
    controller = TrainingController()
    seen = Recorder(controller)
    net, data = tiny_net(), tiny_dataset()
    before = [W.copy() for W in net.weights]
    with qtbot.waitSignal(controller.sig_evaluated, timeout=10000):
        controller.evaluate(net, data)
    qtbot.waitUntil(lambda: not controller.running, timeout=5000)
    assert not seen.batches and len(seen.evaluated[0].true_labels) == 100
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))


def test_a_loaded_network_continues_from_its_weights(qtbot, tmp_path):
    data = tiny_dataset()
    config = TrainingConfig(batch_size=50, epochs=2, evaluations_per_epoch=0, learning_rate=0.01)
    first = Recorder(controller := TrainingController())
    with qtbot.waitSignal(controller.sig_finished, timeout=20000):
        controller.start(tiny_net(), data, config)
    save_network(controller.network, tmp_path / "trained.nn")
    second = Recorder(controller)
    with qtbot.waitSignal(controller.sig_finished, timeout=20000):
        controller.start(load_network(tmp_path / "trained.nn"), data, config)
    assert second.batches[0].loss < first.batches[0].loss / 2
    assert controller.network.metadata["training"]["epochs"] == 4


def test_shutdown_stops_a_running_job(qtbot):
    controller = TrainingController()
    seen = Recorder(controller)
    controller.start(tiny_net(), tiny_dataset(), TrainingConfig(batch_size=10, epochs=100))
    qtbot.waitUntil(lambda: len(seen.batches) > 0, timeout=10000)
    assert controller.shutdown(5000)
    assert not controller.running


def test_a_network_trained_in_the_window_is_tested_on_its_own_dataset(qtbot, tmp_path, monkeypatch, capsys):
    folder = write_synthetic_dataset(tmp_path / "strokes", n_train=300, n_test=70, seed=4)
    controller, net = TrainingController(), tiny_net()
    with qtbot.waitSignal(controller.sig_finished, timeout=20000):
        controller.start(net, load_dataset(folder), TrainingConfig(epochs=1, batch_size=30, learning_rate=0.01))
    save_network(net, tmp_path / "window.nn")
    monkeypatch.delenv("MNISTBENCH_DATASETS", raising=False)  # no MNIST to fall back on
    monkeypatch.chdir(tmp_path.parent)
    assert main(["test", str(tmp_path / "window.nn"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dataset"] == "strokes" and report["images"] == 70
    assert report["accuracy"] == pytest.approx(net.metadata["training"]["held_out_accuracy"], abs=1e-6)


def test_the_window_and_the_cli_hold_out_the_same_images_and_train_the_same_weights(qtbot, tmp_path, capsys):
    folder = write_synthetic_dataset(tmp_path / "strokes", n_train=300, n_test=70, seed=4)
    assert main(["train", "--data", str(folder), "--layers", "784,16,10", "--epochs", "2", "--batch-size", "30",
                 "--early-stopping", "1", "--seed", "3", "--quiet", "--out", str(tmp_path / "cli.nn")]) == 0
    from_cli = load_network(tmp_path / "cli.nn")
    architecture = {"layer_sizes": [784, 16, 10], "activation": "relu", "output": "softmax",
                    "loss": "cross_entropy", "init": "he"}
    net, controller = build_network(architecture, seed=3), TrainingController()
    config = TrainingConfig(epochs=2, batch_size=30, early_stopping_patience=1, seed=3)
    with qtbot.waitSignal(controller.sig_finished, timeout=20000):
        controller.start(net, load_dataset(folder), config)
    for ours, theirs in zip(net.weights + net.biases, from_cli.weights + from_cli.biases):
        assert ours.tobytes() == theirs.tobytes()
    assert net.metadata["training"]["runs"][-1]["validation"] == "30 training images held out for validation"
