"""One bench candidate in its own process: it reads batch sizes on stdin, answers with one epoch's seconds.

Started by ``bench_rounds.WarmProcess`` as ``python -m mnistbench.bench_worker
CANDIDATE DATA N_IMAGES`` (DATA empty: Fashion-MNIST when present; N_IMAGES 0:
all 60,000). Its first line is ``ready <what runs>`` or ``unavailable <why>``.
Each request is ``BATCH_SIZE THREADS``: the floor times its products with that
many BLAS threads (``all``: the BLAS's own choice); the engines read theirs from
MNISTBENCH_BLAS_THREADS, set by the parent.
"""

import sys
import time

def _epoch_function(name, X, y):
    """The function that trains one epoch (or times the products of one) for a candidate."""
    from mnistbench import bench, bench_accuracy, bench_rounds
    from mnistbench.data import to_inputs

    if name == "floor":
        return lambda batch_size: bench.matrix_product_seconds(bench.REFERENCE_LAYERS, len(X), batch_size)
    if name in bench_rounds.ENGINES:
        return lambda batch_size: bench.reference_network().fit(
            X, y, bench.REFERENCE_CONFIG.replace(epochs=1, batch_size=batch_size))
    peers = {"pytorch": bench_accuracy.torch_epoch, "scikit-learn": bench_accuracy.sklearn_epoch}
    inputs = to_inputs(X)  # the peers read float32 in [0, 1], made once here, outside their timing
    return lambda batch_size: peers[name](inputs, y, batch_size)


def _describe(name):
    if name.startswith(("numpy", "fast")):
        from mnistbench.engine import fast_kernels
        return fast_kernels.engine_description()
    if name == "pytorch":
        import torch
        return f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    if name == "scikit-learn":
        import sklearn
        return f"scikit-learn {sklearn.__version__}"
    from mnistbench.bench_rounds import blas_description  # the workers' BLAS: the parent may load more
    return f"matrix products alone, BLAS {blas_description()}"


def _serve(name, data, n_images):
    """Worker loop: answer each batch size read on stdin with one epoch's seconds."""
    from mnistbench import bench

    X, y, source = bench.reference_data(data or None)
    X, y = (X[:n_images], y[:n_images]) if n_images else (X, y)
    try:
        run = _epoch_function(name, X, y)
        description = f"{_describe(name)}; {source}, {len(X):,} images"
    except ImportError as missing:
        print(f"unavailable {missing}", flush=True)
        return
    # One product before any thread limit: a limit set before NumPy's first product slows the first layer's.
    bench.matrix_product_seconds(bench.REFERENCE_LAYERS, 256, 128)
    print(f"ready {description}", flush=True)
    warmed = set()
    for line in sys.stdin:
        batch_size, threads = line.split()
        batch_size, threads = int(batch_size), None if threads == "all" else int(threads)
        with FloorThreads(name, threads):
            if (batch_size, threads) not in warmed:  # first-call set-up (BLAS buffers, JIT) is not an epoch's cost
                _epoch_function(name, X[:2048], y[:2048])(batch_size)
                warmed.add((batch_size, threads))
            start = time.perf_counter()
            measured = run(batch_size)
        seconds = measured if name == "floor" else time.perf_counter() - start
        print(f"seconds {seconds!r}", flush=True)


class FloorThreads:
    """Hold the floor's BLAS to ``threads`` (None: leave it alone) for one request."""

    def __init__(self, name, threads):
        self.limiter, self.wanted = None, threads if name == "floor" else None

    def __enter__(self):
        if self.wanted is not None:
            from threadpoolctl import threadpool_limits  # after NumPy's first product (_serve ran one)
            self.limiter = threadpool_limits(self.wanted, user_api="blas")

    def __exit__(self, *exc):
        if self.limiter is not None:
            self.limiter.restore_original_limits()


if __name__ == "__main__":
    try:
        _serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    except Exception as error:  # reported to the parent as one line; it names the worker
        print(f"error {type(error).__name__}: {error}", flush=True)
        raise
