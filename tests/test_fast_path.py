"""The fused (numba) path against the NumPy reference: equal to the last bit, chosen and cached as promised."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mnistbench.engine import fast_kernels
from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.network import Network
from mnistbench.engine.optimizers import SGD, Adam, Momentum

pytest.importorskip("numba")  # CI installs the [fast] extra, so these run there

OPTIMIZERS = {
    "sgd": lambda kernels: SGD(kernels=kernels),
    "momentum": lambda kernels: Momentum(0.9, kernels=kernels),
    "nesterov": lambda kernels: Momentum(0.8, nesterov=True, kernels=kernels),
    "adam": lambda kernels: Adam(0.9, 0.999, 1e-8, kernels=kernels),
}


def parameters(dtype, rng):
    return [rng.standard_normal((7, 5)).astype(dtype), rng.standard_normal(7).astype(dtype)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("decay", [None, [1e-3, 0.0]])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_fused_step_equals_numpy_bit_for_bit(kernels, name, decay, dtype):
    rng = np.random.default_rng(0)
    reference = parameters(dtype, rng)
    fused = [p.copy() for p in reference]
    numpy_optimizer, fused_optimizer = OPTIMIZERS[name](None), OPTIMIZERS[name](kernels)
    for step in range(25):  # gradients of every size, tiny to large, so rounding has chances to differ
        grads = [rng.standard_normal(p.shape).astype(dtype) * 10.0 ** (step % 7 - 3) for p in reference]
        numpy_optimizer.step(reference, [g.copy() for g in grads], 0.05, decay)
        fused_optimizer.step(fused, [g.copy() for g in grads], 0.05, decay)
    assert not np.array_equal(reference[0], parameters(dtype, np.random.default_rng(0))[0])  # they moved
    for a, b in zip(reference, fused):
        assert a.dtype == b.dtype == dtype
        assert np.array_equal(a.view(np.uint8), b.view(np.uint8))


def blobs(n=400, n_in=20, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    X = np.clip(np.random.default_rng(9).random((4, n_in))[y] + rng.normal(0, 0.3, (n, n_in)), 0, 1)
    return X.astype(np.float32), y


@pytest.mark.parametrize("settings", [
    dict(optimizer="sgd", learning_rate=0.1, weight_decay=1e-3),
    dict(optimizer="momentum", learning_rate=0.05, dropout=0.2),
    dict(optimizer="nesterov", learning_rate=0.05, weight_decay=1e-4),
    dict(optimizer="adam", learning_rate=3e-3, weight_decay=1e-3, schedule="cosine"),
])
def test_training_is_identical_on_both_paths(kernels, monkeypatch, settings):
    X, y = blobs()
    config = TrainingConfig(epochs=3, batch_size=32, evaluations_per_epoch=0, **settings)
    runs = {}
    for engine in ("fast", "numpy"):
        monkeypatch.setenv(fast_kernels.ENGINE_VARIABLE, engine)
        net = Network((20, 16, 4), activation="relu", loss="cross_entropy", init="he", seed=3)
        result = net.fit(X, y, config)
        runs[engine] = (net, result.history["train_loss"])
    (fast, fast_losses), (numpy_net, numpy_losses) = runs["fast"], runs["numpy"]
    assert fast_losses == numpy_losses and fast_losses[-1] < fast_losses[0]
    for a, b in zip(fast.weights + fast.biases, numpy_net.weights + numpy_net.biases):
        assert np.array_equal(a, b)


def test_the_environment_variable_forces_numpy(monkeypatch):
    monkeypatch.setenv(fast_kernels.ENGINE_VARIABLE, "numpy")
    assert fast_kernels.load() is None
    assert "forced" in fast_kernels.engine_description()
    monkeypatch.setenv(fast_kernels.ENGINE_VARIABLE, "fast")
    assert fast_kernels.load() is not None
    assert fast_kernels.engine_description().startswith("numba ")


def run_python(code, env):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def clean_environment(**changes):
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", fast_kernels.ENGINE_VARIABLE)}
    return {**env, **changes}


TRAIN_AND_REPORT = """
import json, numpy as np
from mnistbench.engine import fast_kernels
from mnistbench.engine.network import Network
net = Network((6, 5, 3), activation="relu", loss="cross_entropy", init="he")
X = np.random.default_rng(0).random((40, 6), dtype=np.float32)
net.fit(X, np.arange(40) % 3, epochs=1, batch_size=8, evaluations_per_epoch=0)
kernels = fast_kernels.load()
print(json.dumps({"engine": fast_kernels.engine_description(),
                  "hits": sum(kernels.adam.stats.cache_hits.values()) if kernels else None}))
"""


def test_a_second_start_loads_the_compiled_kernels_from_the_per_user_cache(tmp_path):
    env = clean_environment(XDG_CACHE_HOME=str(tmp_path))
    first = json.loads(run_python(TRAIN_AND_REPORT, env))
    folder = tmp_path / "mnistbench" / "numba"
    assert str(folder) in first["engine"] and first["hits"] == 0
    assert list(folder.rglob("*.nbi")), "nothing cached"
    second = json.loads(run_python(TRAIN_AND_REPORT, env))
    assert second["hits"] >= 1  # loaded, not compiled again


def test_numba_imported_first_still_caches_in_the_per_user_folder(tmp_path):
    run_python("import numba\n" + TRAIN_AND_REPORT, clean_environment(XDG_CACHE_HOME=str(tmp_path)))
    assert list((tmp_path / "mnistbench" / "numba").rglob("*.nbi"))


def test_an_unwritable_cache_folder_falls_back_to_compiling_in_memory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    report = json.loads(run_python(TRAIN_AND_REPORT, clean_environment(NUMBA_CACHE_DIR=str(blocker / "numba"))))
    assert report["engine"].startswith("numba ") and "no JIT cache" in report["engine"]


def test_without_numba_the_numpy_path_trains_and_says_why():
    hide_numba = "import sys; sys.modules['numba'] = None\n"
    report = json.loads(run_python(hide_numba + TRAIN_AND_REPORT, clean_environment()))
    assert report["engine"].startswith("NumPy (numba not installed") and report["hits"] is None


def test_importing_the_engine_does_not_import_numba():
    code = ("import sys, mnistbench.engine.training, mnistbench.engine.network, mnistbench.cli\n"
            "print('numba' in sys.modules)")
    assert run_python(code, clean_environment()) == "False"
    assert Path(fast_kernels.__file__).name == "fast_kernels.py"


def test_info_engine_names_the_path_that_trains(monkeypatch, capsys):
    from mnistbench.cli import main

    monkeypatch.delenv(fast_kernels.ENGINE_VARIABLE, raising=False)
    assert main(["info", "--engine"]) == 0
    assert capsys.readouterr().out.startswith("engine: numba ")
    monkeypatch.setenv(fast_kernels.ENGINE_VARIABLE, "numpy")
    assert main(["info", "--engine", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["engine"] == "numpy"


def test_info_without_a_file_or_engine_says_what_it_needs(capsys):
    from mnistbench.cli import main

    assert main(["info"]) == 1
    assert "info needs a network file" in capsys.readouterr().err


def test_interleaved_rounds_time_each_engine_in_its_own_process_against_the_floor():
    pytest.importorskip("threadpoolctl")
    from mnistbench.bench_rounds import median_and_range, run_rounds

    timings, descriptions = run_rounds(("numpy", "fast", "fast-1"), (256,), rounds=2,
                                       data="no-such-dataset", n_images=1024)
    assert descriptions["numpy"].startswith("NumPy (forced") and descriptions["fast"].startswith("numba ")
    assert "BLAS held to 1 thread" in descriptions["fast-1"] and "BLAS held" not in descriptions["fast"]
    assert "generated, 1,024 images" in descriptions["floor"]
    for name in ("numpy", "fast", "fast-1"):
        ratios, to_fastest = timings.ratios(name, 256), timings.ratios_to_fastest_floor(name, 256)
        assert len(ratios) == 2 and all(r > 0 for r in ratios)
        assert all(fastest >= own for fastest, own in zip(to_fastest, ratios))  # the fastest floor is no slower
        assert median_and_range(ratios).count("–") == 1
    assert all(len(floors) == 3 for floors in timings.round_floors.values())


def test_the_epoch_breakdown_times_products_and_optimiser_steps_of_a_real_epoch(monkeypatch):
    from mnistbench import bench

    X, y = np.random.default_rng(0).random((2048 + 512, 784), dtype=np.float32), np.arange(2560) % 10
    monkeypatch.setattr(bench, "reference_data", lambda data: (X, y, "generated"))
    inside = bench.epoch_breakdown()
    assert 0 < inside["products"] < inside["epoch"] and 0 < inside["optimizer"] < inside["epoch"]


def test_a_division_by_zero_gives_what_numpy_gives_not_an_exception(kernels):
    params = {engine: [np.ones(4, np.float32)] for engine in ("numpy", "fast")}
    for engine, kernel_set in (("numpy", None), ("fast", kernels)):
        with np.errstate(invalid="ignore", divide="ignore"):
            Adam(epsilon=0.0, kernels=kernel_set).step(params[engine], [np.zeros(4, np.float32)], 0.1)
    assert np.isnan(params["fast"][0]).all()
    assert np.array_equal(params["numpy"][0], params["fast"][0], equal_nan=True)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_one_compiled_kernel_serves_networks_of_every_depth(kernels, name):
    rng = np.random.default_rng(0)
    for layers in (1, 3, 5, 9):  # 2 to 18 parameters: one call per eight, padded
        reference = [rng.standard_normal(size).astype(np.float32) for size in range(3, 3 + 2 * layers)]
        fused = [p.copy() for p in reference]
        grads = [p * 0.1 for p in reference]
        decay = [1e-3, 0.0] * layers
        OPTIMIZERS[name](None).step(reference, [g.copy() for g in grads], 0.05, decay)
        OPTIMIZERS[name](kernels).step(fused, [g.copy() for g in grads], 0.05, decay)
        assert all(np.array_equal(a, b) for a, b in zip(reference, fused))
    kernel = {"sgd": kernels.sgd, "momentum": kernels.momentum, "nesterov": kernels.momentum, "adam": kernels.adam}
    float32_signatures = [s for s in kernel[name].signatures if "float32" in str(s[0])]
    assert len(float32_signatures) == 1  # a new depth compiles nothing new


@pytest.mark.parametrize("max_shift,max_rotation", [(2.0, 10.0), (0.0, 0.0), (10.0, 90.0), (3.0, 0.0)])
def test_fused_augmentation_equals_numpy_bit_for_bit_and_draws_the_same_numbers(kernels, max_shift, max_rotation):
    from mnistbench.engine.augment import shift_and_rotate

    rng = np.random.default_rng(1)
    X = (rng.random((64, 784)) * (rng.random((64, 784)) > 0.6)).astype(np.float32)
    numpy_rng, fused_rng = np.random.default_rng(5), np.random.default_rng(5)
    reference = shift_and_rotate(X, numpy_rng, max_shift, max_rotation)
    fused = fast_kernels.shift_and_rotate(kernels, X, fused_rng, max_shift, max_rotation)
    assert fused.dtype == np.float32 and np.array_equal(reference.view(np.uint32), fused.view(np.uint32))
    assert numpy_rng.random() == fused_rng.random()  # the streams stay in step for the next batch
    if max_shift or max_rotation:
        assert not np.array_equal(fused, X)


def test_augmented_training_is_identical_on_both_paths(kernels, monkeypatch):
    rng = np.random.default_rng(0)
    X, y = rng.random((300, 784), dtype=np.float32), np.arange(300) % 10
    config = TrainingConfig(epochs=2, batch_size=50, augment=True, evaluations_per_epoch=0, learning_rate=1e-2,
                            optimizer="adam")
    weights = {}
    for engine in ("fast", "numpy"):
        monkeypatch.setenv(fast_kernels.ENGINE_VARIABLE, engine)
        net = Network((784, 12, 10), activation="relu", loss="cross_entropy", init="he", seed=1)
        net.fit(X, y, config)
        weights[engine] = net.weights + net.biases
    assert all(np.array_equal(a, b) for a, b in zip(weights["fast"], weights["numpy"]))


def test_a_fused_optimiser_given_other_arrays_updates_those_not_the_cached_ones(kernels):
    first = [np.ones((3, 2), np.float32), np.ones(3, np.float32)]
    second = [p * 2 for p in first]
    optimizer = SGD(kernels=kernels)
    optimizer.step(first, [np.ones_like(p) for p in first], 0.5)
    optimizer.step(second, [np.ones_like(p) for p in second], 0.5, decay=[0.5, 0.0])
    assert all(np.array_equal(p, np.full_like(p, 0.5)) for p in first)  # the first step only
    assert np.array_equal(second[0], np.full((3, 2), 2 - 0.5 * (1 + 0.5 * 2), np.float32))  # decay counted
    assert np.array_equal(second[1], np.full(3, 1.5, np.float32))


def test_bench_quick_warms_the_engine_before_its_first_timed_run(data_root, monkeypatch, capsys):
    from mnistbench import bench_accuracy
    from mnistbench.engine import training

    events, real_train, real_record = [], training.train, bench_accuracy.train_and_record
    real_config = bench_accuracy.recipe_config
    monkeypatch.setattr(bench_accuracy, "recipe_config", lambda name: real_config(name).replace(epochs=1))
    monkeypatch.setattr(training, "train", lambda *a, **k: events.append("train") or real_train(*a, **k))
    monkeypatch.setattr(bench_accuracy, "train_and_record",
                        lambda *a, **k: events.append("timed") or real_record(*a, **k))
    result = bench_accuracy.bench_quick("digits")
    assert events.index("train") < events.index("timed")  # the one-off loading is not seed 0's cost
    assert [run[0] for run in result["runs"]].count("best-mnist") == 2
    assert result["cpu_time_ratio"] > 0 and "CPU time" in capsys.readouterr().out
