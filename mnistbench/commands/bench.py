"""`mnistbench bench`: run the named benchmarks, print their figures, optionally save them as JSON."""

import json
import os

from mnistbench import bench, bench_accuracy
from mnistbench.errors import MnistbenchError


def bench_command(args):
    return run_bench(args.what, data=args.data, rounds=args.rounds)


def run_bench(what, data=None, rounds=5):
    """Run the named benchmarks and print their figures; `all` runs every one."""
    runners = {
        "speed": lambda: bench.bench_speed(data, rounds),
        "memory": lambda: bench.bench_memory(data),
        "inference": bench.bench_inference,
        "peers": lambda: bench_accuracy.bench_peers(data, rounds),
        "accuracy": bench_accuracy.bench_accuracy,
        "quick": bench_accuracy.bench_quick,
        "fidelity": bench_accuracy.bench_fidelity,
    }
    names = list(runners) if "all" in what else what
    unknown = [n for n in names if n not in runners]
    if unknown:
        raise MnistbenchError(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(runners)} or all")
    results = {}
    for name in names:
        results[name] = runners[name]()
        print(flush=True)
    if os.environ.get("MNISTBENCH_BENCH_JSON"):
        with open(os.environ["MNISTBENCH_BENCH_JSON"], "w") as out:
            json.dump(results, out, indent=2, default=str)
    return 0
