"""The Runs/Models dock on its own: its table model, selection, open, delete/undo, compare, scatter, files."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt  # noqa: E402

from mnistbench.data import load_dataset  # noqa: E402
from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.netfile import save_network  # noqa: E402
from mnistbench.gui.panels.runs.file_rows import file_rows  # noqa: E402
from mnistbench.gui.panels.runs.pareto_plot import scatter_points  # noqa: E402
from mnistbench.gui.panels.runs.runs_model import SORT_ROLE, RunsTableModel  # noqa: E402
from mnistbench.gui.panels.runs.runs_panel import RunsPanel  # noqa: E402
from mnistbench.workflows.evaluation import evaluate_test_set  # noqa: E402
from mnistbench.workflows.run_rows import COLUMN_KEYS, RunRow, cell_text  # noqa: E402
from mnistbench.workflows.runs_store import RunsStore  # noqa: E402
from mnistbench.workflows.training_run import train_and_record  # noqa: E402
from window_helpers import small_net  # noqa: E402

pytestmark = pytest.mark.gui
ACCURACY = COLUMN_KEYS.index("accuracy")
SECONDS = COLUMN_KEYS.index("seconds")


def add_run(store, accuracy, seconds, network="", status="finished", parameters=1000):
    run_id = store.start_run(layer_sizes=[784, 8, 10], parameters=parameters, dataset="digits",
                             settings={"learning_rate": 0.01, "batch_size": 50})
    store.update_run(run_id, status=status, held_out_accuracy=accuracy, seconds=seconds, epochs_completed=2,
                     network=network, held_out_set="digits test set (200 images)")
    return run_id


@pytest.fixture
def store(tmp_path):
    store = RunsStore(tmp_path / "runs")
    add_run(store, 0.91, 30.0)
    add_run(store, None, 5.0, status="stopped")
    add_run(store, 0.95, 12.0)
    return store


@pytest.fixture
def panel(qtbot, store):
    widget = RunsPanel()
    qtbot.addWidget(widget)
    widget.set_store(store)
    widget.show()
    return widget


def select(panel, rows):
    """Select ``rows`` in one go, as a ctrl-click would end up (one selectionChanged)."""
    chosen = QItemSelection()
    for row in rows:
        chosen.select(panel.model.index(row, 0), panel.model.index(row, 0))
    panel.table.selectionModel().select(chosen, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)


def test_the_model_passes_qtmodeltester_and_shows_the_cli_texts(qtmodeltester, store):
    model = RunsTableModel()
    model.set_rows(store.runs())
    qtmodeltester.check(model, force_py=True)
    for r, row in enumerate(model.rows()):
        for c, key in enumerate(COLUMN_KEYS):
            assert model.data(model.index(r, c)) == cell_text(row, key)
    assert model.data(model.index(0, ACCURACY), SORT_ROLE) == 0.91
    assert "digits test set" in model.data(model.index(0, ACCURACY), Qt.ToolTipRole)


def test_sorting_by_accuracy_and_by_time_keeps_empty_values_last(store):
    model = RunsTableModel()
    model.set_rows(store.runs())
    model.sort(ACCURACY, Qt.DescendingOrder)
    assert [row.held_out_accuracy for row in model.rows()] == [0.95, 0.91, None]
    model.sort(ACCURACY, Qt.AscendingOrder)
    assert [row.held_out_accuracy for row in model.rows()] == [0.91, 0.95, None]
    model.sort(SECONDS, Qt.AscendingOrder)
    assert [row.seconds for row in model.rows()] == [5.0, 12.0, 30.0]
    model.set_rows(list(reversed(store.runs())))  # new rows keep the chosen order
    assert [row.seconds for row in model.rows()] == [5.0, 12.0, 30.0]


def test_a_warning_shows_in_the_cell_and_its_tooltip():
    row = RunRow(id=None, status="file", network="a.nn", layer_sizes=(784, 10), parameters=7850, dataset="mnist",
                 held_out_accuracy=0.99, held_out_set="mnist test set", seconds=None, epochs=1,
                 warning="8,000 of these 10,000 images were in this network's training set")
    model = RunsTableModel()
    model.set_rows([row])
    assert model.data(model.index(0, ACCURACY)) == "99.00%!"
    assert "8,000 of these" in model.data(model.index(0, ACCURACY), Qt.ToolTipRole)
    assert model.data(model.index(0, ACCURACY), Qt.BackgroundRole) is not None


def test_clicking_a_header_sorts_the_view(panel, qtbot):
    panel.table.sortByColumn(ACCURACY, Qt.DescendingOrder)
    assert [row.held_out_accuracy for row in panel.model.rows()] == [0.95, 0.91, None]


def test_selecting_rows_emits_their_run_ids(panel, qtbot):
    ids = [row.id for row in panel.model.rows()]
    with qtbot.waitSignal(panel.sig_runs_selected) as selected:
        select(panel, [0, 2])
    assert selected.args[0] == [ids[0], ids[2]]
    assert panel.delete_button.isEnabled() and not panel.compare_button.isEnabled()


def test_delete_then_undo_puts_the_run_back_with_its_id(panel, store):
    before = [row.id for row in store.runs()]
    select(panel, [1])
    panel.delete_selected()
    assert [row.id for row in store.runs()] == [before[0], before[2]]
    assert panel.model.rowCount() == 2 and panel.undo_button.isEnabled()
    panel.undo_delete()
    assert [row.id for row in store.runs()] == before
    assert panel.model.rowCount() == 3 and not panel.undo_button.isEnabled()


def test_open_emits_the_selected_rows_network(panel, store, tmp_path, qtbot):
    path = tmp_path / "kept.nn"
    save_network(small_net(), path)
    add_run(store, 0.5, 1.0, network=str(path))
    panel.refresh()
    select(panel, [3])
    with qtbot.waitSignal(panel.sig_open_network) as opened:
        qtbot.mouseClick(panel.open_button, Qt.LeftButton)
    assert opened.args == [str(path)]


def test_open_of_a_missing_file_says_so(panel, store, tmp_path, qtbot):
    add_run(store, 0.5, 1.0, network=str(tmp_path / "gone.nn"))
    panel.refresh()
    select(panel, [3])
    with qtbot.assertNotEmitted(panel.sig_open_network):
        panel.open_selected()
    assert "gone.nn: the network file is no longer there" in panel.message.text()


def test_compare_shows_the_difference_of_the_two_confusion_matrices(panel, store, tmp_path, qtbot, data_root):
    dataset = load_dataset(str(data_root / "digits"))
    paths = []
    for seed, name in ((0, "a.nn"), (1, "b.nn")):
        net = small_net()
        train_and_record(net, dataset, TrainingConfig(epochs=1, batch_size=50, learning_rate=0.01, seed=seed))
        save_network(net, tmp_path / name)
        paths.append(tmp_path / name)
        add_run(store, 0.5, 1.0, network=str(tmp_path / name))
    panel.set_dataset(dataset)
    panel.refresh()
    select(panel, [3, 4])
    assert panel.compare_button.isEnabled()
    with qtbot.waitSignal(panel.comparing.sig_done, timeout=20000):
        qtbot.mouseClick(panel.compare_button, Qt.LeftButton)
    model = panel.dialog.model
    expected = np.zeros((10, 10), dtype=int)
    for sign, path in ((-1, paths[0]), (1, paths[1])):
        from mnistbench.netfile import load_network
        evaluation = evaluate_test_set(load_network(path), dataset)
        for true, predicted in zip(evaluation.true_labels, evaluation.predicted_labels):
            expected[true, predicted] += sign
    shown = np.array([[int(model.data(model.index(r, c))) for c in range(10)] for r in range(10)])
    assert (shown == expected).all()
    assert expected.any(), "two differently seeded networks should differ somewhere"


def test_folder_rows_list_networks_and_explain_unreadable_files(tmp_path, panel, qtbot):
    save_network(small_net(), tmp_path / "good.nn")
    (tmp_path / "broken.nn").write_bytes(b"not a network")
    rows = file_rows(tmp_path)
    assert [row.network.rsplit("/", 1)[-1] for row in rows] == ["broken.nn", "good.nn"]
    assert rows[0].status == "unreadable" and "broken.nn" in rows[0].message
    assert rows[1].layer_sizes == (784, 8, 10)
    with qtbot.waitSignal(panel.loading.sig_done, timeout=20000):
        panel.show_folder(tmp_path)
    assert panel.model.rowCount() == 2


def test_bundled_networks_are_listed(panel, qtbot):
    panel.source.setCurrentIndex(1)
    with qtbot.waitSignal(panel.loading.sig_done, timeout=20000):
        panel.refresh()
    assert panel.model.rowCount() >= 3
    assert all(row.status == "bundled" for row in panel.model.rows())


def test_the_scatter_marks_the_pareto_front(store, panel, qtbot):
    add_run(store, 0.93, 8.0, parameters=500)  # less accurate than the 0.95 run, but faster and smaller
    rows = store.runs()
    everything, front = scatter_points(rows, lambda row: row.seconds)
    assert sorted(everything[0]) == [8.0, 12.0, 30.0]  # the stopped run has no accuracy
    assert front == ([8.0, 12.0], [93.0, 95.0])  # 30 s for 91 % is beaten
    panel.refresh()
    panel.show_scatter()
    assert panel.dialog.fronts["parameters"] == ([500, 1000], [93.0, 95.0])  # 91 % on 1,000 is beaten
    (low, high), _ = panel.dialog.plots["parameters"].getViewBox().childrenBounds()  # where points sit, in decades
    assert (low, high) == pytest.approx((np.log10(500), np.log10(1000)), abs=0.05)  # all on the log axis


def test_a_refresh_keeps_the_chosen_rows_and_their_curves(panel, store, qtbot):
    """A sweep refreshes the table after every point: the rows chosen to overlay their curves stay
    chosen (they were silently unselected and their curves taken off the plot)."""
    heard = []
    panel.sig_runs_selected.connect(heard.append)
    ids = [row.id for row in panel.model.rows()]
    select(panel, [0, 2])
    assert heard[-1] == [ids[0], ids[2]]
    add_run(store, 0.93, 7.0)  # a sweep's point ends
    panel.refresh_runs()
    assert len(panel.model.rows()) == 4
    assert sorted(row.id for row in panel.selected_rows()) == [ids[0], ids[2]]
    assert sorted(heard[-1]) == [ids[0], ids[2]]
