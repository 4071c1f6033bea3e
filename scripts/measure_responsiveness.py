"""How responsive is the workbench while it trains, and what does the window cost training?

Trains the reference-ish configuration (784-128-10 ReLU, softmax + cross-entropy,
He, Adam 1e-3, batch 64) in the real MainWindow (offscreen) and with the bare
engine on this thread, as the CLI runs it, in alternating rounds; each round's
ratio compares the epochs after the first (which pays for warm-up in both).
The speed of these shared 2-core machines drifts by 10-30 % within a minute,
so no single round means much: the figures are the median of the rounds'
ratios and the ratio of the mean epoch times (target <= 1.10). A last window
run has a 10 ms QTimer measure how late the event loop wakes it (p50/p99;
target p99 < 50 ms).

    QT_QPA_PLATFORM=offscreen python scripts/measure_responsiveness.py [--dataset DIR] [--epochs N] [--rounds N]
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["MNISTBENCH_CONFIG"] = tempfile.mkdtemp(prefix="mnistbench-measure-")  # default layout, user's untouched
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnistbench.data.datasets import load_dataset  # noqa: E402
from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.engine.network import Network  # noqa: E402
from mnistbench.workflows.validation_split import training_data  # noqa: E402

ARCHITECTURE = {"layer_sizes": [784, 128, 10], "activation": "relu", "output": "softmax",
                "loss": "cross_entropy", "init": "he", "seed": 0}
TICK_MS = 10
_app = None  # the QApplication, once a window is opened


def default_dataset():
    root = Path(os.environ.get("MNISTBENCH_DATASETS", Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    for name in ("mnist", "fashion-mnist", "mnist-10k-split"):  # the biggest training set first
        folder = root / name
        if (folder / "train-images-idx3-ubyte.gz").is_file():
            return folder
    sys.exit(f"no dataset with a training set under {root}; pass --dataset")


def new_network():
    architecture = dict(ARCHITECTURE)
    return Network(architecture.pop("layer_sizes"), **architecture)


def bare_epoch_seconds(dataset, config):
    """Epoch times of the engine alone, on this thread, as the CLI would run it."""
    data = training_data(dataset, config)  # the window's split
    result = new_network().fit(data.X, data.y, config=config, validation=data.validation)
    return result.history["seconds"]


def open_window(folder, hide=()):
    """The real window (offscreen), shown, with the dataset in ``folder``; ``hide`` names docks to hide.

    One window serves every round, as one serves a user who trains again and
    again (from the second run on, the curves also draw the previous run, dimmed).
    """
    from PySide6.QtWidgets import QApplication

    from mnistbench.gui.window.main_window import MainWindow

    global _app
    _app = QApplication.instance() or QApplication([])  # kept alive as long as this script runs
    window = MainWindow(networks_dir=Path("/nonexistent"))
    window.show()
    for name in hide:
        window.docks[name].hide()
    window.session.use_dataset_folder(folder)
    return window


def window_epoch_seconds(window, config, probe=False):
    """Train a new network in ``window``; returns (epoch seconds, event-loop latencies in ms).

    ``probe`` runs the 10 ms latency timer; it wakes the GUI thread 100 times a
    second, which the window itself never does, so epoch times come from runs
    without it.
    """
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    window.state.set_network(new_network())
    loop = QEventLoop()  # app.quit() would close (and question) the window
    epochs, latencies, clock, last = [], [], QElapsedTimer(), [0]
    connections = [(window.controller.sig_epoch, lambda report: epochs.append(report.seconds)),
                   (window.controller.sig_finished, lambda result: loop.quit()),
                   (window.controller.sig_failed, lambda message: (print(message), loop.quit()))]
    for signal, slot in connections:
        signal.connect(slot)

    def tick():
        now = clock.nsecsElapsed() / 1e6
        latencies.append(now - last[0] - TICK_MS)
        last[0] = now

    timer = QTimer(interval=TICK_MS, timeout=tick)
    clock.start()
    if probe:
        timer.start()
    QTimer.singleShot(0, lambda: window.training.start(config))
    loop.exec()
    timer.stop()
    for signal, slot in connections:
        signal.disconnect(slot)
    window.state.modified = False
    return epochs, np.maximum(np.array(latencies[1:]), 0.0)


def mean_ratio_interval(in_window, bare, resamples=4000):
    """A bootstrap 95 % interval of mean(in_window) / mean(bare), resampling whole rounds."""
    picks = np.random.default_rng(0).integers(0, len(bare), (resamples, len(bare)))
    ratios = in_window[picks].mean(axis=1) / bare[picks].mean(axis=1)
    return np.percentile(ratios, [2.5, 97.5])


def steady(epoch_seconds):
    """Mean epoch time after the first epoch (all of them if there is only one)."""
    return float(np.mean(epoch_seconds[1:] if len(epoch_seconds) > 1 else epoch_seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=None, help="folder of IDX files with a training set")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run (the first is not timed)")
    parser.add_argument("--rounds", type=int, default=8, help="alternating bare/window rounds")
    parser.add_argument("--hide", nargs="*", default=[], metavar="DOCK",
                        help="hide these docks while training (e.g. curves) to see what they cost")
    args = parser.parse_args()
    folder = args.dataset or default_dataset()
    dataset = load_dataset(folder)
    config = TrainingConfig(optimizer="adam", learning_rate=1e-3, batch_size=64, epochs=args.epochs)
    print(f"dataset {dataset.describe()}; {args.epochs} epochs of 784-128-10 relu/softmax, Adam 1e-3, "
          f"batch 64; {args.rounds} rounds; hidden docks: {', '.join(args.hide) or 'none'}")
    window = open_window(folder, args.hide)
    bare, in_window = [], []
    for round_number in range(1, args.rounds + 1):
        bare.append(steady(bare_epoch_seconds(dataset, config)))
        in_window.append(steady(window_epoch_seconds(window, config)[0]))
        print(f"round {round_number}: bare engine {bare[-1]:.3f} s per epoch, in the window "
              f"{in_window[-1]:.3f} s, ratio {in_window[-1] / bare[-1]:.3f}", flush=True)
    ratios = np.array(in_window) / np.array(bare)
    low, high = mean_ratio_interval(np.array(in_window), np.array(bare))
    print(f"ratio window/bare: median {np.median(ratios):.3f} over {len(ratios)} rounds "
          f"(min {ratios.min():.3f}, max {ratios.max():.3f}); of the mean epoch times "
          f"{np.mean(in_window) / np.mean(bare):.3f} (95 % interval {low:.3f}-{high:.3f}); "
          f"of the fastest rounds {min(in_window) / min(bare):.3f}  (target <= 1.10)")
    _epochs, latencies = window_epoch_seconds(window, config, probe=True)
    window.close()
    p50, p99, worst = np.percentile(latencies, [50, 99, 100])
    print(f"event-loop latency over {len(latencies)} ticks of {TICK_MS} ms: p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms, max {worst:.1f} ms  (target p99 < 50 ms)")


if __name__ == "__main__":
    main()
