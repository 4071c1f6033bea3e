"""One row of the table of models, whether it comes from the runs store or from a network file.

`mnistbench runs`, `mnistbench compare` and the window's Runs dock show the
same columns (``COLUMNS``), sort them the same way (``sort_rows``) and write
the same JSON/CSV (``row_dict``), so the three never disagree.
"""

import csv
import io
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Optional

from mnistbench.engine.config import TrainingConfig
from mnistbench.errors import ConfigError

DEFAULT_SETTINGS = TrainingConfig().describe()  # what a record's missing setting meant when it was written


@dataclass(frozen=True)
class RunRow:
    id: Optional[int]  # the run's id in the store; None for a file not in it
    status: str  # running | finished | stopped | diverged | unfinished | file
    network: str  # the network file ("" when the run's network was not saved)
    layer_sizes: tuple
    parameters: int
    dataset: str
    held_out_accuracy: Optional[float]
    held_out_set: str
    seconds: Optional[float]  # training time (all of a file's recorded runs)
    epochs: int
    settings: dict = field(default_factory=dict)  # TrainingConfig.describe() of the (last) run
    started: str = ""
    message: str = ""
    sweep_id: str = ""
    sweep_point: Optional[int] = None
    label: str = ""
    warning: str = ""  # e.g. the held-out images were seen in training

    @classmethod
    def from_stored(cls, stored):
        """A row of the store's ``runs`` table (a dict of its columns) as a RunRow."""
        return cls(id=stored["id"], status=stored["status"] or "", network=stored["network"] or "",
                   layer_sizes=tuple(json.loads(stored["layer_sizes"] or "[]")),
                   parameters=stored["parameters"] or 0, dataset=stored["dataset"] or "",
                   held_out_accuracy=stored["held_out_accuracy"], held_out_set=stored["held_out_set"] or "",
                   seconds=stored["seconds"], epochs=stored["epochs_completed"] or 0,
                   settings=json.loads(stored["settings"] or "{}"), started=stored["started"] or "",
                   message=stored["message"] or "", sweep_id=stored["sweep_id"] or "",
                   sweep_point=stored["sweep_point"], label=stored["label"] or "")

    @property
    def seconds_per_epoch(self):
        return round(self.seconds / self.epochs, 4) if self.seconds is not None and self.epochs else None

    @property
    def layers(self):
        return "-".join(map(str, self.layer_sizes))


def _setting(key):
    return lambda row: row.settings.get(key)


# (key, header, value of a row, format): the table's columns, in order
COLUMNS = (
    ("id", "id", lambda row: row.id, "{}"),
    ("status", "status", lambda row: row.status, "{}"),
    ("label", "label", lambda row: row.label, "{}"),
    ("network", "network", lambda row: os.path.basename(row.network) if row.network else "", "{}"),
    ("layers", "layers", lambda row: row.layers, "{}"),
    ("parameters", "params", lambda row: row.parameters, "{:,}"),
    ("dataset", "dataset", lambda row: row.dataset, "{}"),
    ("accuracy", "held-out acc", lambda row: row.held_out_accuracy, "{:.2%}"),
    ("seconds", "seconds", lambda row: row.seconds, "{:.1f}"),
    ("seconds_per_epoch", "s/epoch", lambda row: row.seconds_per_epoch, "{:.2f}"),
    ("epochs", "epochs", lambda row: row.epochs, "{}"),
    ("optimizer", "optimizer", _setting("optimizer"), "{}"),
    ("learning_rate", "lr", _setting("learning_rate"), "{:g}"),
    ("batch_size", "batch", _setting("batch_size"), "{}"),
    ("dropout", "dropout", _setting("dropout"), "{:g}"),
    ("sweep", "sweep", lambda row: row.sweep_id, "{}"),
    ("started", "started", lambda row: row.started, "{}"),
)
COLUMN_KEYS = tuple(key for key, *_ in COLUMNS)
_BY_KEY = {key: (header, value, fmt) for key, header, value, fmt in COLUMNS}


def cell_value(row, key):
    """The raw value (number, text or None) of a row in a column."""
    return _BY_KEY[key][1](row)


def cell_text(row, key):
    """The value as the table shows it ("" for none); an accuracy carries "!" when it has a warning."""
    value = cell_value(row, key)
    text = "" if value is None or value == "" else _BY_KEY[key][2].format(value)
    return text + ("!" if key == "accuracy" and row.warning and text else "")


def sort_rows(rows, key="id", descending=False):
    """Rows sorted by a column; empty values always last."""
    if key not in _BY_KEY:
        raise ConfigError(f"cannot sort by {key!r}; columns: {', '.join(COLUMN_KEYS)}")
    filled = [row for row in rows if cell_value(row, key) not in (None, "")]
    empty = [row for row in rows if cell_value(row, key) in (None, "")]
    return sorted(filled, key=lambda row: cell_value(row, key), reverse=descending) + empty


def row_dict(row):
    """A JSON-safe dict of every column, plus the full settings, held-out set and warning."""
    values = {key: cell_value(row, key) for key in COLUMN_KEYS}
    values.update(network=row.network, layers=list(row.layer_sizes), settings=row.settings,
                  held_out_set=row.held_out_set, message=row.message, label=row.label, warning=row.warning)
    return values


def format_table(rows, keys=COLUMN_KEYS):
    """A plain-text table (columns with no value in any row are left out), then the warnings."""
    keys = [key for key in keys if any(cell_text(row, key) for row in rows)] or list(keys)
    cells = [[_BY_KEY[key][0] for key in keys]] + [[cell_text(row, key) for key in keys] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(keys))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip() for line in cells]
    lines += [f"! {os.path.basename(row.network) or row.id}: {row.warning}" for row in rows if row.warning]
    return "\n".join(lines)


def format_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_KEYS + ("held_out_set", "warning"))
    for row in rows:
        writer.writerow([("" if cell_value(row, key) is None else cell_value(row, key)) for key in COLUMN_KEYS]
                        + [row.held_out_set, row.warning])
    return out.getvalue()


SHORT_NAMES = {"learning_rate": "lr", "batch_size": "batch", "weight_decay": "L2",
               "early_stopping_patience": "patience"}


def difference_labels(rows):
    """One legend label per row naming only what sets it apart ("lr 0.01", "lr 0.001, dropout 0.2").

    Compares the layers, the dataset and every training setting except the seed and the planned
    epochs; rows alike in all of them are told apart by their run id.
    """
    def described(row):
        values = {"layers": row.layers, "dataset": row.dataset}
        # a setting newer than the record (binarize) was at its default then: not a difference
        settings = {**DEFAULT_SETTINGS, **row.settings} if row.settings else {}
        values.update((key, value) for key, value in settings.items() if key not in ("seed", "epochs"))
        return values
    all_values = [described(row) for row in rows]
    keys = [key for key in dict.fromkeys(k for values in all_values for k in values)
            if len({repr(values.get(key)) for values in all_values}) > 1]
    labels = []
    for row, values in zip(rows, all_values):
        parts = [f"{SHORT_NAMES.get(key, key.replace('_', ' '))} {_short(values.get(key))}" for key in keys]
        labels.append(", ".join(parts) or (f"run {row.id}" if row.id is not None else os.path.basename(row.network)))
    return labels


def _short(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def process_alive(pid) -> bool:
    """Whether a process with this id runs on this machine (a run's process, to find crashed runs)."""
    if not pid:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, int(pid))  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True
