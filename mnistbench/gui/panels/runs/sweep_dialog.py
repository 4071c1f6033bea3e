"""Plan a sweep: values per axis, grid or random, its estimated time and memory before it starts.

Each axis is a comma-separated list, as on the command line (``--lr
0.001,0.01``; hidden sizes ``64,128-64``); an axis with one value is a base
setting. The plan is checked as it is typed; its cost is timed on this
machine off the GUI thread (``sweep_cost``); Start hands the planned
``Sweep`` and its estimates to the window.
"""

from PySide6.QtCore import QCoreApplication, QTimer, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox,
                               QVBoxLayout)

from mnistbench.errors import MnistbenchError
from mnistbench.gui.jobs.background_task import BackgroundTask
from mnistbench.workflows.cost_estimate import format_duration, machine_busy, memory_bytes
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.sweep import (AXES, NothingToSweepError, estimate_points, parse_axis, pending_points,
                                        plan_sweep)
from mnistbench.workflows.validation_split import training_data

AXIS_TITLES = {"hidden": "Hidden sizes", "learning_rate": "Learning rate", "batch_size": "Batch size",
               "dropout": "Dropout", "epochs": "Epochs"}
AXIS_TIPS = {"hidden": "One network per item; layers joined by '-': 64,128,256-64"}
PLAN_DELAY_MS = 400  # re-plan (and re-estimate) this long after the last keystroke


def sweep_cost(sweep, dataset, indices=None):
    """({point index: estimated seconds} of ``indices`` (every point when None), the largest point's memory
    in bytes); Qt-free, takes a moment."""
    indices = list(range(len(sweep.points))) if indices is None else list(indices)
    estimates = estimate_points(sweep, dataset, indices)
    peak = 0
    for index in indices:
        architecture, config = sweep.point_settings(sweep.points[index])
        net = build_network(architecture, seed=config.seed)
        peak = max(peak, memory_bytes(net, training_data(dataset, config), config))
    return estimates, peak


class SweepDialog(QDialog):
    sig_start_requested = Signal(object, object)  # (Sweep, {point index: estimated seconds} or None)

    def __init__(self, dataset, dataset_source, architecture, config, parent=None, store=None):
        super().__init__(parent)
        self.setWindowTitle(f"Sweep on {dataset.name}")
        self.dataset, self.dataset_source = dataset, str(dataset_source)
        self.architecture, self.config = architecture, config
        self.store = store  # the RunsStore: a sweep run before trains only its points left (or None)
        self.sweep, self.estimates, self.pending = None, None, []
        # Owned by the application, not the dialog: closing the window deletes its dialogs while the
        # timing may still run in a pool thread, which emits on this task at its end (on a deleted
        # object, a crash). The dialog's own slots are let go with it.
        self.costing = BackgroundTask("estimating the sweep", QCoreApplication.instance())
        self.costing.sig_done.connect(self._show_cost)
        self.costing.sig_failed.connect(self._show_problem)
        self._plan_timer = QTimer(self, singleShot=True, interval=PLAN_DELAY_MS, timeout=self.plan)
        self._build()
        self.plan()

    def _build(self):
        form = QFormLayout()
        base = {"hidden": ",".join(map(str, self.architecture["layer_sizes"][1:-1])).replace(",", "-"),
                "learning_rate": f"{self.config.learning_rate:g}", "batch_size": str(self.config.batch_size),
                "dropout": f"{self.config.dropout:g}", "epochs": str(self.config.epochs)}
        self.axis_edits = {}
        for axis in AXES:
            edit = QLineEdit(base[axis], toolTip=AXIS_TIPS.get(axis, "Comma-separated values: 0.001,0.01"))
            edit.textChanged.connect(lambda _: self._plan_timer.start())
            form.addRow(AXIS_TITLES[axis], edit)
            self.axis_edits[axis] = edit
        self.mode = QComboBox(toolTip="Every combination, or a few drawn at random from them")
        self.mode.addItems(["grid", "random"])
        self.count = QSpinBox(minimum=1, maximum=1000, value=5, toolTip="Points drawn at random")
        self.mode.currentIndexChanged.connect(lambda _: self._plan_timer.start())
        self.count.valueChanged.connect(lambda _: self._plan_timer.start())
        form.addRow("Search", self.mode)
        form.addRow("Random points", self.count)
        self.summary = QLabel(wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel, rejected=self.reject)
        self.start_button = self.buttons.addButton("Start sweep", QDialogButtonBox.AcceptRole)
        self.start_button.clicked.connect(self.start)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Other settings come from the training panel. An axis with one value is "
                                "kept fixed.", wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    @Slot()
    def plan(self) -> None:
        """Plan the sweep from the fields; a value that cannot be read shows here in one line."""
        self.sweep, self.estimates = None, None
        try:
            axes = {axis: parse_axis(axis, edit.text()) for axis, edit in self.axis_edits.items()
                    if edit.text().strip()}
            random_count = self.count.value() if self.mode.currentText() == "random" else 0
            self.sweep = plan_sweep(self.dataset_source, self.architecture, self.config, axes, random_count,
                                    self.config.seed)
            self.pending = (pending_points(self.store, self.sweep) if self.store is not None
                            else list(range(len(self.sweep.points))))
        except NothingToSweepError as error:  # named as the user sees them here: by the fields' labels
            self._show_problem(error.worded(AXIS_TITLES, "0.001,0.01 in Learning rate"))
            return
        except MnistbenchError as error:
            self._show_problem(str(error))
            return
        self.start_button.setEnabled(bool(self.pending))
        if not self.pending:
            self.summary.setText(f"all {len(self.sweep.points)} runs of {self.sweep.id} are done already: "
                                 f"their results are in the table")
            return
        self.summary.setText(f"{self._runs_text()}; estimating the time on this machine…")
        sweep, dataset, pending = self.sweep, self.dataset, self.pending
        self.costing.submit(lambda: (sweep, *sweep_cost(sweep, dataset, pending)))

    def _runs_text(self):
        """"9 runs", or "2 of 9 runs left to train" when an earlier start of the same sweep trained some."""
        total, left = len(self.sweep.points), len(self.pending)
        return f"{total} runs" if left == total else f"{left} of {total} runs left to train ({self.sweep.id} resumes)"

    @Slot(object)
    def _show_cost(self, result):
        sweep, estimates, peak = result
        if sweep is not self.sweep:
            return
        self.estimates = estimates
        busy = machine_busy()
        self.summary.setText(f"{self._runs_text()}, one after another: estimated time "
                             f"{format_duration(sum(estimates.values()))}, memory about {peak / 1e6:,.0f} MB "
                             f"at most" + (f"; {busy}" if busy else ""))

    @Slot(str)
    def _show_problem(self, line):
        self.summary.setText(line)
        self.start_button.setEnabled(self.sweep is not None)

    def start(self) -> None:
        if self._plan_timer.isActive():  # typed just now: plan what is there
            self._plan_timer.stop()
            self.plan()
        if self.sweep is None:
            return
        self.sig_start_requested.emit(self.sweep, self.estimates)
        self.accept()
