"""The curves show runs: earlier and chosen runs overlaid and labelled, three x axes, a network's
recorded history replayed, and each network's own curve continued (issue 14 "Runs", issue 13 §2)."""

import numpy as np
import pytest

pytest.importorskip("pyqtgraph")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from mnistbench.data import load_dataset  # noqa: E402
from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.engine.network import Network  # noqa: E402
from mnistbench.engine.training import BatchReport, EpochReport, EvaluationReport  # noqa: E402
from mnistbench.gui.panels.curves.curves_data import BatchErrors  # noqa: E402
from mnistbench.gui.panels.curves.run_curves import stored_runs, window_errors  # noqa: E402
from mnistbench.gui.window.panel_wiring import show_chosen_runs  # noqa: E402
from mnistbench.netfile import save_network  # noqa: E402
from mnistbench.workflows.run_recorder import RunRecorder  # noqa: E402
from mnistbench.workflows.runs_store import RunsStore  # noqa: E402
from mnistbench.workflows.training_run import train_and_record  # noqa: E402
from window_helpers import answer, shown_curves_panel  # noqa: E402

pytestmark = pytest.mark.gui
BATCHES = 12  # the window's synthetic dataset: 600 images / batch 50


@pytest.fixture
def panel(qtbot):
    return shown_curves_panel(qtbot)


def shown(curve):
    x, y = curve.getData()
    return (np.array([]), np.array([])) if x is None else (x, 10.0 ** y)


def fill(panel, epochs=2, batches=100, rate=1000.0):
    """``epochs`` of fake reports: 10 examples a batch at ``rate`` examples a second."""
    for epoch in range(1, epochs + 1):
        for i in range(1, batches + 1):
            seen = ((epoch - 1) * batches + i) * 10
            panel.add_batch(BatchReport(epoch, i, batches, seen, 1.0 / seen, 0.8, rate, 0.01))
        panel.add_evaluation(EvaluationReport(epoch, batches, epoch * batches * 10, 0.5 / epoch, 0.2 / epoch))
        panel.add_epoch(EpochReport(epoch, epochs, 0.4, 0.9, 0.5, 0.8, batches * 10 / rate, None))


def train_in_window(window, qtbot, learning_rate="0.01", epochs=1):
    form = window.training_panel.training_form
    form.epochs.setValue(epochs)
    form.batch_size.setValue(50)
    form.learning_rate.setText(learning_rate)
    with qtbot.waitSignal(window.controller.sig_finished, timeout=30000):
        qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)


def initialise(window, qtbot):
    answer(window, QMessageBox.Discard)  # the trained network is not saved: Initialise asks
    assert window.files.initialise_from_panel()  # the form's architecture, as the first network had
    qtbot.waitUntil(lambda: not window.files.initialising.busy, timeout=10000)


def legend_names(panel):
    return [label.text for _sample, label in panel.legend.items]


# --- the window: train A, train B; open, replay, continue -----------------------------------
def test_train_a_then_a_new_network_b_shows_both_labelled_by_what_differs(make_window, qtbot):
    window = make_window()
    train_in_window(window, qtbot, "0.01")
    initialise(window, qtbot)  # Initialise used to clear the curves
    train_in_window(window, qtbot, "0.001")
    curves = window.curves_panel
    (earlier,) = curves.overlays
    assert len(shown(earlier.curves["train_loss"])[0]) == BATCHES
    assert len(shown(curves.curves["train_loss"])[0]) == BATCHES
    assert legend_names(curves)[2:] == ["lr 0.01", "lr 0.001"]
    assert earlier.colour != curves.current_colour


def test_opening_a_trained_network_replays_its_history_and_training_continues_it(make_window, qtbot, tmp_path):
    window = make_window()
    train_in_window(window, qtbot, epochs=2)
    history = window.state.network.metadata["training"]["history"]
    save_network(window.state.network, tmp_path / "a.nn")
    initialise(window, qtbot)
    train_in_window(window, qtbot, epochs=3)  # another network, trained longer: its curve ends at 3
    answer(window, QMessageBox.Discard)
    assert window.files.open_network(tmp_path / "a.nn")
    curves = window.curves_panel
    x, y = shown(curves.curves["train_loss"])  # the file's history, one point an epoch, drawn now
    assert list(x) == [1.0, 2.0]
    np.testing.assert_allclose(curves.current["train_loss"].y, history["train_loss"])
    np.testing.assert_allclose(curves.current["validation_error"].y, 1 - np.array(history["validation_accuracy"]))
    assert [len(shown(o.curves["train_loss"])[0]) for o in curves.overlays] == [2 * BATCHES, 3 * BATCHES]
    train_in_window(window, qtbot)  # a.nn continues its own curve, not the last network's
    x = curves.current["train_loss"].x
    assert x[:2].tolist() == [1.0, 2.0] and x[2] == pytest.approx(2 + 1 / BATCHES) and x[-1] == pytest.approx(3)
    train_in_window(window, qtbot)  # and again: the network training left continues
    assert curves.current["train_loss"].x[-1] == pytest.approx(4) and len(curves.overlays) == 2


def test_runs_chosen_in_the_store_are_overlaid_with_their_labels(make_window, qtbot, tmp_path, logged_errors):
    store = RunsStore(tmp_path / "runs")
    dataset = load_dataset("digits")
    ids = []
    for rate in (0.01, 0.1):
        recorder = RunRecorder(store)
        train_and_record(Network([784, 8, 10], seed=1), dataset,
                         TrainingConfig(epochs=2, batch_size=50, learning_rate=rate), recorder=recorder)
        ids.append(recorder.run_id)
    window = make_window()
    show_chosen_runs(window, store, ids)
    curves = window.curves_panel
    assert [overlay.row.id for overlay in curves.overlays] == ids
    assert legend_names(curves)[2:] == ["lr 0.01", "lr 0.1"]
    stored = store.curves(ids[1])
    x, y = shown(curves.overlays[1].curves["validation_loss"])
    np.testing.assert_allclose(x, stored["evaluations"]["progress"])
    np.testing.assert_allclose(y, stored["evaluations"]["validation_loss"])
    show_chosen_runs(window, store, ids[:1])  # a new choice replaces the last
    assert [overlay.row.id for overlay in curves.overlays] == ids[:1]
    logged_errors.expect("cannot show the chosen runs")
    show_chosen_runs(window, store, [9999])
    assert [overlay.row.id for overlay in curves.overlays] == ids[:1]


# --- the panel ----------------------------------------------------------------------------
def test_x_by_epoch_examples_or_seconds(panel):
    panel.start_run(False, planned_epochs=2)
    fill(panel)
    panel.end_run()
    for axis, last, mark in (("examples", 2000, 1000), ("seconds", 2.0, 1.0), ("epoch", 2.0, 1.0)):
        panel.axis_choice.setCurrentIndex(panel.axis_choice.findData(axis))
        x, _ = shown(panel.curves["train_loss"])
        assert x[-1] == pytest.approx(last) and x[0] == pytest.approx(last / 200)
        assert panel.epoch_marks["loss"].positions[0] == pytest.approx(mark)
        assert panel.plots["error"].getAxis("bottom").labelText.startswith(axis)
    panel.set_x_axis("examples")
    panel.start_run(True, planned_epochs=1)  # a continued run goes on from where the curve ended
    fill(panel, epochs=1)
    panel.redraw()
    assert shown(panel.curves["train_loss"])[0][-1] == pytest.approx(3000)
    assert panel.describe_at(2500).startswith("2,500 examples")


def test_overlays_are_drawn_once_not_with_every_live_redraw(panel, qtbot, tmp_path):
    store = RunsStore(tmp_path / "runs")
    run_id = store.start_run(layer_sizes=[784, 8, 10], settings={"learning_rate": 0.1}, dataset="digits")
    store.add_curve_points(run_id, "epochs", [(1, 0.9, 0.7, 0.8, 0.75, 0.1, 2.0), (2, 0.5, 0.8, 0.6, 0.8, 0.1, 2.0)])
    panel.show_runs(stored_runs(store, [run_id]))
    (overlay,) = panel.overlays
    assert shown(overlay.curves["train_loss"])[0].tolist() == [1.0, 2.0]  # a run with epochs only
    calls = []
    for curve in overlay.curves.values():
        original = curve.setData
        curve.setData = lambda *a, original=original, **k: (calls.append(1), original(*a, **k))
    panel.start_run(False, planned_epochs=2)
    fill(panel)
    qtbot.waitUntil(lambda: len(shown(panel.curves["train_loss"])[0]) == 200, timeout=5000)
    assert calls == []
    panel.smoothing.setValue(0)  # a new smoothing draws every run again, once
    assert len(calls) == 4
    np.testing.assert_allclose(shown(overlay.curves["train_loss"])[1], [0.9, 0.5])


def test_store_errors_are_each_windows_own(panel):
    """A stored run's accuracy is the engine's running one at the end of each window of batches."""
    reports = [BatchReport(epoch, i, 4, ((epoch - 1) * 4 + i) * 10, 0.5, accuracy, 100.0, 0.01)
               for epoch, accuracies in ((1, (0.2, 0.4, 0.5, 0.6)), (2, (1.0, 0.9, 0.8, 0.85)))
               for i, accuracy in enumerate(accuracies, start=1)]
    errors = BatchErrors()
    expected = [errors.error_of(report) for report in reports]
    got = window_errors([r.epoch for r in reports], [r.samples_seen for r in reports], [r.accuracy for r in reports])
    np.testing.assert_allclose(got, expected)
    pairs = window_errors([1, 1], [20, 40], [0.5, 0.75])  # windows of two batches
    np.testing.assert_allclose(pairs, [0.5, 0.0])


def test_a_network_with_history_replaces_a_curve_and_its_own_does_not(panel):
    net = Network([784, 8, 10], seed=1)
    net.metadata["training"] = {"epochs": 2, "dataset": {"name": "digits", "n_train": 600},
                                "history": {"train_loss": [0.9, 0.5], "train_accuracy": [0.7, 0.8],
                                            "validation_loss": [1.0, 0.7], "validation_accuracy": [0.6, 0.7],
                                            "seconds": [1.5, 1.5]},
                                "runs": [{"config": {"learning_rate": 0.01}, "epochs": 2}]}
    panel.set_network(net)
    assert panel.current["train_loss"].points()[:, :3].tolist() == [[1, 600, 1.5], [2, 1200, 3.0]]
    assert panel.smoothing_weight > 0  # epoch averages are drawn as they are, not smoothed again
    np.testing.assert_allclose(shown(panel.curves["train_loss"])[1], [0.9, 0.5])
    assert not panel.raw_curves["train_loss"].isVisible()
    panel.set_network(net.copy())  # the same history: the same curve, nothing archived
    assert panel.overlays == []
    panel.set_network(Network([784, 8, 10], seed=2))  # a new network: the curve stays beside it
    assert len(panel.overlays) == 1 and panel.current["train_loss"].size == 0


def test_runs_chosen_in_the_runs_dock_are_overlaid_on_the_curves(make_window, qtbot):
    """The dock's selection reaches the curves through the window's wiring (not only the panel's API)."""
    from window_helpers import train_once

    window = make_window()
    train_once(window, qtbot)
    window.curves_panel.clear_runs()
    store = window.run_tracking.store
    elsewhere = RunRecorder(store)  # a run from outside the window (the CLI, another window)
    train_and_record(Network([784, 8, 10], seed=1), load_dataset("digits"),
                     TrainingConfig(epochs=1, batch_size=50), recorder=elsewhere)
    runs = store.runs()
    assert len(runs) == 2, "the window recorded no run"
    window.runs_panel.sig_runs_selected.emit([row.id for row in runs])
    assert [overlay.row.id for overlay in window.curves_panel.overlays] == [elsewhere.run_id]  # the window's own: drawn once
    window.runs_panel.sig_runs_selected.emit([])
    assert not window.curves_panel.overlays


def test_a_session_run_chosen_in_the_runs_dock_is_drawn_once(make_window, qtbot):
    """The live run carries its store id from the start: choosing it (or an earlier run of the
    session) in the Runs dock does not draw it a second time, during the run or after it."""
    window = make_window()
    train_in_window(window, qtbot, "0.01")
    initialise(window, qtbot)
    curves, store = window.curves_panel, window.run_tracking.store
    assert len(shown(curves.curves["train_loss"])[0]) == 0  # the new network has no curve yet (not the last run's)
    (earlier,) = curves.overlays  # the legend's samples are the curves drawn: the earlier run's, in its colour
    assert [sample.item for sample, _ in curves.legend.items] == [earlier.curves["train_loss"],
                                                                  earlier.curves["validation_loss"]]
    form = window.training_panel.training_form
    form.learning_rate.setText("0.001")
    with qtbot.waitSignal(window.controller.sig_finished, timeout=30000):
        qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)
        ids = [row.id for row in store.runs()]
        assert curves.live and curves.current_row.id == ids[-1]  # known before the first batch
        window.runs_panel.sig_runs_selected.emit(ids)  # both runs chosen while the second trains
        assert len(curves.shown_runs()) == 2 and not [o for o in curves.overlays if o.chosen]
    window.runs_panel.sig_runs_selected.emit(ids)  # and chosen again once it has finished
    assert len(curves.shown_runs()) == 2
    assert legend_names(curves)[2:] == ["lr 0.01", "lr 0.001"]
    assert [row.status for row in store.runs()] == ["finished", "finished"]
    assert store.run(ids[-1]).parameters == window.state.network.parameter_count  # the reserved row filled in


def test_runs_labelled_by_many_settings_keep_the_legend_inside_the_plots(make_window, qtbot):
    window = make_window()
    train_in_window(window, qtbot, "0.01")
    initialise(window, qtbot)
    form = window.training_panel.training_form
    form.dropout.setText("0.25")
    form.augment_shift.setText("2.5")
    form.augment_rotation.setText("12")
    train_in_window(window, qtbot, "0.001")
    curves = window.curves_panel
    assert max(len(name) for name in legend_names(curves)) > 40  # "lr 0.001, dropout 0.25, augment shift …"
    qtbot.wait(50)
    assert curves.legend.sceneBoundingRect().right() <= curves.graphics.viewport().width()


def test_a_network_opened_again_is_drawn_once(make_window, tmp_path):
    window = make_window()
    first, second = Network([784, 8, 10], activation="relu", loss="cross_entropy", init="he", seed=1), \
        Network([784, 9, 10], activation="relu", loss="cross_entropy", init="he", seed=2)
    data = load_dataset("digits")
    for net, name in ((first, "a.nn"), (second, "b.nn")):
        train_and_record(net, data, TrainingConfig(epochs=2, batch_size=50))
        save_network(net, tmp_path / name)
    for name in ("a.nn", "b.nn", "a.nn"):  # A, then B, then A again
        window.files.open_network(tmp_path / name)
    curves = window.curves_panel
    assert len(curves.overlays) == 1 and curves.overlays[0].row.layer_sizes == (784, 9, 10)
    assert len(legend_names(curves)) == 4  # training, validation, B, A
