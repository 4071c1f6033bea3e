"""The Runs/Models dock: every recorded run, or the networks of a folder, as one sortable table.

Select rows to overlay their curves (``sig_runs_selected``), open a row's
network, compare two networks' confusion matrices as a difference, delete a
run (Undo puts it back), see accuracy against cost with the Pareto front, or
ask for a sweep. Loading files and measuring them run off the GUI thread.
"""

import logging
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from mnistbench.errors import MnistbenchError
from mnistbench.gui.jobs.background_task import BackgroundTask
from mnistbench.gui.panels.runs.confusion_difference import ConfusionDifferenceDialog, confusion_difference
from mnistbench.gui.panels.runs.file_rows import file_rows
from mnistbench.gui.panels.runs.pareto_plot import ParetoDialog
from mnistbench.gui.panels.runs.runs_model import RunsTableModel
from mnistbench.gui.panels.runs.sweep_bar import SweepBar

logger = logging.getLogger(__name__)
RUNS, BUNDLED = "runs", "bundled"  # the source combo's fixed entries; other entries are folders


def button(text, tip, slot):
    widget = QPushButton(text, toolTip=tip)
    widget.clicked.connect(slot)
    return widget


class RunsPanel(QWidget):
    sig_runs_selected = Signal(object)  # list of run ids (int) of the selected rows that are runs
    sig_open_network = Signal(str)  # path of a network file to open
    sig_sweep_requested = Signal()  # the Sweep… button: the window opens the sweep dialog

    def __init__(self, parent=None):
        super().__init__(parent)
        self.store, self.dataset = None, None
        self.deleted = []  # what RunsStore.delete_run kept, newest last (Undo)
        self.dialog = None  # the last compare or scatter dialog (tests read it)
        self.model = RunsTableModel(self)
        self.loading = BackgroundTask("reading network files", self)
        self.loading.sig_done.connect(self._show_rows)
        self.loading.sig_failed.connect(self._failed)
        self.comparing = BackgroundTask("comparing confusion matrices", self)
        self.comparing.sig_done.connect(self._show_difference)
        self.comparing.sig_failed.connect(self._failed)
        self._build()
        self._selection_changed()

    def _build(self):
        self.source = QComboBox(toolTip="What the table lists: the recorded runs, the bundled networks, "
                                        "or the .nn files of a folder")
        self.source.addItem("Recorded runs", RUNS)
        self.source.addItem("Bundled networks", BUNDLED)
        self.source.activated.connect(lambda _: self.refresh())
        self.table = QTableView(sortingEnabled=True, alternatingRowColors=True)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.sortByColumn(0, Qt.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _: self.open_selected())
        self.open_button = button("Open", "Open the selected row's network in the workbench", self.open_selected)
        self.compare_button = button("Compare", "Two selected networks' confusion matrices on the current "
                                     "test set, as a difference", self.compare_selected)
        self.delete_button = button("Delete", "Remove the selected runs from the store (Undo puts them back)",
                                    self.delete_selected)
        self.undo_button = button("Undo", "Put back the last deleted run", self.undo_delete)
        self.scatter_button = button("Accuracy vs cost…", "Held-out accuracy against training time and "
                                     "parameters, the Pareto front marked", self.show_scatter)
        self.sweep_button = button("Sweep…", "Train a grid or random set of settings, one after another",
                                   self.sig_sweep_requested.emit)
        self.message = QLabel(wordWrap=True)
        self.sweep_bar = SweepBar()  # the window connects its buttons to the sweep controller
        top = QHBoxLayout()
        top.addWidget(self.source, 1)
        top.addWidget(button("Folder…", "List the .nn files of a folder", self.choose_folder))
        top.addWidget(button("Refresh", "Read the runs store or the folder again", self.refresh))
        actions = QHBoxLayout()
        for widget in (self.open_button, self.compare_button, self.delete_button, self.undo_button,
                       self.scatter_button, self.sweep_button):
            actions.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.sweep_bar)
        layout.addWidget(self.message)

    # --- inputs ---------------------------------------------------------------
    def set_store(self, store) -> None:
        """The RunsStore whose runs the table lists (None: no store, the table lists files only)."""
        self.store = store
        self.refresh()

    def set_dataset(self, dataset) -> None:
        """The dataset networks are compared and re-measured on."""
        self.dataset = dataset

    @Slot()
    def refresh(self) -> None:
        """Read the chosen source again (runs now; files in the background)."""
        source = self.source.currentData()
        if source == RUNS:
            self.loading.cancel()
            try:
                self._show_rows(self.store.runs() if self.store is not None else [])
            except MnistbenchError as error:
                self._failed(str(error))
            return
        dataset, folder = self.dataset, None if source == BUNDLED else source
        self.message.setText("reading the networks…")
        self.loading.submit(lambda: file_rows(folder, dataset))

    @Slot()
    def refresh_runs(self) -> None:
        """Read the store again if the table lists runs (a run started or ended); a folder is left as it is."""
        if self.source.currentData() == RUNS:
            self.refresh()

    def show_folder(self, folder) -> None:
        """List the ``.nn`` files of ``folder`` (added to the source list)."""
        folder = str(Path(folder))
        if self.source.findData(folder) < 0:
            self.source.addItem(f"Folder {folder}", folder)
        self.source.setCurrentIndex(self.source.findData(folder))
        self.refresh()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder of network files")
        if folder:
            self.show_folder(folder)

    # --- selection and actions ------------------------------------------------
    def selected_rows(self) -> list:
        return [self.model.row_at(index.row()) for index in self.table.selectionModel().selectedRows()]

    @Slot()
    def _selection_changed(self, *_):
        rows = self.selected_rows()
        with_network = [row for row in rows if row.network]
        self.open_button.setEnabled(len(with_network) == 1)
        self.compare_button.setEnabled(len(with_network) == 2)
        self.delete_button.setEnabled(any(row.id is not None for row in rows))
        self.undo_button.setEnabled(bool(self.deleted))
        self.sig_runs_selected.emit([row.id for row in rows if row.id is not None])

    def open_selected(self) -> None:
        paths = [row.network for row in self.selected_rows() if row.network]
        if len(paths) != 1:
            self.message.setText("select one row with a saved network to open it")
        elif not Path(paths[0]).is_file():
            self._failed(f"{paths[0]}: the network file is no longer there")
        else:
            self.sig_open_network.emit(paths[0])

    def compare_selected(self) -> None:
        paths = [row.network for row in self.selected_rows() if row.network]
        if len(paths) != 2:
            self.message.setText("select two rows with saved networks to compare them")
            return
        if self.dataset is None:
            self._failed("choose a dataset with a test set to compare the networks on")
            return
        dataset = self.dataset
        self.message.setText("comparing on the test set…")
        self.comparing.submit(lambda: confusion_difference(paths[0], paths[1], dataset))

    def delete_selected(self) -> None:
        ids = [row.id for row in self.selected_rows() if row.id is not None]
        try:
            for run_id in ids:
                self.deleted.append(self.store.delete_run(run_id))
        except MnistbenchError as error:
            self._failed(str(error))
        self.message.setText(f"deleted run {', '.join(map(str, ids))} (Undo puts it back)" if ids else "")
        self.refresh()

    def undo_delete(self) -> None:
        if not self.deleted:
            return
        kept = self.deleted.pop()
        try:
            self.store.restore_run(kept)
        except MnistbenchError as error:
            self._failed(str(error))
            return
        self.message.setText(f"run {kept['row'][0]} is back")
        self.refresh()

    def show_scatter(self) -> None:
        rows = self.selected_rows()
        self.dialog = ParetoDialog(rows if len(rows) > 1 else self.model.rows(), self)
        self.dialog.show()

    # --- results ----------------------------------------------------------------
    @Slot(object)
    def _show_rows(self, rows):
        chosen = {row_key(row) for row in self.selected_rows()}
        self.model.set_rows(rows)
        self._select_again(chosen)
        self.table.resizeColumnsToContents()
        shown = "runs" if self.source.currentData() == RUNS else "networks"
        self.message.setText(f"{len(rows)} {shown}" + (" — select rows to overlay their curves" if rows else ""))
        self._selection_changed()

    def _select_again(self, keys):
        """The rows chosen before a refresh (a sweep's point ended) stay chosen, and their curves shown."""
        selection = QItemSelection()
        for i, row in enumerate(self.model.rows()):
            if row_key(row) in keys:
                selection.select(self.model.index(i, 0), self.model.index(i, 0))
        selector = self.table.selectionModel()
        selector.blockSignals(True)  # one sig_runs_selected after the refresh, not one per step
        try:
            selector.select(selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        finally:
            selector.blockSignals(False)

    @Slot(object)
    def _show_difference(self, result):
        self.message.setText(result.summary())
        self.dialog = ConfusionDifferenceDialog(result, self)
        self.dialog.show()

    @Slot(str)
    def _failed(self, line):
        self.message.setText(line)
        logger.warning("%s", line)


def row_key(row):
    """What a row is across refreshes: its run id, or its network file."""
    return ("run", row.id) if row.id is not None else ("file", row.network)


def _preview():
    from mnistbench.gui.widgets.preview import preview_app, run_preview
    from mnistbench.workflows.runs_store import RunsStore

    preview_app()
    panel = RunsPanel()
    panel.set_store(RunsStore())
    panel.resize(900, 420)
    run_preview(panel)


if __name__ == "__main__":
    _preview()
