"""The runs store: every training run (CLI, window, sweep) in one SQLite file in the per-user runs folder.

Why SQLite through the standard library: each write is one transaction, so a
process killed mid-write leaves the last committed state (the journal is rolled
back on the next open) — no half-written JSON; several processes (a sweep in a
terminal, the window) can write at once; sorting and filtering are queries.
A run whose process died while it was "running" is marked "unfinished" the
next time the store is opened. Connections are short-lived (one per call), so
a training thread and the GUI thread can both use one ``RunsStore``.
"""

import json
import os
import socket
import sqlite3
import time
from contextlib import closing, contextmanager
from pathlib import Path

from mnistbench.data.datasets import cache_dir
from mnistbench.errors import MnistbenchError
from mnistbench.workflows.run_rows import RunRow, process_alive

STORE_FILE = "runs.sqlite"
SCHEMA_VERSION = 1
STATUSES = ("running", "finished", "stopped", "diverged", "unfinished")
STATUS_OF_STOP = {"completed": "finished", "early_stopping": "finished", "stopped": "stopped",
                  "diverged": "diverged"}
RUN_FIELDS = ("started", "status", "message", "network", "layer_sizes", "activation", "parameters",
              "settings", "dataset", "dataset_fingerprint", "n_train", "validation", "held_out_accuracy",
              "held_out_set", "seconds", "epochs_completed", "epochs_planned", "sweep_id", "sweep_point",
              "label", "pid", "host")
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, {", ".join(RUN_FIELDS)});
CREATE TABLE IF NOT EXISTS epochs (run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE, epoch, train_loss,
    train_accuracy, validation_loss, validation_accuracy, learning_rate, seconds, PRIMARY KEY (run_id, epoch));
CREATE TABLE IF NOT EXISTS batches (run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE, epoch, batch, progress,
    samples_seen, seconds, loss, accuracy);
CREATE TABLE IF NOT EXISTS evaluations (run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE, epoch, batch,
    progress, samples_seen, seconds, validation_loss, validation_error);
CREATE TABLE IF NOT EXISTS sweeps (id TEXT PRIMARY KEY, created, dataset, spec);
CREATE INDEX IF NOT EXISTS batches_of_run ON batches (run_id);
CREATE INDEX IF NOT EXISTS evaluations_of_run ON evaluations (run_id);
"""
# The x axes a curve can take: "progress" (epochs as a fraction: 1.5 is half-way through the second),
# "samples_seen" (examples since the run started) and "seconds" (since the run started).
CURVE_TABLES = {"epochs": ("epoch", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                           "learning_rate", "seconds"),
                "batches": ("epoch", "batch", "progress", "samples_seen", "seconds", "loss", "accuracy"),
                "evaluations": ("epoch", "batch", "progress", "samples_seen", "seconds", "validation_loss",
                                "validation_error")}


def runs_folder() -> Path:
    """The per-user runs folder: ``$MNISTBENCH_RUNS``, else ``runs`` in the per-user data folder."""
    return Path(os.environ.get("MNISTBENCH_RUNS") or cache_dir() / "runs")


class RunsStore:
    """Runs, their curves and sweeps in ``folder/runs.sqlite`` (created on first use)."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder is not None else runs_folder()
        self.path = self.folder / STORE_FILE
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise MnistbenchError(f"{self.path}: written by a newer mnistbench (store version "
                                          f"{version}); upgrade to read it")
                db.executescript(SCHEMA)
                _add_missing_columns(db)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as error:
            raise MnistbenchError(f"{self.path}: not a readable runs store ({error})") from None
        self.mark_dead_runs_unfinished()

    @contextmanager
    def _connect(self):
        """One connection, one transaction: committed on success, rolled back on an exception."""
        try:
            with closing(sqlite3.connect(self.path, timeout=30)) as db:
                db.execute("PRAGMA foreign_keys = ON")
                with db:
                    yield db
        except sqlite3.OperationalError as error:
            raise MnistbenchError(f"{self.path}: {error}") from None

    # --- writing a run --------------------------------------------------------
    def start_run(self, **fields) -> int:
        """A new run marked "running" by this process; returns its id. ``fields``: any of RUN_FIELDS."""
        fields = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "status": "running", "pid": os.getpid(),
                  "host": socket.gethostname(), **fields}
        fields = {key: _stored(value) for key, value in fields.items() if key in RUN_FIELDS}
        with self._connect() as db:
            cursor = db.execute(f"INSERT INTO runs ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                                tuple(fields.values()))
            return cursor.lastrowid

    def update_run(self, run_id, **fields):
        """Set some of a run's RUN_FIELDS."""
        unknown = set(fields) - set(RUN_FIELDS)
        if unknown:
            raise ValueError(f"not run fields: {', '.join(sorted(unknown))}")
        with self._connect() as db:
            db.execute(f"UPDATE runs SET {', '.join(f'{key} = ?' for key in fields)} WHERE id = ?",
                       (*map(_stored, fields.values()), run_id))

    def add_curve_points(self, run_id, table, points):
        """Append rows (tuples in CURVE_TABLES[table] order) to a run's curve, in one transaction."""
        columns = CURVE_TABLES[table]
        with self._connect() as db:
            db.executemany(f"INSERT OR REPLACE INTO {table} (run_id, {', '.join(columns)}) "
                           f"VALUES (?, {', '.join('?' * len(columns))})",
                           [(run_id, *point) for point in points])

    def mark_dead_runs_unfinished(self):
        """Runs still "running" whose process on this machine has gone become "unfinished"."""
        with self._connect() as db:
            rows = db.execute("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?",
                              (socket.gethostname(),)).fetchall()
            dead = [(run_id,) for run_id, pid in rows if not process_alive(pid)]
            db.executemany("UPDATE runs SET status = 'unfinished', message = 'the process ended during "
                           "training (a crash or a kill)' WHERE id = ?", dead)

    def delete_run(self, run_id) -> dict:
        """Remove a run and its curves; returns what ``restore_run`` needs to undo it."""
        kept = self.export_run(run_id)
        with self._connect() as db:
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        return kept

    def export_run(self, run_id) -> dict:
        """A run's row and curves as plain data (for undo, or to copy into another store)."""
        with self._connect() as db:
            row = db.execute(f"SELECT id, {', '.join(RUN_FIELDS)} FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise MnistbenchError(f"no run {run_id} in {self.path}")
            curves = {table: db.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE run_id = ?",
                                        (run_id,)).fetchall() for table, columns in CURVE_TABLES.items()}
        return {"row": row, "curves": curves}

    def restore_run(self, kept):
        """Put back a run that ``delete_run`` removed, with the same id."""
        with self._connect() as db:
            marks = ", ".join("?" * (len(RUN_FIELDS) + 1))
            db.execute(f"INSERT INTO runs (id, {', '.join(RUN_FIELDS)}) VALUES ({marks})", kept["row"])
        for table, points in kept["curves"].items():
            self.add_curve_points(kept["row"][0], table, points)

    # --- reading ---------------------------------------------------------------
    def runs(self, sweep_id=None) -> list:
        """Every run (or a sweep's), oldest first, as RunRow (runs whose process died read "unfinished")."""
        self.mark_dead_runs_unfinished()
        where, values = ("WHERE sweep_id = ?", (sweep_id,)) if sweep_id else ("", ())
        with self._connect() as db:
            rows = db.execute(f"SELECT id, {', '.join(RUN_FIELDS)} FROM runs {where} ORDER BY id", values).fetchall()
        return [RunRow.from_stored(dict(zip(("id",) + RUN_FIELDS, row))) for row in rows]

    def run(self, run_id) -> RunRow:
        matches = [row for row in self.runs() if row.id == run_id]  # small tables: simple beats clever
        if not matches:
            raise MnistbenchError(f"no run {run_id} in {self.path}")
        return matches[0]

    def curves(self, run_id) -> dict:
        """{"epochs"|"batches"|"evaluations": {column: list}} of one run, in order."""
        result = {}
        with self._connect() as db:
            for table, columns in CURVE_TABLES.items():
                rows = db.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE run_id = ? ORDER BY rowid",
                                  (run_id,)).fetchall()
                result[table] = {column: [row[i] for row in rows] for i, column in enumerate(columns)}
        return result

    # --- sweeps --------------------------------------------------------------------
    def save_sweep(self, sweep_id, dataset, spec):
        """Remember a sweep's plan (kept as it was first given)."""
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO sweeps (id, created, dataset, spec) VALUES (?, ?, ?, ?)",
                       (sweep_id, time.strftime("%Y-%m-%d %H:%M:%S"), dataset, json.dumps(spec)))

    def sweep_spec(self, sweep_id):
        """(dataset, spec) of a saved sweep, or None."""
        with self._connect() as db:
            row = db.execute("SELECT dataset, spec FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        return None if row is None else (row[0], json.loads(row[1]))


def _add_missing_columns(db):
    """A store made by an earlier version gets the columns added since (they read as NULL)."""
    wanted = {"runs": RUN_FIELDS, **CURVE_TABLES}
    for table, columns in wanted.items():
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def _stored(value):
    """Lists and dicts are kept as JSON text; numbers and text as they are."""
    return json.dumps(value) if isinstance(value, (list, tuple, dict)) else value
