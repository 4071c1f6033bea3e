"""Interleaved rounds: timings that hold on a shared, noisy machine.

Each candidate (the NumPy engine, the fused engine, PyTorch, scikit-learn)
runs in its own warm process; the matrix-product floor runs in another. A
round times every candidate once per batch size, in an order rotated from
round to round, and times the floor right before each candidate, so a busy
moment slows a candidate and its floor alike. Figures are medians of the
per-round ratios, with their ranges. The workers are
``python -m mnistbench.bench_worker CANDIDATE DATA N_IMAGES`` (bench_worker.py).

``numpy`` and ``fast`` train with the engine's default BLAS threads (the
BLAS's own, see fast_kernels); ``numpy-1`` and ``fast-1`` hold the BLAS to one
thread (MNISTBENCH_BLAS_THREADS=1, the setting for a busy machine). Each
candidate's floor is timed with the same threads, so each ratio compares an
epoch with the products as that epoch runs them; every round also keeps all
its floors, so an epoch can be held against the faster of the two floors (one
thread or all) measured in the same round.
"""

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

from mnistbench.engine.blas_threads import BLAS_THREADS_VARIABLE, default_blas_threads
from mnistbench.engine.fast_kernels import ENGINE_VARIABLE

ENGINES = ("numpy", "numpy-1", "fast", "fast-1")  # "-1": the BLAS held to one thread while training
# A pause before each timing: the BLAS and OpenMP threads of the process timed just before spin on a
# core for up to a few hundred milliseconds after their last product, slowing whoever starts next.
SETTLE_SECONDS = 0.5
CANDIDATES = ("floor",) + ENGINES + ("pytorch", "scikit-learn")


def blas_threads_of(name):
    """The BLAS threads a candidate trains with: 1 for the ``-1`` candidates, the engine's default
    for ``numpy`` and ``fast``, None (all, the BLAS's own choice) for the peers."""
    if name.endswith("-1"):
        return 1
    return default_blas_threads() if name in ("numpy", "fast") else None


@dataclass
class Timings:
    """Per-round seconds of each (candidate, batch size), and the floor timed right before it."""
    seconds: dict = field(default_factory=dict)
    floors: dict = field(default_factory=dict)
    round_floors: dict = field(default_factory=dict)  # (batch size, round) -> every floor timed in that round

    def ratios(self, name, batch_size):
        """Per round: the epoch over its own floor (the products with the same BLAS threads)."""
        key = (name, batch_size)
        return [s / f for s, f in zip(self.seconds[key], self.floors[key])]

    def ratios_to_fastest_floor(self, name, batch_size):
        """Per round: the epoch over the fastest floor of that round (one BLAS thread or all)."""
        return [s / min(self.round_floors[(batch_size, r)])
                for r, s in enumerate(self.seconds[(name, batch_size)])]

    def speedups(self, slower, faster, batch_size):
        """Per round, one candidate's epoch seconds over another's (above 1: ``faster`` is faster).
        Plain seconds: the two may run their products with different threads, so different floors."""
        return [a / b for a, b in zip(self.seconds[(slower, batch_size)], self.seconds[(faster, batch_size)])]


class WarmProcess:
    """One candidate in its own Python process, data loaded and code warm, timing epochs on request."""

    def __init__(self, name, data=None, n_images=None):
        env = dict(os.environ)
        env[ENGINE_VARIABLE] = "numpy" if name.startswith("numpy") else "fast"
        env.pop(BLAS_THREADS_VARIABLE, None)  # the engine's default, which blas_threads_of names …
        if name.endswith("-1"):
            env[BLAS_THREADS_VARIABLE] = "1"  # … or one thread
        args = [sys.executable, "-m", "mnistbench.bench_worker", name, data or "", str(n_images or 0)]
        self.name = name
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.description = self._answer()  # "ready …" once loaded

    def epoch_seconds(self, batch_size, threads=None):
        """One epoch's seconds at ``batch_size``; the floor times its products with ``threads`` (None: all)."""
        self.process.stdin.write(f"{batch_size} {threads or 'all'}\n")
        self.process.stdin.flush()
        return float(self._answer())

    def _answer(self):
        line = self.process.stdout.readline().strip()
        if not line or line.startswith("error"):
            self.close()
            raise RuntimeError(f"bench worker {self.name}: {line or 'ended without an answer'}")
        kind, _, rest = line.partition(" ")
        if kind == "unavailable":
            self.close()
            raise ImportError(rest)
        return rest

    def close(self):
        """End the worker (it stops at the end of its stdin) and close our ends of its pipes."""
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


def run_rounds(names, batch_sizes, rounds, data=None, n_images=None, report=None):
    """Time ``names`` (from CANDIDATES) ``rounds`` times at each batch size -> (Timings, descriptions)."""
    processes = {"floor": WarmProcess("floor", data, n_images)}
    descriptions = {}
    try:
        for name in names:
            try:
                processes[name] = WarmProcess(name, data, n_images)
                descriptions[name] = processes[name].description
            except ImportError as missing:
                descriptions[name] = f"not installed ({missing})"
        present = [n for n in names if n in processes]
        timings = Timings()
        for round_index in range(rounds):
            shift = round_index % max(len(present), 1)
            for batch_size in batch_sizes:
                for name in present[shift:] + present[:shift]:
                    time.sleep(SETTLE_SECONDS)
                    floor = processes["floor"].epoch_seconds(batch_size, blas_threads_of(name))
                    time.sleep(SETTLE_SECONDS)
                    seconds = processes[name].epoch_seconds(batch_size)
                    timings.floors.setdefault((name, batch_size), []).append(floor)
                    timings.seconds.setdefault((name, batch_size), []).append(seconds)
                    timings.round_floors.setdefault((batch_size, round_index), []).append(floor)
            if report:
                report(f"  round {round_index + 1}/{rounds} done")
        descriptions["floor"] = processes["floor"].description
        return timings, descriptions
    finally:
        for process in processes.values():
            process.close()


def blas_description():
    """The BLAS library and kernel NumPy's products run on (threadpoolctl when installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl to see it)"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return "; ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}, "
                     f"{p.get('num_threads')} threads)" for p in pools) or "none found"


def median_and_range(values):
    """'1.32 (1.28–1.41)': the median and the range of a list of ratios."""
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"
