"""`mnistbench runs`, `compare`, `sweep` and `lr-find`: the experiment side of the command line."""

import json

from mnistbench.bundled import resolve_network
from mnistbench.commands.sweep_run import AXIS_FLAGS, run_sweep_command
from mnistbench.data import load_dataset
from mnistbench.netfile import load_network
from mnistbench.workflows.lr_finder import find_learning_rate
from mnistbench.workflows.network_rows import measure_rows, network_row
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.run_rows import COLUMN_KEYS, format_csv, format_table, row_dict, sort_rows
from mnistbench.workflows.runs_store import RunsStore
from mnistbench.workflows.settings import (ARCHITECTURE_SETTINGS, TRAINING_SETTINGS, add_setting_arguments,
                                           architecture_from_args, config_from_args)
from mnistbench.workflows.sweep import AXES
from mnistbench.workflows.validation_split import training_data


def _add_table_options(p):
    p.add_argument("--sort", choices=COLUMN_KEYS, default=None, metavar="COLUMN",
                   help=f"sort by a column: {', '.join(COLUMN_KEYS)}")
    p.add_argument("--desc", action="store_true", help="sort from largest to smallest")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON for scripts")
    out.add_argument("--csv", action="store_true", help="print CSV for spreadsheets")


def add_runs_parser(commands):
    p = commands.add_parser("runs", help="the table of every training run kept in the runs store")
    _add_table_options(p)
    p.add_argument("--sweep", metavar="ID", help="only this sweep's runs")
    p.add_argument("--delete", type=int, metavar="RUN", help="remove a run (its network file is kept)")
    return p


def add_compare_parser(commands):
    p = commands.add_parser("compare", help="the same table for network files (or bundled names)")
    p.add_argument("files", nargs="+", metavar="FILE", help="network files (.nn) or bundled networks' names")
    p.add_argument("--data", help="test every network on this dataset's test half (and check it never saw them)")
    _add_table_options(p)
    return p


def add_sweep_parser(commands):
    p = commands.add_parser(
        "sweep", help="train a grid (or a random sample) of settings, one after another",
        description="Train every combination of the values given (or --random N of them), one run at a "
                    "time, e.g. `mnistbench sweep --lr 0.001,0.003,0.01 --hidden 64,128,256 --epochs 5`. "
                    "Each point is a run in the runs store; the same command again (or --resume ID) "
                    "trains only the points not finished yet. Other options set what all points share.")
    for axis, flags in AXIS_FLAGS.items():
        what = ("hidden layer sizes to try (256-64: two hidden layers)" if axis == "hidden"
                else f"values of {axis.replace('_', ' ')} to try")
        p.add_argument(*flags, dest=f"axis_{axis}", metavar="V,V,…", help=what)
    p.add_argument("--random", type=int, default=0, metavar="N", help="train N points drawn from the grid")
    p.add_argument("--data", default="mnist", help="dataset name or folder")
    p.add_argument("--resume", metavar="ID", help="resume a sweep by its id (its settings are stored)")
    add_setting_arguments(p, ARCHITECTURE_SETTINGS + tuple(s for s in TRAINING_SETTINGS if s.field not in AXES))
    _add_table_options(p)
    return p


def add_lr_find_parser(commands):
    p = commands.add_parser("lr-find", help="range test: the loss as the learning rate rises; proposes a rate")
    p.add_argument("--from", dest="start_from", metavar="FILE", help="test this network (else a new one)")
    p.add_argument("--data", default="mnist", help="dataset name or folder")
    p.add_argument("--start", type=float, default=1e-6, help="lowest rate")
    p.add_argument("--end", type=float, default=1.0, help="highest rate")
    p.add_argument("--steps", type=int, default=100, help="mini-batches (one per rate)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_setting_arguments(p, ARCHITECTURE_SETTINGS + TRAINING_SETTINGS)
    return p


def _print_rows(args, rows):
    rows = sort_rows(rows, args.sort, args.desc) if args.sort else rows
    if args.json:
        print(json.dumps([row_dict(row) for row in rows], indent=2))
    elif args.csv:
        print(format_csv(rows), end="")
    else:
        print(format_table(rows) if rows else "no runs yet: `mnistbench train` and `mnistbench sweep` record here")


def runs_command(args):
    store = RunsStore()
    if args.delete is not None:
        store.delete_run(args.delete)
        print(f"deleted run {args.delete} from {store.path}")
        return 0
    _print_rows(args, store.runs(args.sweep))
    return 0


def compare_command(args):
    rows_and_networks = [network_row(name) for name in args.files]
    if args.data:
        rows = measure_rows(rows_and_networks, load_dataset(args.data))
    else:
        rows = [row for row, _ in rows_and_networks]
    _print_rows(args, rows)
    return 0


def sweep_command(args):
    return run_sweep_command(args)  # in sweep_run.py: the loop and its printing


def lr_find_command(args):
    config = config_from_args(args)
    dataset = load_dataset(args.data)
    net = load_network(resolve_network(args.start_from)) if args.start_from else build_network(
        architecture_from_args(args), seed=config.seed)
    data = training_data(dataset, config)
    test = find_learning_rate(net, data.X, data.y, config, start=args.start, end=args.end, steps=args.steps)
    if args.json:
        print(json.dumps({"rates": test.rates, "losses": test.losses, "smoothed": test.smoothed,
                          "proposed": test.proposed}, indent=2))
        return 0
    print(f"{'learning rate':>14}  smoothed loss")
    for i in range(0, len(test.rates), max(1, len(test.rates) // 20)):
        bar = "#" * max(1, int(40 * test.smoothed[i] / max(test.smoothed)))
        print(f"{test.rates[i]:>14.2e}  {test.smoothed[i]:8.4f} {bar}")
    print(test.message)
    print(f"try: mnistbench train --lr {test.proposed:g} …")
    return 0
