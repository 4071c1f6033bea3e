"""`mnistbench train`: build or load a network, train it with a progress bar, save it.

Ctrl-C asks the engine to stop after the current batch, and the network
trained so far is still saved; a second Ctrl-C aborts at once.
"""

import signal
import sys
from pathlib import Path

from tqdm import tqdm

from mnistbench.bundled import is_bundled, resolve_network
from mnistbench.data import load_dataset
from mnistbench.engine.training import TrainingCallbacks, TrainingControl
from mnistbench.errors import MnistbenchError
from mnistbench.netfile import DEFAULT_EXTENSION, load_network, save_network
from mnistbench.workflows.cost_estimate import estimate_cost
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.run_recorder import RunRecorder
from mnistbench.workflows.runs_store import RunsStore
from mnistbench.workflows.settings import architecture_from_args, config_from_args
from mnistbench.workflows.training_run import train_and_record
from mnistbench.workflows.validation_split import training_data

DEFAULT_OUT = "network" + DEFAULT_EXTENSION


def train_command(args):
    config = config_from_args(args)
    dataset = load_dataset(args.data)
    net = load_network(resolve_network(args.start_from)) if args.start_from else build_network(architecture_from_args(args),
                                                                               seed=config.seed)
    if args.float64:
        net = net.astype("float64")
    data = training_data(dataset, config, args.holdout)
    print(f"{dataset.describe()}\n{net!r}, {net.parameter_count:,} parameters; {data.description}")
    print(estimate_cost(net, data, config, test_images=dataset.n_test).describe())
    recorder = None if args.no_record else _recorder()
    control = TrainingControl()
    with _stop_on_ctrl_c(control), _Progress(config.epochs, args.quiet) as progress:
        callbacks = TrainingCallbacks(on_batch=progress.batch, on_epoch=progress.epoch)
        outcome = train_and_record(net, dataset, config, data=data, control=control, callbacks=callbacks,
                                   recorder=recorder)
    print(outcome.result.message)
    out = output_path(args)
    save_network(net, out)
    if recorder is not None:
        recorder.set_network_path(out.resolve())
        print(f"recorded as run {recorder.run_id} (mnistbench runs)" if not recorder.problem else
              f"mnistbench: {recorder.problem}", file=sys.stderr if recorder.problem else sys.stdout)
    held_out = (f"held-out accuracy {outcome.evaluation.accuracy:.2%} on the {outcome.held_out_set}; "
                if outcome.evaluation is not None else "no images held out to judge it; ")
    print(f"{held_out}saved {out}")
    return 0 if outcome.result.stop_reason != "diverged" else 1


def _recorder():
    """A RunRecorder on the runs store; None, said in one line, when the store cannot be opened."""
    try:
        return RunRecorder(RunsStore())
    except (MnistbenchError, OSError) as error:
        print(f"mnistbench: training without recording the run: {error}", file=sys.stderr)
        return None


def output_path(args):
    """--out, else the file we continued from, else network.nn — never silently over another file."""
    if args.out:
        return Path(args.out)
    if args.start_from:
        start = resolve_network(args.start_from)
        if not is_bundled(start):
            return start
        out = Path(start.name)  # a bundled network is never overwritten: a copy in this folder
    else:
        out = Path(DEFAULT_OUT)
    counter, stem = 1, out.stem
    while out.exists():
        out = Path(f"{stem}-{counter}{DEFAULT_EXTENSION}")
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
