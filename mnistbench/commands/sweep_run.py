"""`mnistbench sweep`: plan (or find again) a sweep, estimate it, train its pending points, print the results.

Ctrl-C stops after the current batch; the points already trained stay in the
runs store, and the same command (or ``--resume ID``) trains the rest.
"""

import sys
from functools import partial

from mnistbench.commands.train import _stop_on_ctrl_c
from mnistbench.data import load_dataset
from mnistbench.engine.training import TrainingControl
from mnistbench.errors import ConfigError
from mnistbench.workflows.cost_estimate import format_duration, machine_busy
from mnistbench.workflows.run_rows import format_csv, format_table, row_dict, sort_rows
from mnistbench.workflows.runs_store import RunsStore
from mnistbench.workflows.settings import TRAINING_SETTINGS, architecture_from_args
from mnistbench.workflows.sweep import (AXES, NothingToSweepError, Sweep, SweepClock, estimate_points, latest_rows,
                                        parse_axis, pareto_front, pending_points, plan_sweep, point_label, run_sweep)

AXIS_FLAGS = {"learning_rate": ("--learning-rate", "--lr"), "hidden": ("--hidden",),
              "batch_size": ("--batch-size",), "dropout": ("--dropout",), "epochs": ("--epochs",)}  # short last
EXIT_INTERRUPTED = 130  # as the CLI's own Ctrl-C exit
TABLE_KEYS = ("id", "status", "label", "layers", "parameters", "accuracy", "seconds", "seconds_per_epoch")


def run_sweep_command(args):
    store = RunsStore()
    say = partial(print, file=sys.stderr if args.json or args.csv else sys.stdout, flush=True)  # stdout: data
    sweep = _find_sweep(store, args) if args.resume else _plan(args)
    dataset = load_dataset(sweep.dataset)
    pending = pending_points(store, sweep)
    say(f"{sweep.id}: {len(sweep.points)} points on {dataset.name}, {len(pending)} to train "
        f"({len(sweep.points) - len(pending)} done)")
    estimates = estimate_points(sweep, dataset, pending)
    busy = machine_busy()
    say(f"estimated time {format_duration(sum(estimates.values()))} for {len(pending)} runs"
        + (f"; {busy}" if busy else "") if pending else "nothing left to train")
    control, clock = TrainingControl(), SweepClock(estimates)

    def on_point(index, outcome, run_id):
        clock.point_done(index, outcome.result.seconds)
        left = clock.seconds_left()
        accuracy = f"{outcome.evaluation.accuracy:.2%}" if outcome.evaluation is not None else "no held-out result"
        say(f"point {index + 1}/{len(sweep.points)} ({point_label(sweep.points[index])}): {accuracy}, "
            f"{outcome.result.seconds:.1f} s, run {run_id} {outcome.result.stop_reason}; "
            f"about {format_duration(left)} left")
    with _stop_on_ctrl_c(control):
        run_sweep(store, sweep, dataset, control=control, on_point=on_point)
    rows = latest_rows(store, sweep)
    _print_results(args, rows)
    if control.stop_requested:
        say(f"interrupted: `mnistbench sweep --resume {sweep.id}` (or the same command) trains the rest")
        return EXIT_INTERRUPTED
    return 0


def _plan(args):
    axes = {axis: parse_axis(axis, getattr(args, f"axis_{axis}")) for axis in AXES
            if getattr(args, f"axis_{axis}") is not None}
    config = {s.field: getattr(args, s.field) for s in TRAINING_SETTINGS if s.field not in AXES}
    if args.random < 0:
        raise ConfigError(f"--random must be 0 or more points, not {args.random}")
    try:
        return plan_sweep(args.data, architecture_from_args(args), config, axes, args.random, args.seed)
    except NothingToSweepError as error:  # named as typed here: by their flags
        flags = {axis: AXIS_FLAGS[axis][-1] for axis in error.axes}
        raise ConfigError(error.worded(flags, "--lr 0.001,0.01")) from None


def _find_sweep(store, args):
    found = store.sweep_spec(args.resume)
    if found is None:
        raise ConfigError(f"no sweep {args.resume!r} in {store.path} (`mnistbench runs` lists sweep ids)")
    _, spec = found
    return Sweep(args.resume, spec["dataset"], spec["architecture"], spec["config"], tuple(spec["points"]))


def _print_results(args, rows):
    rows = sort_rows(rows, args.sort, args.desc) if args.sort else rows
    if args.json:
        import json
        print(json.dumps([row_dict(row) for row in rows], indent=2))
        return
    if args.csv:
        print(format_csv(rows), end="")
        return
    if rows:
        print(format_table(rows, TABLE_KEYS))
    for what, cost in (("training time", lambda row: row.seconds), ("parameters", lambda row: row.parameters)):
        front = sorted(pareto_front(rows, cost), key=cost)
        if front:
            print(f"Pareto front, accuracy against {what}: "
                  + "; ".join(f"run {row.id} ({row.label}) {row.held_out_accuracy:.2%}" for row in front))
