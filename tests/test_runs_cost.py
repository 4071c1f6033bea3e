"""Cost before running (time and memory estimates) and the learning-rate range test."""

import time

import numpy as np
import pytest

from idx_factory import write_synthetic_dataset
from mnistbench.bundled import resolve_network
from mnistbench.cli import main
from mnistbench.data import load_dataset
from mnistbench.engine.config import TrainingConfig
from mnistbench.errors import ConfigError
from mnistbench.netfile import load_network
from mnistbench.workflows.cost_estimate import estimate_cost, format_duration, time_after_training, time_forward
from mnistbench.workflows.lr_finder import find_learning_rate
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.training_run import train_and_record
from mnistbench.workflows.validation_split import training_data

ARCHITECTURE = dict(layer_sizes=[784, 64, 10], activation="relu", output="softmax", loss="cross_entropy",
                    init="he")


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    return write_synthetic_dataset(tmp_path_factory.mktemp("data") / "digits", n_train=2000, n_test=200, seed=0)


def test_an_estimate_is_produced_before_a_real_run(digits):
    dataset, config = load_dataset(digits), TrainingConfig(epochs=3, batch_size=32)
    net = build_network(ARCHITECTURE)
    before = [w.copy() for w in net.weights]
    data = training_data(dataset, config)
    estimate = estimate_cost(net, data, config, test_images=dataset.n_test)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))  # timing trained a copy
    assert estimate.seconds > 0 and estimate.seconds_per_epoch > 0 and estimate.batches_timed >= 4
    started = time.perf_counter()
    train_and_record(net, dataset, config, data=data)
    real = time.perf_counter() - started
    print(f"estimated {estimate.seconds:.2f} s, took {real:.2f} s ({estimate.seconds / real - 1:+.0%})")
    assert "estimated time" in estimate.describe() and "MB" in estimate.describe()


def test_memory_grows_with_the_network_and_the_optimiser_state(digits):
    dataset = load_dataset(digits)
    small, big = build_network(ARCHITECTURE), build_network(dict(ARCHITECTURE, layer_sizes=[784, 1024, 10]))
    adam, sgd = TrainingConfig(), TrainingConfig(optimizer="sgd")
    data = training_data(dataset, adam)
    base = data.X.nbytes + data.y.nbytes + data.validation[0].nbytes + data.validation[1].nbytes
    small_cost = estimate_cost(small, data, adam, timing_seconds=0.01).memory_bytes
    assert small_cost > base
    assert estimate_cost(big, data, adam, timing_seconds=0.01).memory_bytes > small_cost
    difference = small_cost - estimate_cost(small, data, sgd, timing_seconds=0.01).memory_bytes
    assert difference == 3 * small.parameter_count * 4  # Adam's means, squares and scratch, float32


def test_durations_read_well():
    assert [format_duration(s) for s in (3.21, 245, 3725)] == ["3.2 s", "4 min 05 s", "1 h 02 min"]


def test_the_range_test_proposes_a_rate_below_where_the_loss_blows_up(digits):
    dataset, config = load_dataset(digits), TrainingConfig(optimizer="sgd", batch_size=32)
    net = build_network(ARCHITECTURE)
    before = net.weights[0].copy()
    heard = []
    test = find_learning_rate(net, to_inputs(dataset), dataset.train_labels, config, start=1e-4, end=10.0,
                              steps=80, on_step=lambda rate, loss: heard.append(rate))
    assert np.array_equal(before, net.weights[0])
    assert heard == test.rates and test.rates == sorted(test.rates)
    assert len(test.rates) < 80  # a rate of 10 blows the loss up: the test stopped there
    best = int(np.argmin(test.smoothed))
    assert test.smoothed[best] < 0.8 * test.smoothed[0]
    assert test.proposed == pytest.approx(test.rates[best] / 10, rel=0.05)
    assert "proposed learning rate" in test.message


def test_the_range_test_refuses_a_backwards_range(digits):
    dataset = load_dataset(digits)
    with pytest.raises(ConfigError, match="0 < start < end"):
        find_learning_rate(build_network(ARCHITECTURE), to_inputs(dataset), dataset.train_labels,
                           TrainingConfig(), start=1.0, end=0.1)


def test_lr_find_command(digits, capsys):
    assert main(["lr-find", "--data", str(digits), "--layers", "784,16,10", "--steps", "40"]) == 0
    printed = capsys.readouterr().out
    assert "proposed learning rate" in printed and "try: mnistbench train --lr" in printed


def to_inputs(dataset):
    from mnistbench.data import to_inputs as inputs
    return inputs(dataset.train_images)


def test_a_trained_network_is_not_called_diverged(shared_datasets):
    """best-mnist's losses on its own training digits are tiny and noisy: no "divergence" in 2 steps."""
    dataset = load_dataset(shared_datasets / "mnist-10k-split")
    net = load_network(resolve_network("best-mnist"))
    test = find_learning_rate(net, to_inputs(dataset), dataset.train_labels, TrainingConfig(), steps=60)
    assert len(test.rates) >= 10 and 0 < test.proposed <= 1.0


def test_a_forward_timing_repeats_passes_over_a_small_set_rather_than_trusting_one(digits):
    """One pass over a few hundred images lasts a millisecond: on a busy machine a single stall
    made the per-image time, and the estimate, fifty times too long."""
    dataset = load_dataset(digits)
    net = build_network(ARCHITECTURE)
    passes = []
    real_pass = net.predict_proba
    net.predict_proba = lambda X: (passes.append(len(X)), real_pass(X))[1]
    per_image = time_forward(net, to_inputs(dataset)[:300], timing_seconds=0.05)
    assert per_image > 0 and len(passes) >= 3 and set(passes) == {300}  # a warm-up and repeated timed passes


def test_the_work_after_training_is_part_of_the_estimate(digits):
    """Hashing the training images (what the network has seen, the fingerprint) and the held-out
    evaluation take time after the last batch: counted once, not per epoch."""
    dataset, config = load_dataset(digits), TrainingConfig(epochs=2, batch_size=32)
    net = build_network(ARCHITECTURE)
    data = training_data(dataset, config)
    without_test = estimate_cost(net, data, config, timing_seconds=0.05)
    assert without_test.seconds > config.epochs * without_test.seconds_per_epoch
    assert time_after_training(net, data, data.validation[0], dataset.n_test, 0.02) > 0
