"""BlasThreads: training holds the BLAS to MNISTBENCH_BLAS_THREADS threads, or leaves it its own."""

import numpy as np
import pytest

from mnistbench.engine import blas_threads, fast_kernels
from mnistbench.engine.network import Network

pytest.importorskip("threadpoolctl")  # part of the [fast] extra, which CI installs


def examples():
    rng = np.random.default_rng(0)
    return rng.random((400, 20), dtype=np.float32), rng.integers(0, 4, 400)


def blas_thread_counts():
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.mark.parametrize("setting", [None, "all"])  # unset: the default, the BLAS's own threads
def test_unset_or_all_leaves_the_blas_its_own_threads(monkeypatch, setting):
    if setting is None:
        monkeypatch.delenv(blas_threads.BLAS_THREADS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(blas_threads.BLAS_THREADS_VARIABLE, setting)
    before = blas_thread_counts()
    with blas_threads.BlasThreads():
        assert blas_thread_counts() == before
    assert "BLAS held" not in fast_kernels.engine_description()


def test_one_thread_holds_training_to_it_and_gives_the_threads_back(monkeypatch):
    from mnistbench.engine.training import TrainingCallbacks

    monkeypatch.setenv(blas_threads.BLAS_THREADS_VARIABLE, "1")
    X, y = examples()
    before, during = blas_thread_counts(), []
    callbacks = TrainingCallbacks(on_batch=lambda report: during.append(blas_thread_counts()))
    Network((20, 16, 4), activation="relu", loss="cross_entropy", init="he").fit(
        X, y, epochs=1, batch_size=100, evaluations_per_epoch=0, callbacks=callbacks)
    assert during and all(counts == [1] * len(before) for counts in during)
    assert blas_thread_counts() == before
    assert "BLAS held to 1 thread while training" in fast_kernels.engine_description()


def test_overlapping_trainings_keep_the_limit_until_the_last_one_ends(monkeypatch):
    monkeypatch.setenv(blas_threads.BLAS_THREADS_VARIABLE, "1")
    before = blas_thread_counts()
    first, second = blas_threads.BlasThreads(), blas_threads.BlasThreads()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert blas_thread_counts() == [1] * len(before)  # the second run still trains with one thread
    second.__exit__(None, None, None)
    assert blas_thread_counts() == before


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_blas_threads_value_is_refused_in_one_line(monkeypatch, value):
    from mnistbench.errors import ConfigError

    monkeypatch.setenv(blas_threads.BLAS_THREADS_VARIABLE, value)
    X, y = examples()
    with pytest.raises(ConfigError, match=f"MNISTBENCH_BLAS_THREADS='{value}': give a number of threads"):
        Network((20, 4), loss="cross_entropy", activation="relu").fit(X, y, epochs=1)
