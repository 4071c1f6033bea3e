"""`mnistbench bench`: speed, memory, inference and accuracy figures, printed, never asserted.

Every comparison is a ratio measured in the same run, because these machines
are shared and noisy. Targets (issue 2) are printed beside each figure.
"""

import os
import statistics
import subprocess
import sys
import time

import numpy as np

from mnistbench.data import load_dataset
from mnistbench.errors import MnistbenchError
from mnistbench.workflows.recipes import build_network, recipe_architecture, recipe_config
from mnistbench.workflows.validation_split import pixels

REFERENCE_ARCHITECTURE = recipe_architecture("reference")
REFERENCE_LAYERS = tuple(REFERENCE_ARCHITECTURE["layer_sizes"])
REFERENCE_CONFIG = recipe_config("reference").replace(evaluations_per_epoch=0)  # epochs set per use
N_IMAGES = 60_000


def reference_network(seed=0):
    return build_network(REFERENCE_ARCHITECTURE, seed=seed)


def reference_data(name=None):
    """60,000 Fashion-MNIST training images when present, else generated data of that shape:
    uint8 pixels (60000, 784), as the product trains on them (the engine scales each batch)."""
    for candidate in ([name] if name else ["fashion-mnist"]):
        try:
            dataset = load_dataset(candidate)
            if dataset.n_train >= N_IMAGES:
                return pixels(dataset.train_images[:N_IMAGES]), dataset.train_labels[:N_IMAGES], candidate
        except MnistbenchError:
            pass
    rng = np.random.default_rng(0)
    return (rng.integers(0, 256, (N_IMAGES, 784), dtype=np.uint8), rng.integers(0, 10, N_IMAGES),
            "generated")


def matrix_product_seconds(layers, n, batch_size):
    """Time only the matrix products one epoch of forward+backward passes needs."""
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((o, i), dtype=np.float32) for i, o in zip(layers[:-1], layers[1:])]
    acts = [rng.standard_normal((batch_size, size), dtype=np.float32) for size in layers]
    start = time.perf_counter()
    for _ in range(n // batch_size):
        for l, W in enumerate(weights):
            acts[l] @ W.T  # forward
            acts[l + 1].T @ acts[l]  # weight gradient
            if l > 0:
                acts[l + 1] @ W  # gradient for the layer below
    return time.perf_counter() - start


class _OptimizerTimer:
    """Times the optimiser's steps inside a real epoch by wrapping ``Adam.step`` for the duration of a
    ``with`` block (bench only)."""

    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        from mnistbench.engine import optimizers
        self._saved = saved_step = optimizers.Adam.step
        timer = self

        def step(optimizer, params, grads, learning_rate, decay=None):
            start = time.perf_counter()
            saved_step(optimizer, params, grads, learning_rate, decay)
            timer.seconds += time.perf_counter() - start
        optimizers.Adam.step = step
        return self

    def __exit__(self, *exc):
        from mnistbench.engine import optimizers
        optimizers.Adam.step = self._saved


SPEED_BATCH_SIZES = (32, 128, 512)
SPEED_ENGINES = ("numpy", "numpy-1", "fast", "fast-1")  # "-1": the BLAS held to one thread
SPEED_TARGETS = {32: 1.6, 128: 1.30}  # epoch / its products with the fast path (issue 15)


def bench_speed(data=None, rounds=5, batch_sizes=SPEED_BATCH_SIZES, n_images=None, engines=SPEED_ENGINES):
    """Epoch time over the products' floor, for each engine path and BLAS thread setting, in interleaved
    rounds (medians, ranges): over its own floor, and over the fastest floor of the same round."""
    from mnistbench.bench_rounds import run_rounds

    load_before = machine_load()
    timings, descriptions = run_rounds(engines, batch_sizes, rounds, data, n_images, report=print)
    print(f"speed (784-256-128-10 ReLU, Adam 1e-3, one epoch; {rounds} interleaved rounds; "
          f"epoch / its matrix products, median (range)):")
    print(f"  floor: {descriptions['floor']}")
    print(f"  machine load {load_before} before, {machine_load()} after (2 cores: above 2 the figures are noisy)")
    results = {"rounds": rounds, "engines": descriptions, "load": [load_before, machine_load()]}
    for name in engines:
        print(f"  {name:<7}: {descriptions[name]}")
    for batch_size in batch_sizes:
        results[f"batch_{batch_size}"] = _speed_rows(timings, [n for n in engines if (n, batch_size)
                                                               in timings.seconds], batch_size)
    results["inside"] = epoch_breakdown(data)
    return results


def _speed_rows(timings, engines, batch_size):
    """Print one batch size's ratios (own floor; fastest floor) and seconds; return them."""
    from mnistbench.bench_rounds import median_and_range

    target = f"   target fast <= {SPEED_TARGETS[batch_size]:.2f}" if batch_size in SPEED_TARGETS else ""
    own = {name: timings.ratios(name, batch_size) for name in engines}
    fastest = {name: timings.ratios_to_fastest_floor(name, batch_size) for name in engines}
    print(f"  batch {batch_size:>3}: " + "   ".join(f"{n} {median_and_range(r)}" for n, r in own.items()) + target)
    print("             over the round's fastest floor (1 thread or all): "
          + "   ".join(f"{n} {median_and_range(r)}" for n, r in fastest.items()))
    print("             epoch seconds, median: " + "   ".join(
        f"{n} {statistics.median(timings.seconds[(n, batch_size)]):.3f}" for n in engines)
          + "   floors: " + "   ".join(f"{t} {statistics.median(f):.3f}" for t, f in _floors(timings, engines,
                                                                                          batch_size).items()))
    return {name: {"ratios": own[name], "ratios_to_fastest_floor": fastest[name],
                   "seconds": timings.seconds[(name, batch_size)], "floors": timings.floors[(name, batch_size)]}
            for name in engines}


def _floors(timings, engines, batch_size):
    """The floor seconds by BLAS thread setting ("1 thread", "all threads")."""
    from mnistbench.bench_rounds import blas_threads_of

    floors = {}
    for name in engines:
        threads = blas_threads_of(name)
        label = f"{threads} thread{'s' * (threads > 1)}" if threads else "all threads"
        floors.setdefault(label, []).extend(timings.floors[(name, batch_size)])
    return floors


def machine_load():
    """The 1-minute load average, as text (the machines here are shared)."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"


def epoch_breakdown(data=None):
    """One batch-128 epoch in this process (default path), its optimiser steps timed inside it and its
    matrix products timed alone right before (the fused layers leave no product to wrap)."""
    from mnistbench.engine import fast_kernels
    from mnistbench.engine.blas_threads import BlasThreads

    X, y, _ = reference_data(data)
    print(f"  where the time goes ({fast_kernels.engine_description().split(' (')[0]}, batch 128):")
    config = REFERENCE_CONFIG.replace(epochs=1, batch_size=128)
    reference_network().fit(X[:2048], y[:2048], config)  # warm-up, JIT load
    with BlasThreads():  # the threads training holds to
        products = matrix_product_seconds(REFERENCE_LAYERS, len(X), config.batch_size)
    net = reference_network()
    with _OptimizerTimer() as optimizer:
        start = time.perf_counter()
        net.fit(X, y, config)
        epoch = time.perf_counter() - start
    rest = epoch - products - optimizer.seconds
    print(f"    one epoch: {epoch:.2f} s = products {products:.2f} s (timed alone) + Adam steps "
          f"{optimizer.seconds:.2f} s + everything else {rest:.2f} s (epoch / products {epoch / products:.2f})")
    return {"epoch": epoch, "products": products, "optimizer": optimizer.seconds}


def bench_memory(data=None):
    """Peak resident memory of a fresh process that loads 60,000 images and trains one epoch, per path."""
    code = ("import resource, sys; from mnistbench.bench import _train_one_epoch; "
            f"_train_one_epoch({data!r}); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    results = {}
    for engine in ("numpy", "fast"):  # numba itself (LLVM) takes about 120 MB once imported
        env = {**os.environ, "MNISTBENCH_ENGINE": engine}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        results[f"{engine}_peak_mb"] = int(out.stdout.split()[-1]) / 1024
    print(f"memory: peak resident while training one epoch on 60,000 images: NumPy path "
          f"{results['numpy_peak_mb']:.1f} MB, fast path {results['fast_peak_mb']:.1f} MB   target < 600 MB")
    return results


def _train_one_epoch(data):
    X, y, _ = reference_data(data)
    reference_network().fit(X, y, REFERENCE_CONFIG.replace(epochs=1))


def bench_inference():
    net = reference_network()
    rng = np.random.default_rng(0)
    one = rng.random((1, 784), dtype=np.float32)
    many = rng.random((10_000, 784), dtype=np.float32)
    net.predict(many)  # warm up
    single = _best_of(lambda: net.predict(one), 200)
    batch = _best_of(lambda: net.predict(many), 10)
    print("inference (784-256-128-10):")
    print(f"  one 28x28 image        {single * 1e3:7.3f} ms   target < 0.3 ms")
    print(f"  10,000 images          {batch * 1e3:7.1f} ms   target < 100 ms")
    return {"one_ms": single * 1e3, "ten_thousand_ms": batch * 1e3}


def _best_of(function, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best
