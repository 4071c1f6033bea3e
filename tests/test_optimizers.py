"""Optimiser steps against their textbook formulas, and learning-rate schedules."""

import math

import numpy as np
import pytest

from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.optimizers import SGD, Adam, Momentum, make_optimizer
from mnistbench.engine.schedules import learning_rate_at

GRADS = [np.array([0.5, -1.0, 2.0]), np.array([-0.25, 0.75, 0.1]), np.array([1.0, 1.0, -3.0])]


def run(optimizer, learning_rate=0.1):
    p = np.array([1.0, 2.0, 3.0])
    history = []
    for g in GRADS:
        optimizer.step([p], [g.copy()], learning_rate)
        history.append(p.copy())
    return history


def test_sgd_step():
    expected = np.array([1.0, 2.0, 3.0])
    for g, got in zip(GRADS, run(SGD())):
        expected = expected - 0.1 * g
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_step(nesterov):
    p, v, mu, lr = np.array([1.0, 2.0, 3.0]), np.zeros(3), 0.9, 0.1
    for g, got in zip(GRADS, run(Momentum(mu, nesterov=nesterov), lr)):
        v = mu * v - lr * g
        p = p + (mu * v - lr * g if nesterov else v)
        np.testing.assert_allclose(got, p, rtol=1e-12)


def test_adam_step_matches_the_paper():
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.1
    p, m, v = np.array([1.0, 2.0, 3.0]), np.zeros(3), np.zeros(3)
    for t, (g, got) in enumerate(zip(GRADS, run(Adam(b1, b2, eps), lr)), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        np.testing.assert_allclose(got, p, rtol=1e-10)


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    p = run(Adam(), learning_rate=0.01)[0]
    np.testing.assert_allclose(np.abs(p - [1.0, 2.0, 3.0]), 0.01, rtol=1e-6)


def test_make_optimizer_follows_the_config():
    assert isinstance(make_optimizer(TrainingConfig(optimizer="sgd")), SGD)
    assert make_optimizer(TrainingConfig(optimizer="nesterov")).nesterov
    assert isinstance(make_optimizer(TrainingConfig(optimizer="adam")), Adam)


def test_schedules():
    constant = TrainingConfig(learning_rate=0.5)
    assert learning_rate_at(constant, 7.3) == 0.5
    step = TrainingConfig(learning_rate=1.0, schedule="step", step_epochs=2, step_gamma=0.5)
    assert [learning_rate_at(step, e) for e in (0, 1.9, 2.0, 4.5)] == [1.0, 1.0, 0.5, 0.25]
    cosine = TrainingConfig(learning_rate=1.0, schedule="cosine", epochs=4)
    assert learning_rate_at(cosine, 0) == 1.0
    assert math.isclose(learning_rate_at(cosine, 2), 0.5)
    assert math.isclose(learning_rate_at(cosine, 4), 0.0, abs_tol=1e-12)


@pytest.mark.parametrize("make", [SGD, lambda: Momentum(0.9), lambda: Momentum(0.9, nesterov=True), Adam])
def test_weight_decay_adds_decay_times_the_parameter_to_each_gradient(make):
    decayed, plain = [np.array([1.0, -2.0, 3.0]), np.array([0.5])], [np.array([1.0, -2.0, 3.0]), np.array([0.5])]
    with_decay, without = make(), make()
    for g in GRADS:
        grads = [g.copy(), np.array([0.25])]
        with_decay.step(decayed, [x.copy() for x in grads], 0.1, decay=[0.2, 0.0])
        without.step(plain, [grads[0] + 0.2 * plain[0], grads[1]], 0.1)
    np.testing.assert_array_equal(decayed[0], plain[0])
    np.testing.assert_array_equal(decayed[1], plain[1])  # a zero coefficient leaves the bias alone
