"""Two networks' confusion matrices on one test set, as a difference: where does B do better than A?

``confusion_difference`` is the Qt-free work (run off the GUI thread); the
dialog shows B − A per (true, predicted) cell: on the diagonal more is better
(green), off it fewer mistakes are better (green when negative).
"""

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout

from mnistbench.gui.panels.network_fit import fit_problem
from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.palette import light_tint
from mnistbench.errors import MnistbenchError
from mnistbench.netfile import load_network
from mnistbench.workflows.evaluation import evaluate_test_set



@dataclass(frozen=True)
class ConfusionDifference:
    names: tuple  # the two networks' file names (A, B)
    class_names: tuple
    counts_a: np.ndarray  # (classes, classes) int: rows true class, columns predicted
    counts_b: np.ndarray
    accuracy_a: float
    accuracy_b: float
    dataset: str

    @property
    def difference(self) -> np.ndarray:
        return self.counts_b - self.counts_a

    def summary(self) -> str:
        a, b = self.names
        return (f"{self.dataset}: {a} {self.accuracy_a:.2%}, {b} {self.accuracy_b:.2%} "
                f"({(self.accuracy_b - self.accuracy_a) * 100:+.2f} points). Cells: {b} − {a}.")


def confusion_difference(path_a, path_b, dataset) -> ConfusionDifference:
    """Both networks on ``dataset``'s test half (raises MnistbenchError with one line when one cannot)."""
    if not dataset.n_test:
        raise MnistbenchError(f"{dataset.name} has no test set to compare the networks on")
    counts, accuracies = [], []
    for path in (path_a, path_b):
        net = load_network(path)
        problem = fit_problem(net, len(dataset.class_names))
        if problem:
            raise MnistbenchError(f"{path}: {problem}")
        evaluation = evaluate_test_set(net, dataset)
        k = len(dataset.class_names)
        matrix = np.zeros((k, k), dtype=np.int64)
        np.add.at(matrix, (evaluation.true_labels, evaluation.predicted_labels), 1)
        counts.append(matrix)
        accuracies.append(evaluation.accuracy)
    names = tuple(str(p).replace("\\", "/").rsplit("/", 1)[-1] for p in (path_a, path_b))
    return ConfusionDifference(names, tuple(dataset.class_names), counts[0], counts[1], accuracies[0],
                               accuracies[1], dataset.name)


class DifferenceModel(QAbstractTableModel):
    """B − A per cell, green where B is better, red where it is worse; tooltips give both counts."""

    def __init__(self, result: ConfusionDifference, parent=None):
        super().__init__(parent)
        self.result = result

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.result.class_names)

    def columnCount(self, parent=QModelIndex()):
        return self.rowCount(parent)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        true, predicted = index.row(), index.column()
        change = int(self.result.difference[true, predicted])
        if role == Qt.DisplayRole:
            return f"{change:+d}" if change else "0"
        if role == Qt.BackgroundRole and change:
            better = change > 0 if true == predicted else change < 0
            colours = palette.current()  # follows View → Colours (green/red or blue/orange)
            return QColor(*light_tint(colours.right if better else colours.wrong))
        if role == Qt.ToolTipRole:
            a, b = self.result.names
            names = self.result.class_names
            return (f"true {names[true]}, predicted {names[predicted]}: {a} {self.result.counts_a[true, predicted]}, "
                    f"{b} {self.result.counts_b[true, predicted]}")
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter)
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole or not 0 <= section < len(self.result.class_names):
            return None
        name = str(self.result.class_names[section])
        return f"true {name}" if orientation == Qt.Vertical else f"→ {name}"


class ConfusionDifferenceDialog(QDialog):
    def __init__(self, result: ConfusionDifference, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Confusion matrices compared")
        self.model = DifferenceModel(result, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.resizeColumnsToContents()
        summary = QLabel(result.summary() + " Green: the second network does better there.", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, rejected=self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 420)
