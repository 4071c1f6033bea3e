"""How close `estimate_cost` comes to the real time of a run, on this machine.

    MNISTBENCH_DATASETS=/work/shared/datasets python scripts/measure_cost_estimate.py [--quick] [--no-sweep] [--cpu]

For a spread of networks and settings on mnist-10k-split and fashion-mnist
(batch 10 to 512, widths 32 to 512, SGD and Adam, 1 to 5 epochs, validation
passes every epoch, early stopping, dropout, augmentation) it prints the
estimate the CLI prints before a run, the real wall time of the run as the
CLI does it (``train_and_record`` recorded into a runs store, then saved) and
the ratio; then the same for a 9-point sweep (``estimate_points`` against
``run_sweep``). The issue asks for a ratio within 0.7-1.3. The machine may be
shared: each line carries the load average at its start, and the CPU-time
ratio (all threads of this process) as a second view.

``--cpu`` stands in for a quiet machine on a shared one: the estimate's
timings and the real run are both measured in this process's CPU time, which
other programs do not inflate. Run it with ``OPENBLAS_NUM_THREADS=1`` (a
second BLAS thread spinning while it waits would count twice).
"""

import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from mnistbench.data import load_dataset
from mnistbench.engine import fast_kernels
from mnistbench.engine.config import TrainingConfig
from mnistbench.netfile import save_network
from mnistbench.workflows import cost_estimate
from mnistbench.workflows import sweep as sweep_module
from mnistbench.workflows.cost_estimate import estimate_cost
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.run_recorder import RunRecorder
from mnistbench.workflows.runs_store import RunsStore
from mnistbench.workflows.sweep import estimate_points, parse_axis, plan_sweep, run_sweep
from mnistbench.workflows.training_run import train_and_record
from mnistbench.workflows.validation_split import training_data

RELU = dict(activation="relu", output="softmax", loss="cross_entropy", init="he")
SGD = dict(optimizer="sgd", learning_rate=0.05)
MNIST, FASHION = "mnist-10k-split", "fashion-mnist"
CASES = (  # (dataset, hidden sizes, TrainingConfig values)
    (MNIST, [32], dict(SGD, batch_size=10, epochs=1, evaluations_per_epoch=1)),
    (MNIST, [64], dict(batch_size=32, epochs=3)),
    (MNIST, [128], dict(SGD, batch_size=128, epochs=5, evaluations_per_epoch=1)),
    (MNIST, [512], dict(batch_size=512, epochs=5)),
    (MNIST, [512], dict(SGD, batch_size=10, epochs=1)),
    (MNIST, [256, 128], dict(batch_size=32, epochs=2)),
    (MNIST, [128], dict(batch_size=64, epochs=2, dropout=0.2)),
    (MNIST, [128], dict(batch_size=64, epochs=1, augment=True)),
    (MNIST, [64], dict(batch_size=32, epochs=4, early_stopping_patience=2)),
    (FASHION, [32], dict(SGD, batch_size=128, epochs=1, evaluations_per_epoch=1)),
    (FASHION, [128], dict(batch_size=32, epochs=1)),
    (FASHION, [256], dict(batch_size=512, epochs=2)),
    (FASHION, [512], dict(SGD, batch_size=10, epochs=1, evaluations_per_epoch=1)),
)
QUICK = (0, 3, 6, 9, 11)  # --quick: these cases only


def load():
    return os.getloadavg()[0]


def measure_case(dataset, hidden, values, store, folder, clock):
    """(estimate seconds, real seconds, real CPU seconds) of one run as `mnistbench train` does it."""
    config = TrainingConfig().replace(**values)
    net = build_network(dict(RELU, layer_sizes=[784, *hidden, len(dataset.class_names)]), seed=config.seed)
    data = training_data(dataset, config)
    estimate = estimate_cost(net, data, config, test_images=dataset.n_test)
    started, processor = clock(), time.process_time()
    recorder = RunRecorder(store)
    train_and_record(net, dataset, config, data=data, recorder=recorder)
    path = Path(folder) / "network.nn"
    save_network(net, path)
    recorder.set_network_path(path)
    return estimate.seconds, clock() - started, time.process_time() - processor


def label(dataset, hidden, values):
    settings = ", ".join(f"{k} {v}" for k, v in values.items() if k not in ("learning_rate",))
    return f"{dataset[:7]} 784-{'-'.join(map(str, hidden))}-10 {settings}"


def measure_sweep(dataset, store, clock):
    """(estimate seconds, real seconds) of the issue's 9-point sweep, 1 epoch each."""
    axes = {"learning_rate": parse_axis("learning_rate", "0.001,0.003,0.01"),
            "hidden": parse_axis("hidden", "64,128,256")}
    sweep = plan_sweep(dataset.name, dict(RELU, layer_sizes=[784, 128, 10]), TrainingConfig(epochs=1), axes)
    estimate = sum(estimate_points(sweep, dataset, range(len(sweep.points))).values())
    started = clock()
    run_sweep(store, sweep, dataset)
    return estimate, clock() - started


def main(argv):
    cases = [CASES[i] for i in QUICK] if "--quick" in argv else CASES
    clock = time.perf_counter
    if "--cpu" in argv:  # every timing, the estimate's and the run's, in this process's CPU time
        clock = time.process_time
        cost_estimate.time = sweep_module.time = SimpleNamespace(perf_counter=time.process_time)
        print("clock: process CPU time (a quiet machine's wall time, one BLAS thread)")
    print(f"engine: {fast_kernels.engine_description()}; {os.cpu_count()} cores")
    print(f"{'case':<62} {'load':>4} {'estimate':>9} {'real':>8} {'ratio':>6} {'CPU ratio':>9}")
    datasets, ratios = {}, []
    with tempfile.TemporaryDirectory() as folder:
        store = RunsStore(folder)
        for name, hidden, values in cases:
            dataset = datasets.setdefault(name, load_dataset(name))
            at = load()
            estimate, real, cpu = measure_case(dataset, hidden, values, store, folder, clock)
            ratios.append(estimate / real)
            print(f"{label(name, hidden, values):<62} {at:4.1f} {estimate:8.2f}s {real:7.2f}s {ratios[-1]:6.2f} "
                  f"{estimate / cpu:9.2f}", flush=True)
        if "--no-sweep" not in argv:
            at = load()
            estimate, real = measure_sweep(datasets.setdefault(MNIST, load_dataset(MNIST)), store, clock)
            ratios.append(estimate / real)
            print(f"{'9-point sweep: lr 0.001,0.003,0.01 x hidden 64,128,256, 1 epoch':<62} {at:4.1f} "
                  f"{estimate:8.2f}s {real:7.2f}s {ratios[-1]:6.2f}", flush=True)
    within = sum(0.7 <= r <= 1.3 for r in ratios)
    print(f"{within} of {len(ratios)} estimates within ±30 %; load now {load():.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
