"""`mnistbench train`: build or load a network, train it with a progress bar, save it.

Nothing trained is lost: the output is checked before training starts; Ctrl-C
asks the engine to stop after the current batch and the network trained so far
is still saved (exit 130); a second Ctrl-C during training aborts at once, but
once training has ended the save is protected work that Ctrl-C does not cut.
A save that still fails (a full disk) writes a rescue copy into the user's
data folder and says where.
"""

import signal
import sys
import time
from pathlib import Path

from tqdm import tqdm

from mnistbench.bundled import is_bundled, resolve_network
from mnistbench.data import cache_dir, load_dataset
from mnistbench.engine.training import TrainingCallbacks, TrainingControl
from mnistbench.errors import MnistbenchError
from mnistbench.netfile import DEFAULT_EXTENSION, check_network_size, check_writable, load_network, save_network
from mnistbench.workflows.cost_estimate import estimate_cost
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.run_recorder import RunRecorder
from mnistbench.workflows.runs_store import RunsStore
from mnistbench.workflows.settings import architecture_from_args, config_from_args
from mnistbench.workflows.training_run import train_and_record
from mnistbench.workflows.validation_split import training_data

DEFAULT_OUT = "network" + DEFAULT_EXTENSION
EXIT_INTERRUPTED = 130
RESCUE_FOLDER = "rescued"  # in the user's data folder: networks whose save failed
REPLACE_MARGIN = 0.05  # a network more than 5 points worse on the same held-out set never replaces the file


def train_command(args):
    config = config_from_args(args)
    out = output_path(args)
    check_writable(out)  # before any work: a run is never thrown away for want of a place to save it
    dataset = load_dataset(args.data)
    net = load_network(resolve_network(args.start_from)) if args.start_from else _new_network(args, config, out)
    if args.float64:
        net = net.astype("float64")
    data = training_data(dataset, config, args.holdout)
    print(f"{dataset.describe()}\n{net!r}, {net.parameter_count:,} parameters; {data.description}")
    print(estimate_cost(net, data, config, test_images=dataset.n_test).describe())
    recorder = None if args.no_record else _recorder()
    control = TrainingControl()
    with _stop_on_ctrl_c(control) as interrupts:
        with _Progress(config.epochs, args.quiet) as progress:
            callbacks = TrainingCallbacks(on_batch=progress.batch, on_epoch=progress.epoch)
            outcome = train_and_record(net, dataset, config, data=data, control=control, callbacks=callbacks,
                                       on_trained=interrupts.protect_save, recorder=recorder)
        print(outcome.result.message)
        saved, rescued = _save(net, out, outcome)
    _report_recording(recorder, saved)
    if interrupts.interrupted:
        print(f"interrupted: {'the network trained so far is in ' + str(saved) if saved else 'nothing saved'}",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0 if outcome.result.stop_reason != "diverged" and saved is not None and not rescued else 1


def _new_network(args, config, out):
    """The network the flags describe, refused before it is built when it could not be saved."""
    architecture = architecture_from_args(args)
    check_network_size(str(out), architecture["layer_sizes"])
    return build_network(architecture, seed=config.seed)


def _save(net, out, outcome):
    """Save ``net`` to ``out`` (beside it when ``out`` holds a clearly better network), else a rescue copy.

    Returns (the path written or None when nothing needed saving, whether it is a rescue copy).
    """
    result = outcome.result
    if result.stop_reason == "diverged" and result.epochs_completed == 0:
        print(f"nothing saved: the network is as it was before this run; {out} is untouched")
        return None, False
    held_out = (f"held-out accuracy {outcome.evaluation.accuracy:.2%} on the {outcome.held_out_set}; "
                if outcome.evaluation is not None else "no images held out to judge it; ")
    kept = _better_existing(out, outcome)
    if kept is not None:
        out = _free_name(out)
        print(f"kept {kept}; saving the new network beside it instead")
    try:
        save_network(net, out)
    except MnistbenchError as error:
        rescue = _rescue(net, out, error)
        print(f"{held_out}saved a rescue copy in {rescue}")
        return rescue, True
    print(f"{held_out}saved {out}")
    return out, False


def _better_existing(out, outcome, margin=REPLACE_MARGIN):
    """Describe ``out`` when it holds a network that scored clearly better on the same held-out set, else None.

    A run can stay finite and still wreck a network (too high a learning rate):
    replacing the file it continued from would lose the good one.
    """
    if outcome.evaluation is None or not Path(out).is_file():
        return None
    try:
        record = load_network(out).metadata.get("training", {})
    except MnistbenchError:
        return None  # not a network we can read: check_writable already allowed replacing it
    before = record.get("held_out_accuracy")
    if record.get("held_out_set") != outcome.held_out_set or not isinstance(before, (int, float)):
        return None
    after = outcome.evaluation.accuracy
    if after >= before - margin:
        return None
    return f"{out} ({before:.2%} on the {outcome.held_out_set}; the new network scores {after:.2%})"


def _free_name(out):
    """``out`` with -1, -2 … added until no file has that name."""
    out, counter = Path(out), 1
    candidate = out
    while candidate.exists():
        candidate = out.with_name(f"{out.stem}-{counter}{out.suffix or DEFAULT_EXTENSION}")
        counter += 1
    return candidate


def _rescue(net, out, error):
    """Write the trained network into the user's data folder when ``out`` cannot take it."""
    folder = cache_dir() / RESCUE_FOLDER
    rescue = folder / f"{Path(out).stem}-{time.strftime('%Y%m%d-%H%M%S')}{DEFAULT_EXTENSION}"
    print(f"mnistbench: {error}", file=sys.stderr)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        save_network(net, rescue)
    except (MnistbenchError, OSError) as second:
        raise MnistbenchError(f"{error}; a rescue copy could not be written either ({second})") from second
    return rescue


def _report_recording(recorder, saved):
    """Tell the runs store where the network went, and the user which run it is."""
    if recorder is None:
        return
    if saved is not None:
        recorder.set_network_path(Path(saved).resolve())
    if recorder.problem:
        print(f"mnistbench: {recorder.problem}", file=sys.stderr)
    else:
        print(f"recorded as run {recorder.run_id} (mnistbench runs)")


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
    return _free_name(out)


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
    """During training, first Ctrl-C: stop after this batch and save; second: abort.
    After ``protect_save()``, Ctrl-C is only noted: the save finishes first."""

    def __init__(self, control):
        self.control, self.interrupted, self.saving = control, False, False

    def __enter__(self):
        self.previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, self._handle)
        return self

    def protect_save(self):
        self.saving = True

    def _handle(self, signum, frame):
        self.interrupted = True
        if self.saving:
            print("\nsaving the trained network first…", file=sys.stderr)
            return
        if self.control.stop_requested:
            raise KeyboardInterrupt
        self.control.request_stop()
        print("\nstopping after this batch (Ctrl-C again to abort without saving)", file=sys.stderr)

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.previous)
