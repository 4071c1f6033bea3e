"""`mnistbench train`: build or load a network, train it with a progress bar, save it.

Ctrl-C asks the engine to stop after the current batch, and the network
trained so far is still saved; a second Ctrl-C aborts at once.
"""

import signal
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from mnistbench.data import load_dataset, to_inputs
from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.network import Network
from mnistbench.engine.training import TrainingCallbacks, TrainingControl
from mnistbench.errors import ConfigError
from mnistbench.evaluation import evaluate
from mnistbench.netfile import DEFAULT_EXTENSION, load_network, save_network

DEFAULT_OUT = "network" + DEFAULT_EXTENSION
AUTO_HOLDOUT_FRACTION = 0.1  # held out for early stopping when --holdout is not given


def train_command(args):
    config = config_from_args(args)
    dataset = load_dataset(args.data)
    dataset.require_train()
    dataset.require_test()
    net = load_network(args.start_from) if args.start_from else network_from_args(args)
    if args.float64:
        net = net.astype("float64")
    X, y = to_inputs(dataset.train_images), dataset.train_labels
    X_test, y_test = to_inputs(dataset.test_images), dataset.test_labels
    X, y, validation, note = split_validation(X, y, (X_test, y_test), args, config)
    print(f"{dataset.describe()}\n{net!r}, {net.parameter_count:,} parameters; {note}")
    control = TrainingControl()
    with _stop_on_ctrl_c(control), _Progress(config.epochs, args.quiet) as progress:
        result = net.fit(X, y, config, validation=validation, control=control,
                         callbacks=TrainingCallbacks(on_batch=progress.batch, on_epoch=progress.epoch))
    print(result.message)
    held_out = evaluate(net, X_test, y_test).accuracy
    record = net.metadata.setdefault("training", {})
    record.update(dataset=dataset.name, held_out_accuracy=round(held_out, 6),
                  held_out_set=f"{dataset.name} test set ({dataset.n_test} images)")
    net.metadata["class_names"] = list(dataset.class_names)
    out = output_path(args)
    save_network(net, out)
    print(f"held-out accuracy {held_out:.2%} on {dataset.n_test:,} test images; saved {out}")
    return 0 if result.stop_reason != "diverged" else 1


def config_from_args(args):
    return TrainingConfig(
        optimizer=args.optimizer, learning_rate=args.lr, momentum=args.momentum,
        weight_decay=args.weight_decay, dropout=args.dropout, schedule=args.schedule,
        step_epochs=args.step_epochs, step_gamma=args.step_gamma, batch_size=args.batch_size,
        epochs=args.epochs, validation_size=args.validation_size, augment=args.augment,
        augment_shift=args.augment_shift, augment_rotation=args.augment_rotation,
        early_stopping_patience=args.early_stopping, seed=args.seed)


def network_from_args(args):
    try:
        sizes = [int(n) for n in args.layers.split(",")]
    except ValueError:
        raise ConfigError(f"--layers must be numbers separated by commas, like 784,128,10, not {args.layers!r}")
    return Network(sizes, activation=args.activation, output=args.output, loss=args.loss,
                   init=args.init, seed=args.seed, dtype="float32")


def split_validation(X, y, test, args, config):
    """Held-out training examples when asked for (or needed by early stopping), else the test set."""
    holdout = args.holdout or (int(len(X) * AUTO_HOLDOUT_FRACTION) if config.early_stopping_patience else 0)
    if holdout <= 0:
        return X, y, test, "validation curves sample the test set (it is never trained on)"
    if holdout >= len(X):
        raise ConfigError(f"--holdout {holdout} leaves no training data (the set has {len(X)} images)")
    order = np.random.default_rng(config.seed).permutation(len(X))
    keep, held = order[holdout:], order[:holdout]
    return X[keep], y[keep], (X[held], y[held]), f"{holdout:,} training images held out for validation"


def output_path(args):
    """--out, else the file we continued from, else network.nn — never silently over another file."""
    if args.out:
        return Path(args.out)
    if args.start_from:
        return Path(args.start_from)
    out = Path(DEFAULT_OUT)
    counter = 1
    while out.exists():
        out = Path(f"network-{counter}{DEFAULT_EXTENSION}")
        counter += 1
    return out


class _Progress:
    """A tqdm bar over each epoch's batches and one printed line per epoch."""

    def __init__(self, epochs, quiet):
        self.epochs, self.quiet, self.bar = epochs, quiet, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()

    def batch(self, report):
        if self.quiet:
            return
        if self.bar is None or report.batch == 1:
            if self.bar is not None:
                self.bar.close()
            self.bar = tqdm(total=report.batches_per_epoch, desc=f"epoch {report.epoch}/{self.epochs}",
                            unit="batch", leave=False, file=sys.stderr, dynamic_ncols=True,
                            disable=None)  # None: no bar when stderr is not a terminal
        self.bar.update(1)
        if report.batch % 20 == 0 or report.batch == report.batches_per_epoch:
            self.bar.set_postfix(loss=f"{report.loss:.4f}", acc=f"{report.accuracy:.3f}",
                                 rate=f"{report.samples_per_second:,.0f}/s", refresh=False)

    def epoch(self, report):
        validation = ("" if report.validation_accuracy is None else
                      f"  validation loss {report.validation_loss:.4f} accuracy {report.validation_accuracy:.2%}")
        line = (f"epoch {report.epoch}/{report.epochs}  loss {report.train_loss:.4f}  "
                f"accuracy {report.train_accuracy:.2%}{validation}  {report.seconds:.1f} s")
        (tqdm.write if self.bar is not None else print)(line)


class _stop_on_ctrl_c:
    """First Ctrl-C: stop after this batch and save. Second: abort."""

    def __init__(self, control):
        self.control = control

    def __enter__(self):
        self.previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame):
        if self.control.stop_requested:
            raise KeyboardInterrupt
        self.control.request_stop()
        print("\nstopping after this batch (Ctrl-C again to abort without saving)", file=sys.stderr)

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.previous)
