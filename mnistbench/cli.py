"""`mnistbench …` / `python -m mnistbench …`: the engine without a window.

This module only builds the argument parser and turns every user-caused
error into one line on stderr with a non-zero exit; the commands themselves
live in ``mnistbench/commands``.
"""

import argparse
import os
import sys

from mnistbench import __version__
from mnistbench.commands.data import add_data_parser
from mnistbench.commands.networks import add_networks_parser
from mnistbench.commands.runs import add_compare_parser, add_lr_find_parser, add_runs_parser, add_sweep_parser
from mnistbench.errors import MnistbenchError
from mnistbench.workflows.recipes import RECIPES, recipe_architecture, recipe_config
from mnistbench.workflows.settings import ARCHITECTURE_SETTINGS, TRAINING_SETTINGS, add_setting_arguments

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what other tools report when their reader goes away


def build_parser():
    parser = argparse.ArgumentParser(
        prog="mnistbench", description="Build, train, test and open up neural networks on MNIST digits.")
    parser.add_argument("--version", action="version", version=f"mnistbench {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parser.train_parser = _add_train(commands)
    _add_test(commands)
    info = commands.add_parser("info", help="layers, parameters, activations and training record of a network")
    info.add_argument("file", nargs="?", help="network file (.nn) or a bundled network's name")
    info.add_argument("--json", action="store_true", help="print JSON for scripts")
    info.add_argument("--engine", action="store_true", help="which engine path trains here (NumPy or numba)")
    predict = commands.add_parser("predict", help="read digits (or whole numbers) from photos, scans and drawings")
    predict.add_argument("file", help="network file (.nn) or a bundled network's name")
    predict.add_argument("images", nargs="+", metavar="IMAGE", help="PNG, JPEG, TIFF … of a handwritten digit")
    predict.add_argument("--json", action="store_true", help="print JSON for scripts (with each digit's box)")
    predict.add_argument("--number", action="store_true",
                         help="read several digits side by side (a year, a house number) as one number")
    predict.add_argument("--steps", metavar="OUT.png",
                         help="write every preprocessing step of the first image as one PNG")
    predict.add_argument("--threshold", type=float, default=None, metavar="0..1",
                         help="ink threshold instead of the automatic one (a fraction of the page's contrast)")
    add_data_parser(commands)
    add_networks_parser(commands)
    for add_parser in (add_runs_parser, add_compare_parser, add_sweep_parser, add_lr_find_parser):
        add_parser(commands)
    bench = commands.add_parser("bench", help="print speed, memory and accuracy figures")
    bench.add_argument("what", nargs="*", default=["speed"],
                       help="speed, memory, inference, quick, accuracy, fidelity, peers or all (default: speed)")
    bench.add_argument("--data", default=None, help="dataset for speed/memory (default fashion-mnist if present)")
    bench.add_argument("--rounds", type=int, default=5, help="interleaved rounds for speed and peers (default 5)")
    gui = commands.add_parser("gui", help="open the workbench window")
    gui.add_argument("files", nargs="*", metavar="FILE", help="network files to open")
    return parser


def _add_train(commands):
    p = commands.add_parser("train", help="train a network and save it",
                            formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--recipe", choices=tuple(RECIPES),
                   help="start from a named recipe's settings (flags given here still win): "
                        + "; ".join(f"{name}: {','.join(map(str, recipe_architecture(name)['layer_sizes']))}"
                                    for name in RECIPES))
    p.add_argument("--data", default="mnist", help="dataset name (mnist, fashion-mnist, mnist-10k-split) or folder")
    add_setting_arguments(p, ARCHITECTURE_SETTINGS + TRAINING_SETTINGS)
    p.add_argument("--holdout", type=int, default=0,
                   help="training examples held out for validation (else the test set is sampled, "
                        "as the original tool did, for the curves only)")
    p.add_argument("--from", dest="start_from", metavar="FILE",
                   help="continue training this network (a file or a bundled network's name)")
    p.add_argument("--out", metavar="FILE", help="where to save (default: the --from file, else network.nn)")
    p.add_argument("--float64", action="store_true", help="compute in float64 (slower)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-record", action="store_true", help="do not keep this run in the runs store")
    return p


def _add_test(commands):
    p = commands.add_parser("test", help="accuracy, per-class precision/recall and confusion matrix")
    p.add_argument("file", help="network file (.nn) or a bundled network's name")
    p.add_argument("--data", default=None, help="dataset name or folder (default: what it was trained on)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--mistakes", metavar="OUT.png", help="write a grid of the worst misclassified images")
    p.add_argument("--count", type=positive_int, default=50, help="how many mistakes in the grid")
    p.add_argument("--unseen", action="store_true",
                   help="judge only the test images the network did not train on (its record lists them)")


def positive_int(text):
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv=None):
    """Parsed arguments; for `train --recipe`, the recipe's values are the defaults."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "train" and args.recipe:
        parser.train_parser.set_defaults(**recipe_config(args.recipe).describe(),
                                         **recipe_architecture(args.recipe))
        args = parser.parse_args(argv)
    return args


def main(argv=None):
    args = parse_args(argv)
    from mnistbench.commands import COMMANDS  # after parsing: --help stays instant

    try:
        code = COMMANDS[args.command](args) or 0
        sys.stdout.flush()  # a reader that has gone shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:  # `mnistbench info x | head -1`: the reader has gone; nothing to say
        return _quiet_broken_pipe()
    except MnistbenchError as error:
        print(f"mnistbench: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("mnistbench: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:  # a disk full, a permission: still one line
        where = f"{error.filename}: " if error.filename else ""
        print(f"mnistbench: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR


def _quiet_broken_pipe():
    """Point stdout at /dev/null so the interpreter's final flush does not complain, and exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE
