"""The table of models as a Qt model: the same columns, texts and sort order as `mnistbench runs`.

Rows are ``workflows.run_rows.RunRow`` (runs from the store, network files);
the columns, their texts and how they sort come from ``run_rows`` so the
window and the CLI never disagree. ``SORT_ROLE`` gives a cell's raw value.
"""

import json

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from mnistbench.gui.widgets.palette import NEUTRAL

from mnistbench.workflows.run_rows import COLUMN_KEYS, COLUMNS, cell_text, cell_value, sort_rows

SORT_ROLE = Qt.UserRole  # the cell's raw value (number, text or None)
WARNING_COLOUR = QColor(*NEUTRAL.warning_cell)  # an accuracy with a warning (measured on images it trained on)
STATUS_COLOURS = {"running": QColor(*NEUTRAL.running_cell), "unfinished": QColor(*NEUTRAL.failed_cell),
                  "diverged": QColor(*NEUTRAL.failed_cell), "stopped": QColor(*NEUTRAL.stopped_cell)}


class RunsTableModel(QAbstractTableModel):
    """Read-only rows of RunRow; ``sort`` orders them as ``run_rows.sort_rows`` does (empty values last)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows = []
        self._sorted_by = ("id", False)

    # --- inputs ---------------------------------------------------------------
    def set_rows(self, rows) -> None:
        """Show ``rows`` (any order), kept in the current sort order."""
        self.beginResetModel()
        self._rows = sort_rows(list(rows), *self._sorted_by)
        self.endResetModel()

    def rows(self) -> list:
        return list(self._rows)

    def row_at(self, index: int):
        return self._rows[index]

    # --- the Qt model ---------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.DisplayRole:
            return COLUMNS[section][1]
        if role == Qt.ToolTipRole:
            return f"sort by {COLUMNS[section][1]} (empty values always last)"
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, key = self._rows[index.row()], COLUMN_KEYS[index.column()]
        if role == Qt.DisplayRole:
            return cell_text(row, key)
        if role == SORT_ROLE:
            return cell_value(row, key)
        if role == Qt.ToolTipRole:
            return row_tooltip(row, key)
        if role == Qt.BackgroundRole:
            if key == "accuracy" and row.warning:
                return WARNING_COLOUR
            return STATUS_COLOURS.get(row.status) if key == "status" else None
        if role == Qt.TextAlignmentRole and isinstance(cell_value(row, key), (int, float)):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def sort(self, column, order=Qt.AscendingOrder):
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sorted_by = (COLUMN_KEYS[column], order == Qt.DescendingOrder)
        self._rows = sort_rows(self._rows, *self._sorted_by)
        self.layoutChanged.emit()


def row_tooltip(row, key) -> str:
    """What the cell cannot show: the warning, the held-out set, the message, the full settings."""
    if key == "accuracy":
        lines = [f"measured on {row.held_out_set}" if row.held_out_set else "no held-out figure"]
        return "\n".join(lines + ([f"! {row.warning}"] if row.warning else []))
    if key == "network":
        return row.network or "not saved"
    if key == "status":
        return row.message or row.status
    if key in ("optimizer", "learning_rate", "batch_size", "dropout", "label", "layers"):
        return json.dumps(row.settings, indent=1) if row.settings else "no settings recorded"
    return cell_text(row, key)
