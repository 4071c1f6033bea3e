"""One bench candidate in its own process: it reads batch sizes on stdin, answers with one epoch's seconds.

Started by ``bench_rounds.WarmProcess`` as ``python -m mnistbench.bench_worker
CANDIDATE DATA N_IMAGES`` (DATA empty: Fashion-MNIST when present; N_IMAGES 0:
all 60,000). Its first line is ``ready <what runs>`` or ``unavailable <why>``.
"""

import sys
import time

def _epoch_function(name, X, y):
    """The function that trains one epoch (or times the products of one) for a candidate."""
    from mnistbench import bench, bench_accuracy

    if name == "floor":
        return lambda batch_size: bench.matrix_product_seconds(bench.REFERENCE_LAYERS, len(X), batch_size)
    if name in ("numpy", "fast"):
        return lambda batch_size: bench.reference_network().fit(
            X, y, bench.REFERENCE_CONFIG.replace(epochs=1, batch_size=batch_size))
    peers = {"pytorch": bench_accuracy.torch_epoch, "scikit-learn": bench_accuracy.sklearn_epoch}
    return lambda batch_size: peers[name](X, y, batch_size)


def _describe(name):
    if name in ("numpy", "fast"):
        from mnistbench.engine import fast_kernels
        return fast_kernels.engine_description()
    if name == "pytorch":
        import torch
        return f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    if name == "scikit-learn":
        import sklearn
        return f"scikit-learn {sklearn.__version__}"
    return "matrix products alone"


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
    print(f"ready {description}", flush=True)
    warmed = set()
    for line in sys.stdin:
        batch_size = int(line)
        if batch_size not in warmed:  # first-call set-up (BLAS buffers, JIT) is not an epoch's cost
            _epoch_function(name, X[:2048], y[:2048])(batch_size)
            warmed.add(batch_size)
        start = time.perf_counter()
        measured = run(batch_size)
        seconds = measured if name == "floor" else time.perf_counter() - start
        print(f"seconds {seconds!r}", flush=True)


if __name__ == "__main__":
    try:
        _serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    except Exception as error:  # reported to the parent as one line; it names the worker
        print(f"error {type(error).__name__}: {error}", flush=True)
        raise
