"""The confusion matrix as a Qt table model: counts, recall, precision and which images.

Rows are true classes, columns predicted classes. One extra column holds each
class's recall, one extra row each class's precision, and the corner cell the
overall accuracy. The numbers, and which images each cell holds, come from a
workflows ``Evaluation``: this model only presents them (no formulas of its own).
"""

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from mnistbench.gui.widgets import palette
from mnistbench.workflows.evaluation import Evaluation

TOOLTIP_INDICES = 20  # a cell's tooltip lists at most this many test-set indices
GREY = palette.NEUTRAL.tint  # recall, precision, accuracy: not a meaning, a neutral tint
LONG_NAME = 3  # class names longer than this break over two lines in the column headers


def _blend(colour, strength):
    """The palette's empty-cell colour mixed with ``colour`` (r, g, b) by ``strength`` in [0, 1]."""
    low = np.array(palette.current().heat_low, dtype=float)
    r, g, b = (low + (np.array(colour) - low) * float(np.clip(strength, 0, 1))).astype(int)
    return QColor(r, g, b)


def header_name(name):
    """A class name over two lines at most ("Ankle boot" → "Ankle\nboot", "T-shirt/top" → "T-shirt/\ntop")."""
    for separator in (" ", "/", "-"):
        head, found, tail = name.partition(separator)
        if found and tail:
            return f"{head}{found.strip()}\n{tail}"
    return name


def _tooltip_html(text):
    """Rich text, so Qt wraps a long tooltip instead of drawing one very long line."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
    return f"<p style='white-space: normal'>{escaped}</p>"


def _text_colour(background):
    """Black on light backgrounds, white on dark ones (perceived luminance)."""
    luminance = 0.299 * background.red() + 0.587 * background.green() + 0.114 * background.blue()
    return QColor(*palette.NEUTRAL.page_text) if luminance > 140 else QColor(*palette.NEUTRAL.page)


def _percent(fraction, sign="%"):
    """One decimal, except a perfect 100 (four characters less to fit in a narrow dock)."""
    if fraction is None or np.isnan(fraction):
        return "–"
    return f"100{sign}" if fraction == 1 else f"{100 * fraction:.1f}{sign}"


class ConfusionMatrixModel(QAbstractTableModel):
    """k x k counts plus a recall column, a precision row and the accuracy corner."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.evaluation = Evaluation.from_predictions([], [], [], [])

    def set_evaluation(self, evaluation):
        """Present ``evaluation`` (a workflows Evaluation) instead of the previous one."""
        self.beginResetModel()
        self.evaluation = evaluation
        self.endResetModel()

    def set_results(self, true_labels, predicted_labels, confidences, class_names):
        """Present verdicts given as arrays; labels are ints in 0..len(class_names)-1."""
        self.set_evaluation(Evaluation.from_predictions(true_labels, predicted_labels, confidences, class_names))

    @property
    def class_names(self):
        return list(self.evaluation.class_names)

    @property
    def counts(self):
        return self.evaluation.confusion

    @property
    def confidences(self):
        return self.evaluation.confidences

    def indices(self, true, predicted):
        """Indices (in the evaluated set) of the images of class ``true`` predicted as ``predicted``."""
        return self.evaluation.cell_indices(true, predicted)

    @property
    def total(self):
        return self.evaluation.count

    @property
    def accuracy(self):
        return self.evaluation.accuracy

    def recall(self, k):
        return float(self.evaluation.recall[k])

    def precision(self, k):
        return float(self.evaluation.precision[k])

    # -- the Qt model --------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() or not self.class_names else len(self.class_names) + 1

    def columnCount(self, parent=QModelIndex()):
        return self.rowCount(parent)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not self.class_names:
            return None
        row, column, k = index.row(), index.column(), len(self.class_names)
        if role == Qt.DisplayRole:
            return self._display(row, column, k)
        if role == Qt.BackgroundRole:
            return self._background(row, column, k)
        if role == Qt.ForegroundRole:
            if row < k and column < k and self.counts[row, column] == 0:
                return QColor(*palette.NEUTRAL.recede)  # empty cells recede
            return _text_colour(self._background(row, column, k))
        if role == Qt.ToolTipRole:
            return _tooltip_html(self._tooltip(row, column, k))
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter)
        if role == Qt.FontRole and row == column < k:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _display(self, row, column, k):
        if row < k and column < k:
            return str(int(self.counts[row, column]))
        # percent without the sign: narrow columns keep the whole number
        if row == k and column == k:
            return _percent(self.accuracy, sign="")
        return _percent(self.recall(row) if column == k else self.precision(column), sign="")

    def _background(self, row, column, k):
        if row == k or column == k:
            value = self.accuracy if row == column else (
                self.recall(row) if column == k else self.precision(column))
            return _blend(GREY, 0.15 + 0.25 * (0 if np.isnan(value) else value))
        count = self.counts[row, column]
        if row == column:
            row_total = self.counts[row].sum()
            return _blend(palette.current().right, 0.15 + 0.75 * count / row_total if row_total else 0)
        mistakes = self.counts[~np.eye(k, dtype=bool)]
        worst = mistakes.max() if mistakes.size else 0
        # a power below 1: a handful of mistakes still shows, the worst cell is deep red
        return _blend(palette.current().wrong, 0.06 + 0.74 * (count / worst) ** 0.75 if count else 0)

    def _tooltip(self, row, column, k):
        names = self.class_names
        if row == k and column == k:
            return f"overall accuracy {_percent(self.accuracy)}: {np.trace(self.counts)} of {self.total} images right"
        if column == k:
            return (f"recall of {names[row]}: {_percent(self.recall(row))} — "
                    f"{self.counts[row, row]} of {self.counts[row].sum()} images of {names[row]} recognised")
        if row == k:
            return (f"precision of {names[column]}: {_percent(self.precision(column))} — "
                    f"{self.counts[column, column]} of {self.counts[:, column].sum()} "
                    f"predictions of {names[column]} right")
        return self.cell_description(row, column)

    def cell_description(self, true, predicted):
        """"✗ true 4 → predicted 9: 12 images: #17, #203, … (and 7 more)"."""
        colours = palette.current()
        mark = colours.right_mark if true == predicted else colours.wrong_mark
        head = f"{mark} true {self.class_names[true]} → predicted {self.class_names[predicted]}"
        found = self.indices(true, predicted)
        if len(found) == 0:
            return f"{head}: no images"
        listed = ", ".join(f"#{i}" for i in found[:TOOLTIP_INDICES])
        more = f", … (and {len(found) - TOOLTIP_INDICES} more)" if len(found) > TOOLTIP_INDICES else ""
        noun = "image" if len(found) == 1 else "images"
        confidence = f"; mean confidence {np.mean(self.confidences[found]):.0%}"
        return f"{head}: {len(found)} {noun}: {listed}{more}{confidence}\nclick to see them"

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if not self.class_names or section < 0 or section > len(self.class_names):
            return None
        last = section == len(self.class_names)
        if role == Qt.DisplayRole:
            if last:
                return "recall" if orientation == Qt.Horizontal else "precision"
            name = self.class_names[section]
            if max(map(len, self.class_names)) <= LONG_NAME:
                return name
            # long names (Fashion-MNIST): over two lines across the top, number and name down the side
            return header_name(name) if orientation == Qt.Horizontal else f"{section} {name}"
        if role == Qt.ToolTipRole:
            if last:
                return ("recall: share of each true class recognised, in percent; "
                        "the corner cell is the overall accuracy" if orientation == Qt.Horizontal
                        else "precision: share of each prediction that is right, in percent")
            return f"{'predicted' if orientation == Qt.Horizontal else 'true'} {self.class_names[section]}"
        return None

    def repaint_colours(self):
        """The palette changed: every cell's background and text are asked again."""
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable
