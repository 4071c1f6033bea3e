"""A sweep: a small grid or random search over a few settings, run one point after another.

A sweep's id is a digest of its plan (dataset, base settings, axes), so
running the same sweep again finds the same id and trains only the points
that have no finished run yet: an interrupted sweep resumes. Each point is an
ordinary run in the runs store (with the sweep's id and the point's index),
its network saved in the runs folder. One run at a time: two would slow each
other down on a small machine. ``run_sweep`` is Qt-free; the window runs it in
a worker thread and stops it with the ``TrainingControl`` it passes.
"""

import hashlib
import itertools
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnistbench.engine.config import TrainingConfig
from mnistbench.errors import ConfigError
from mnistbench.netfile import save_network
from mnistbench.workflows.cost_estimate import estimate_cost
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.run_recorder import RunRecorder
from mnistbench.workflows.settings import parse_layers
from mnistbench.workflows.training_run import train_and_record
from mnistbench.workflows.validation_split import training_data

# axis -> (what one value is, how a value reads in a label)
AXES = {"learning_rate": ("float", "lr {:g}"), "hidden": ("layers", "hidden {}"),
        "batch_size": ("int", "batch {}"), "dropout": ("float", "dropout {:g}"), "epochs": ("int", "{} epochs")}
DONE_STATUSES = ("finished", "diverged")  # a diverged point is a result too; stopped/unfinished points rerun
INCOMPLETE_STATUSES = ("running", "stopped", "diverged", "unfinished")  # their figures are partial


class NothingToSweepError(ConfigError):
    """No setting was given two values or more. It carries the settings that could vary (``axes``), so
    each front end names them as its user sees them: the CLI its flags, the window its fields."""

    def __init__(self, axes=tuple(AXES)):
        self.axes = tuple(axes)
        plain = {axis: axis.replace("_", " ") for axis in self.axes}
        super().__init__(self.worded(plain, "learning rate 0.001,0.01"))

    def worded(self, names, example):
        """The one line, ``names`` mapping each axis to what the user sees ("--lr" or "Learning rate")."""
        listed = [names[axis] for axis in self.axes]
        return (f"a sweep needs a setting with two values or more ({', '.join(listed[:-1])} or {listed[-1]}, "
                f"like {example})")


@dataclass(frozen=True)
class Sweep:
    id: str
    dataset: str  # name or folder, as given
    architecture: dict  # the base architecture (hidden layers replaced by the "hidden" axis)
    config: dict  # the base TrainingConfig values
    points: tuple  # one dict per point: axis -> value

    def point_settings(self, values):
        """(architecture, TrainingConfig) of one point."""
        architecture = dict(self.architecture)
        if "hidden" in values:
            sizes = architecture["layer_sizes"]
            architecture["layer_sizes"] = [sizes[0], *values["hidden"], sizes[-1]]
        config = TrainingConfig().replace(**{**self.config, **{k: v for k, v in values.items() if k != "hidden"}})
        return architecture, config

    def spec(self):
        return {"dataset": self.dataset, "architecture": self.architecture, "config": self.config,
                "points": list(self.points)}


def parse_axis(axis, text):
    """"0.001,0.003" -> [0.001, 0.003]; hidden sizes "64,128,256-64" -> [(64,), (128,), (256, 64)]."""
    kind = AXES[axis][0]
    values = []
    for item in str(text).split(","):
        item = item.strip()
        try:
            if kind == "layers":
                values.append(parse_layers(item.replace("-", ","), f"--{axis}"))
            else:
                values.append(int(item) if kind == "int" else float(item))
        except (ValueError, ConfigError):
            example = "64,128-64" if kind == "layers" else "1,2"
            raise ConfigError(f"--{axis.replace('_', '-')}: {item!r} is not a {kind} value "
                              f"(give a comma-separated list like {example})") from None
    return values


def plan_sweep(dataset, architecture, config, axes, random_count=0, seed=0) -> Sweep:
    """The grid of ``axes`` (axis -> list of values), or ``random_count`` distinct points drawn from it."""
    single = {axis: values[0] for axis, values in axes.items() if len(set(map(str, values))) == 1}
    axes = {axis: values for axis, values in axes.items() if axis not in single}  # one value: a base setting
    if not axes:
        raise NothingToSweepError()
    config = config.describe() if isinstance(config, TrainingConfig) else dict(config)
    config.update({axis: value for axis, value in single.items() if axis != "hidden"})
    if "hidden" in single:
        architecture = Sweep("", dataset, architecture, config, ()).point_settings(single)[0]
    names = list(axes)
    grid = [dict(zip(names, combination)) for combination in itertools.product(*(axes[n] for n in names))]
    if random_count:
        chosen = np.random.default_rng(seed).permutation(len(grid))[:random_count]
        grid = [grid[i] for i in sorted(chosen)]
    grid = [{k: list(v) if isinstance(v, tuple) else v for k, v in point.items()} for point in grid]
    for point in grid:  # every point's settings are checked before anything trains
        Sweep("", dataset, architecture, config, ()).point_settings(point)
    plan = {"dataset": str(dataset), "architecture": architecture, "config": config, "points": grid}
    digest = hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:10]
    return Sweep(f"sweep-{digest}", str(dataset), dict(architecture), config, tuple(grid))


def point_label(values):
    """"lr 0.01, hidden 128": what sets a point apart, for tables and legends."""
    return ", ".join(AXES[axis][1].format("-".join(map(str, value)) if axis == "hidden" else value)
                     for axis, value in values.items())


def pending_points(store, sweep):
    """Indices of the points without a finished (or diverged) run."""
    done = {row.sweep_point for row in store.runs(sweep.id) if row.status in DONE_STATUSES}
    return [i for i in range(len(sweep.points)) if i not in done]


def run_sweep(store, sweep, dataset, *, control=None, callbacks_for=None, on_point=None):
    """Train every pending point in turn; returns the indices trained. Stops early when ``control`` says so.

    ``callbacks_for(index)`` gives each run's TrainingCallbacks (progress); ``on_point(index, outcome,
    run_id)`` hears of each finished point.
    """
    store.save_sweep(sweep.id, sweep.dataset, sweep.spec())
    (store.folder / "networks").mkdir(exist_ok=True)
    trained = []
    for index in pending_points(store, sweep):
        if control is not None and control.stop_requested:
            break
        architecture, config = sweep.point_settings(sweep.points[index])
        net = build_network(architecture, seed=config.seed)
        recorder = RunRecorder(store, sweep_id=sweep.id, sweep_point=index, label=point_label(sweep.points[index]))
        outcome = train_and_record(net, dataset, config, data=training_data(dataset, config), control=control,
                                   callbacks=callbacks_for(index) if callbacks_for else None, recorder=recorder)
        path = store.folder / "networks" / f"{sweep.id}-{index + 1}.nn"
        save_network(net, path)
        recorder.set_network_path(path)
        trained.append(index)
        if on_point is not None:
            on_point(index, outcome, recorder.run_id)
    return trained


def estimate_points(sweep, dataset, indices):
    """{point index: estimated seconds} (time left for a sweep); one timing per network shape and batch.

    A point costs its run (``estimate_cost``) and the work around it in ``run_sweep``: its network
    built, its data split and its file saved, timed once per shape too.
    """
    timed, estimates = {}, {}
    for index in indices:
        architecture, config = sweep.point_settings(sweep.points[index])
        key = (tuple(architecture["layer_sizes"]), config.batch_size, config.dropout)
        if key not in timed:
            started = time.perf_counter()
            net = build_network(architecture, seed=config.seed)
            data = training_data(dataset, config)
            with tempfile.TemporaryDirectory() as folder:
                save_network(net, Path(folder) / "timing.nn")
            around = time.perf_counter() - started
            timed[key] = (estimate_cost(net, data, config.replace(epochs=1), test_images=dataset.n_test,
                                        timing_seconds=0.2), around)
        cost, around = timed[key]
        estimates[index] = cost.seconds_per_epoch * config.epochs + (cost.seconds - cost.seconds_per_epoch) + around
    return estimates


class SweepClock:
    """Time left for a sweep: each pending point's estimate, scaled by how the points done so far
    compared with theirs (the estimate learns this machine's pace as the sweep goes)."""

    def __init__(self, estimates):
        self.estimates, self.actual = dict(estimates), {}

    def point_done(self, index, seconds):
        self.actual[index] = seconds

    def seconds_left(self, running=None, fraction_done=0.0):
        """Seconds left; ``running`` is the point training now, ``fraction_done`` how far it is (0-1)."""
        done_estimate = sum(self.estimates[i] for i in self.actual)
        scale = sum(self.actual.values()) / done_estimate if done_estimate > 0 else 1.0
        left = sum(seconds for i, seconds in self.estimates.items() if i not in self.actual)
        if running is not None and running not in self.actual:
            left -= self.estimates[running] * min(max(fraction_done, 0.0), 1.0)
        return scale * left


def latest_rows(store, sweep):
    """One row per point: its finished run, else its latest attempt."""
    best = {}
    for row in store.runs(sweep.id):
        kept = best.get(row.sweep_point)
        if kept is None or row.status in DONE_STATUSES or kept.status not in DONE_STATUSES:
            best[row.sweep_point] = row
    return [best[i] for i in sorted(best)]


def pareto_front(rows, cost):
    """The rows no other row beats: as accurate or more for as little ``cost`` or less (better in one).

    ``cost(row)`` is e.g. training seconds or parameters; rows without an accuracy, and runs that did
    not run to their end (stopped, unfinished, diverged, still running), are left out.
    """
    rows = [row for row in rows if row.held_out_accuracy is not None and cost(row) is not None
            and row.status not in INCOMPLETE_STATUSES]
    return [row for row in rows if not any(
        other.held_out_accuracy >= row.held_out_accuracy and cost(other) <= cost(row)
        and (other.held_out_accuracy > row.held_out_accuracy or cost(other) < cost(row)) for other in rows)]
