"""How many BLAS threads training runs its matrix products on.

Training leaves the BLAS its own threads by default: on a quiet machine they
make an epoch 16-32 % faster than one thread (and faster than PyTorch at every
batch size; docs/limits.md has the figures). On a busy or shared machine a
second BLAS thread helps only while nothing else wants a core, and after each
product it spins: there ``MNISTBENCH_BLAS_THREADS=1`` (or any N; needs
threadpoolctl) holds training to that many threads, set after NumPy's first
product. The thread count changes the bits of some products (OpenBLAS blocks
a 784-long sum differently), so it is fixed for a whole run, never chosen by
timing.
"""

import os
import threading

from mnistbench.errors import ConfigError

BLAS_THREADS_VARIABLE = "MNISTBENCH_BLAS_THREADS"  # BLAS threads while training: a number, or "all"
DEFAULT_BLAS_THREADS = None  # the variable unset: the BLAS's own threads (see the module note)


def blas_threads():
    """The BLAS threads training holds to: $MNISTBENCH_BLAS_THREADS (a number, or "all": None, the
    BLAS's own choice); unset, ``default_blas_threads()``."""
    text = os.environ.get(BLAS_THREADS_VARIABLE, "").strip().lower()
    if text == "all":
        return None
    if not text:
        return default_blas_threads()
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{BLAS_THREADS_VARIABLE}={text!r}: give a number of threads (1 or more) or all")
    if _threadpoolctl() is None:
        raise ConfigError(f'{BLAS_THREADS_VARIABLE} needs threadpoolctl: pip install "mnistbench[fast]"')
    return int(text)


def default_blas_threads():
    """DEFAULT_BLAS_THREADS when threadpoolctl can hold the BLAS to it, else None (the BLAS's own choice)."""
    return DEFAULT_BLAS_THREADS if _threadpoolctl() is not None else None


class BlasThreads:
    """``with BlasThreads():`` holds the BLAS to ``blas_threads()`` threads, or leaves it alone.

    Enter it after NumPy's first product (see the module note). Trainings may overlap in
    threads: the first to enter sets the limit, the last to leave restores the BLAS's own.
    """
    _users, _limiter, _lock = 0, None, threading.Lock()

    def __init__(self):
        self.threads = blas_threads()

    def __enter__(self):
        if self.threads is not None:
            with BlasThreads._lock:
                if BlasThreads._users == 0:
                    # The libraries loaded now (a few milliseconds): one found earlier would miss a BLAS
                    # loaded since, such as SciPy's once the photo pipeline has run.
                    controller = _threadpoolctl().ThreadpoolController()
                    BlasThreads._limiter = controller.limit(limits=self.threads, user_api="blas")
                BlasThreads._users += 1
        return self

    def __exit__(self, *exc):
        if self.threads is not None:
            with BlasThreads._lock:
                BlasThreads._users -= 1
                if BlasThreads._users == 0:
                    BlasThreads._limiter.restore_original_limits()


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl
