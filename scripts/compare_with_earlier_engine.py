"""Time this checkout's engine against an earlier checkout's, in alternating rounds on the same machine.

    git worktree add --detach ../earlier 69512fc   # main before the fast path (issue 15)
    python scripts/compare_with_earlier_engine.py ../earlier --rounds 5

Absolute seconds on these shared machines move 2× between quiet and busy
minutes, so a figure quoted from an earlier run cannot say whether the engine
got slower. This runs both in the same minutes: each round starts a fresh
process per candidate (the earlier NumPy path, this NumPy path, this fast
path) and batch size, in a rotated order; each process warms up, times the
reference's matrix products alone, then one reference epoch, then inference
(one image, 10,000 images). It prints medians and ranges of each epoch over
its own products and of the inference times.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from mnistbench.bench_rounds import median_and_range

HERE = Path(__file__).resolve().parents[1]
BATCH_SIZES = (32, 128, 512)

WORKER = """
import json, sys, time
from mnistbench import bench
batch_size = int(sys.argv[1])
X, y, source = bench.reference_data(sys.argv[2] or None)
config = bench.REFERENCE_CONFIG.replace(epochs=1, batch_size=batch_size)
bench.reference_network().fit(X[:2048], y[:2048], config)
products = bench.matrix_product_seconds(bench.REFERENCE_LAYERS, len(X), batch_size)
net = bench.reference_network()
start = time.perf_counter()
net.fit(X, y, config)
epoch = time.perf_counter() - start
import numpy as np
rng = np.random.default_rng(0)
one, many = rng.random((1, 784), dtype=np.float32), rng.random((10_000, 784), dtype=np.float32)
net.predict(many)
print(json.dumps({"epoch": epoch, "products": products, "source": source,
                  "one_ms": bench._best_of(lambda: net.predict(one), 200) * 1e3,
                  "many_ms": bench._best_of(lambda: net.predict(many), 10) * 1e3}))
"""


def run(checkout, engine, batch_size, data):
    env = {**os.environ, "PYTHONPATH": str(checkout), "MNISTBENCH_ENGINE": engine}
    out = subprocess.run([sys.executable, "-c", WORKER, str(batch_size), data or ""], env=env, cwd=checkout,
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{checkout} ({engine}) failed: {out.stderr.strip().splitlines()[-1]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("earlier", type=Path, help="a checkout of the earlier engine (a git worktree)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", default="", help="dataset name (default: Fashion-MNIST when present)")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=BATCH_SIZES)
    parser.add_argument("--numpy-only", action="store_true", help="leave out this checkout's fast path")
    args = parser.parse_args()
    candidates = {"earlier NumPy": (args.earlier.resolve(), "numpy"), "NumPy": (HERE, "numpy"),
                  "fast": (HERE, "fast")}
    if args.numpy_only:
        del candidates["fast"]
    results = {}
    for round_index in range(args.rounds):
        names = list(candidates)
        names = names[round_index % len(names):] + names[:round_index % len(names)]
        for batch_size in args.batch_sizes:
            for name in names:
                results.setdefault((name, batch_size), []).append(run(*candidates[name], batch_size, args.data))
        print(f"round {round_index + 1}/{args.rounds} done (load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"epoch / its own products, median (range) of {args.rounds} rounds; data: "
          f"{results[('NumPy', args.batch_sizes[0])][0]['source']}")
    for batch_size in args.batch_sizes:
        print(f"  batch {batch_size:>3}: " + "   ".join(
            f"{name} {median_and_range([r['epoch'] / r['products'] for r in results[(name, batch_size)]])}"
            for name in candidates))
        print("             seconds, median: " + "   ".join(
            f"{name} epoch {statistics.median([r['epoch'] for r in results[(name, batch_size)]]):.3f}, products "
            f"{statistics.median([r['products'] for r in results[(name, batch_size)]]):.3f}" for name in candidates))
    every = {name: [r for b in args.batch_sizes for r in results[(name, b)]] for name in candidates}
    print("inference, median (range) over every process: " + "   ".join(
        f"{name} one {median_and_range([r['one_ms'] * 1e3 for r in rows])} us, 10,000 "
        f"{median_and_range([r['many_ms'] for r in rows])} ms" for name, rows in every.items()))


if __name__ == "__main__":
    main()
