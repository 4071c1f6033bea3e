"""Experiments in the window: every run recorded, a continued network continues its run, Save tells the
run its file, the estimate before training, sweeps from the window, the learning-rate finder."""

import logging

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QMessageBox  # noqa: E402

from mnistbench.workflows.run_rows import COLUMN_KEYS  # noqa: E402
from mnistbench.gui.jobs import sweep_job  # noqa: E402
from mnistbench.gui.panels.runs.sweep_dialog import AXIS_TITLES  # noqa: E402
from mnistbench.workflows.sweep import pending_points, run_sweep  # noqa: E402
from window_helpers import answer, train_once  # noqa: E402

pytestmark = pytest.mark.gui


def small_form(window, hidden=8):
    """A fresh network of that shape (a trained, unsaved one is discarded when asked)."""
    window.training_panel.network_form.set_hidden_sizes([hidden])
    asked = answer(window, QMessageBox.Discard) if window.state.modified else []
    window.files.initialise_from_panel()
    assert not window.state.modified and len(asked) <= 1


def test_runs_in_the_window_are_recorded_and_a_continued_network_continues_its_run(make_window, qtbot, tmp_path):
    window = make_window()
    small_form(window)
    train_once(window, qtbot)
    store = window.run_tracking.store
    [run] = store.runs()
    assert run.status == "finished" and run.epochs == 1 and run.held_out_accuracy is not None
    assert window.runs_panel.model.rowCount() == 1  # the dock shows it at once
    train_once(window, qtbot)  # the trained network again: the same run goes on
    [run] = store.runs()
    assert run.epochs == 2
    assert max(store.curves(run.id)["epochs"]["epoch"]) == 2
    path = tmp_path / "kept.nn"
    window.files._save_to(path)
    assert store.run(run.id).network == str(path.resolve())
    small_form(window, hidden=12)  # another network: a new run
    train_once(window, qtbot)
    runs = store.runs()
    assert [row.layer_sizes for row in runs] == [(784, 8, 10), (784, 12, 10)]
    assert runs[1].epochs == 1 and runs[1].network == ""


def test_an_opened_saved_network_continues_the_run_it_was_saved_from(make_window, qtbot, tmp_path):
    window = make_window()
    small_form(window)
    train_once(window, qtbot)
    path = tmp_path / "kept.nn"
    window.files._save_to(path)
    small_form(window, hidden=12)
    assert window.files.open_network(path)
    train_once(window, qtbot)
    runs = window.run_tracking.store.runs()
    assert len(runs) == 1 and runs[0].epochs == 2


def test_a_store_that_cannot_be_opened_is_logged_and_training_goes_on(make_window, qtbot, tmp_path, monkeypatch,
                                                                       caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the runs folder should be")
    monkeypatch.setenv("MNISTBENCH_RUNS", str(blocker))
    with caplog.at_level(logging.WARNING, logger="mnistbench"):
        window = make_window()
    assert window.run_tracking.store is None
    assert any("training runs will not be recorded" in r.getMessage() for r in caplog.records)
    small_form(window)
    train_once(window, qtbot)
    assert window.state.network.metadata["training"]["epochs"] == 1


def test_the_estimate_is_shown_before_training(make_window, qtbot, caplog):
    window = make_window()
    small_form(window)
    with caplog.at_level(logging.INFO, logger="mnistbench"):
        train_once(window, qtbot)
    messages = [r.getMessage() for r in caplog.records]
    estimate = [i for i, m in enumerate(messages) if m.startswith("estimated time")]
    first_epoch = [i for i, m in enumerate(messages) if m.startswith("epoch 1/1")]
    assert estimate and first_epoch and estimate[0] < first_epoch[0]
    assert "MB" in messages[estimate[0]]


def open_sweep(window, qtbot, **axes):
    window.actions.sweep.trigger()
    dialog = window.sweeps.dialog
    for axis, text in axes.items():
        dialog.axis_edits[axis].setText(text)
    dialog.plan()
    return dialog


def test_a_sweep_without_two_values_names_the_dialogs_fields_not_flags(make_window, qtbot):
    window = make_window()
    dialog = open_sweep(window, qtbot, hidden="8", learning_rate="0.01", batch_size="32", dropout="0", epochs="1")
    assert dialog.sweep is None and not dialog.start_button.isEnabled()
    assert dialog.summary.text() == ("a sweep needs a setting with two values or more (Learning rate, Hidden sizes, "
                                     "Batch size, Dropout or Epochs, like 0.001,0.01 in Learning rate)")
    labels = dialog.findChildren(QLabel)
    assert all(any(label.text() == title for label in labels) for title in AXIS_TITLES.values())
    dialog.reject()


def test_a_sweep_from_the_window_lands_in_the_table(make_window, qtbot):
    window = make_window()
    window.training_panel.training_form.batch_size.setValue(50)
    dialog = open_sweep(window, qtbot, hidden="8", learning_rate="0.01,0.02", epochs="1")
    assert len(dialog.sweep.points) == 2
    with qtbot.waitSignal(dialog.costing.sig_done, timeout=30000):
        pass
    assert "estimated time" in dialog.summary.text() and "MB" in dialog.summary.text()
    progress = []
    window.sweeps.controller.sig_progress.connect(progress.append)
    with qtbot.waitSignal(window.sweeps.controller.sig_finished, timeout=60000) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
        assert window.runs_panel.sweep_bar.isVisibleTo(window.runs_panel)
        assert not window.training.start(window.training_panel.training_form.config())  # one run at a time
    assert "2 of 2 points trained" in finished.args[0]
    rows = window.runs_panel.model.rows()
    assert sorted(row.label for row in rows) == ["lr 0.01", "lr 0.02"]
    assert all(row.status == "finished" and row.network for row in rows)
    assert progress and progress[-1].done == 2 and progress[-1].seconds_left == 0
    assert not window.runs_panel.sweep_bar.isVisibleTo(window.runs_panel)


def test_a_cancelled_sweep_keeps_its_done_points_and_resumes(make_window, qtbot, monkeypatch):
    window = make_window()
    window.training_panel.training_form.batch_size.setValue(50)
    dialog = open_sweep(window, qtbot, hidden="8", learning_rate="0.01,0.02,0.03", epochs="1")
    sweep = dialog.sweep
    controller = window.sweeps.controller
    cancel_once = [True]

    def run_then_cancel(*args, on_point, **kwargs):  # Cancel pressed as the first point ends (no race)
        def point_done(*point):
            on_point(*point)
            if cancel_once and cancel_once.pop():
                controller.cancel()  # thread-safe: it sets the engine's stop flag
        return run_sweep(*args, on_point=point_done, **kwargs)
    monkeypatch.setattr(sweep_job, "run_sweep", run_then_cancel)
    with qtbot.waitSignal(controller.sig_finished, timeout=60000) as finished:
        dialog.start()
    assert "1 of 3 points trained; cancelled — starting it again trains the 2 left" in finished.args[0]
    store = window.run_tracking.store
    assert pending_points(store, sweep) == [1, 2]
    again = open_sweep(window, qtbot, hidden="8", learning_rate="0.01,0.02,0.03", epochs="1")
    assert again.sweep.id == sweep.id
    qtbot.waitUntil(lambda: again.estimates is not None, timeout=30000)
    assert sorted(again.estimates) == [1, 2] and "2 of 3 runs left to train" in again.summary.text()
    again.reject()
    with qtbot.waitSignal(controller.sig_finished, timeout=60000) as finished:
        window.sweeps.start(sweep)
    assert "2 of 2 points trained" in finished.args[0] and "cancelled" not in finished.args[0]
    assert pending_points(store, sweep) == []


def test_pause_and_resume_a_sweep(make_window, qtbot):
    window = make_window()
    window.training_panel.training_form.batch_size.setValue(10)
    dialog = open_sweep(window, qtbot, hidden="8", learning_rate="0.01,0.02", epochs="1")
    bar = window.runs_panel.sweep_bar
    with qtbot.waitSignal(window.sweeps.controller.sig_progress, timeout=30000):
        dialog.start()
    qtbot.mouseClick(bar.pause_button, Qt.LeftButton)
    assert window.sweeps.controller.paused and bar.pause_button.text() == "Resume"
    with qtbot.waitSignal(window.sweeps.controller.sig_finished, timeout=60000):
        qtbot.mouseClick(bar.pause_button, Qt.LeftButton)
    assert not window.sweeps.controller.paused


def test_the_learning_rate_finder_proposes_a_rate_for_the_form(make_window, qtbot):
    window = make_window()
    small_form(window)
    panel = window.training_panel
    with qtbot.waitSignal(window.lr_finder.task.sig_done, timeout=60000):
        qtbot.mouseClick(panel.lr_finder_button, Qt.LeftButton)
    dialog = window.lr_finder.dialog
    proposed = dialog.test.proposed
    assert len(dialog.test.rates) >= 5 and dialog.plot.getPlotItem().ctrl.logXCheck.isChecked()
    assert not dialog.plot.getAxis("bottom").autoSIPrefix  # a tick reads as the rate itself, never scaled
    qtbot.mouseClick(dialog.use_button, Qt.LeftButton)
    assert panel.training_form.config().learning_rate == pytest.approx(proposed)


def test_the_runs_dock_is_in_the_view_menu_and_its_table_sorts(make_window, qtbot):
    window = make_window()
    assert window.docks["runs"].objectName() == "dock_runs"
    assert window.actions.view["runs"] in window.actions.all()
    small_form(window)
    train_once(window, qtbot)
    small_form(window, hidden=12)
    train_once(window, qtbot)
    table = window.runs_panel.table
    table.sortByColumn(COLUMN_KEYS.index("parameters"), Qt.DescendingOrder)
    assert [row.parameters for row in window.runs_panel.model.rows()] == [9550, 6370]


def test_closing_the_window_during_a_sweep_asks_first(make_window, qtbot):
    """No keeps the window open and the sweep running; Yes cancels it (resumable) and closes."""
    window = make_window()
    window.training_panel.training_form.batch_size.setValue(10)
    dialog = open_sweep(window, qtbot, hidden="8", learning_rate="0.01,0.02", epochs="1")
    controller = window.sweeps.controller
    with qtbot.waitSignal(controller.sig_progress, timeout=30000):
        dialog.start()
    window.sweeps.pause()  # held between batches while the question is asked: no race with its end
    asked = answer(window, QMessageBox.No)
    window.close()
    assert len(asked) == 1 and asked[0][0].windowTitle() == "A sweep is running"
    assert dialog.sweep.id in asked[0][1] and "resumes when it is started again" in asked[0][1]
    assert window.isVisible() and controller.running and controller.paused
    asked = answer(window, QMessageBox.Yes)
    window.close()
    assert len(asked) == 1 and not window.isVisible() and not controller.running
    assert pending_points(window.run_tracking.store, dialog.sweep)  # cancelled, not finished: it resumes


def test_a_sweep_dialog_deleted_while_it_times_the_sweep_does_not_take_its_timing_along(make_window, qtbot):
    """Closing the window deletes its dialogs; the timing still running in a pool thread then emitted
    on a deleted object (a segmentation fault in the suite). The task outlives the dialog."""
    from shiboken6 import Shiboken

    window = make_window()
    dialog = open_sweep(window, qtbot, hidden="8", learning_rate="0.01,0.02", epochs="1")
    task = dialog.costing
    assert task.busy
    Shiboken.delete(dialog)  # as the window's deletion would, at once
    assert Shiboken.isValid(task)
    qtbot.waitUntil(lambda: not task.busy, timeout=30000)  # its result arrived, to nobody
