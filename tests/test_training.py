"""The training loop: learning, reports, stop/pause, divergence, early stopping, seeds."""

import threading

import numpy as np
import pytest

from mnistbench.engine.augment import shift_and_rotate
from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.network import Network
from mnistbench.engine.training import TrainingCallbacks, TrainingControl, train
from mnistbench.errors import ConfigError


def blobs(n, n_in=64, n_classes=10, seed=0, noise=0.35):
    """Separable classes: one random prototype per class plus noise, in [0, 1]."""
    rng = np.random.default_rng(seed)
    prototypes = np.random.default_rng(99).random((n_classes, n_in))
    y = rng.integers(0, n_classes, n)
    X = np.clip(prototypes[y] + rng.normal(0, noise, (n, n_in)), 0, 1).astype(np.float32)
    return X, y


def small_net(**kw):
    kw = {"activation": "relu", "loss": "cross_entropy", "init": "he", "seed": 1, **kw}
    return Network((64, 32, 10), **kw)


def test_training_learns_and_reports():
    X, y = blobs(600)
    Xv, yv = blobs(200, seed=1)
    net = small_net()
    before = net.score(Xv, yv)
    batches, evaluations, epochs = [], [], []
    result = net.fit(X, y, TrainingConfig(epochs=3, batch_size=50, learning_rate=0.01, validation_size=100,
                                          evaluations_per_epoch=2),
                     validation=(Xv, yv),
                     callbacks=TrainingCallbacks(batches.append, evaluations.append, epochs.append))
    assert result.stop_reason == "completed" and result.epochs_completed == 3
    assert net.score(Xv, yv) > max(0.9, before + 0.3)
    assert len(batches) == 3 * 12 and batches[-1].samples_seen == 1800
    assert [b.batch for b in batches[:12]] == list(range(1, 13))
    assert all(b.batches_per_epoch == 12 and b.samples_per_second > 0 for b in batches)
    assert len(evaluations) == 6 and all(0 <= e.validation_error <= 1 for e in evaluations)
    assert [e.epoch for e in epochs] == [1, 2, 3]
    assert epochs[-1].validation_accuracy == pytest.approx(net.score(Xv, yv))
    assert epochs[0].network is not net and epochs[0].network.weights[0] is not net.weights[0]
    assert len(result.history["train_loss"]) == 3
    assert result.history["train_loss"][2] < result.history["train_loss"][0]
    assert net.metadata["training"]["epochs"] == 3


def test_epoch_report_carries_a_copy_that_later_training_does_not_change():
    X, y = blobs(200)
    reports = []
    net = small_net()
    net.fit(X, y, epochs=2, callbacks=TrainingCallbacks(on_epoch=reports.append))
    first = reports[0].network.weights[0]
    assert not np.array_equal(first, net.weights[0])


def test_same_seed_gives_the_same_weights_bit_for_bit():
    X, y = blobs(300)
    config = TrainingConfig(epochs=2, batch_size=32, dropout=0.2, augment=True, seed=5)
    nets = []
    for _ in range(2):
        net = Network((64, 16, 10), activation="tanh", loss="cross_entropy", init="xavier", seed=3)
        net.fit(X, y, config)
        nets.append(net)
    for a, b in zip(nets[0].weights + nets[0].biases, nets[1].weights + nets[1].biases):
        assert a.tobytes() == b.tobytes()
    other = Network((64, 16, 10), activation="tanh", loss="cross_entropy", init="xavier", seed=3)
    other.fit(X, y, config.replace(seed=6))
    assert other.weights[0].tobytes() != nets[0].weights[0].tobytes()


def test_stop_takes_effect_within_one_batch():
    X, y = blobs(1000)
    control = TrainingControl()
    seen = []

    def on_batch(report):
        seen.append(report.batch)
        if report.batch == 3:
            control.request_stop()

    net = small_net()
    result = train(net, X, y, TrainingConfig(epochs=5, batch_size=10), control=control,
                   callbacks=TrainingCallbacks(on_batch=on_batch))
    assert seen == [1, 2, 3]
    assert result.stop_reason == "stopped" and result.epochs_completed == 0


def test_an_epoch_cut_short_does_not_count_and_leaves_no_history():
    X, y = blobs(200)
    control = TrainingControl()

    def on_batch(report):
        if (report.epoch, report.batch) == (3, 2):
            control.request_stop()

    result = train(small_net(), X, y, TrainingConfig(epochs=5, batch_size=20), control=control,
                   callbacks=TrainingCallbacks(on_batch=on_batch))
    assert result.stop_reason == "stopped" and result.epochs_completed == 2
    assert result.message == "stopped in epoch 3, batch 3"
    assert all(len(values) == 2 for values in result.history.values())


def test_pause_blocks_between_batches_until_resumed():
    X, y = blobs(200)
    control = TrainingControl()
    seen, paused_at = [], threading.Event()

    def on_batch(report):
        seen.append(report.batch)
        if report.batch == 2:
            control.pause()
            paused_at.set()

    worker = threading.Thread(target=train, args=(small_net(), X, y, TrainingConfig(epochs=1, batch_size=20)),
                              kwargs={"control": control, "callbacks": TrainingCallbacks(on_batch=on_batch)})
    worker.start()
    assert paused_at.wait(10)
    worker.join(0.3)
    assert worker.is_alive() and seen == [1, 2]
    control.resume()
    worker.join(10)
    assert not worker.is_alive() and seen == list(range(1, 11))


class StandingClock:
    """A perf_counter that only moves when the test moves it."""

    def __init__(self):
        self.now = 1000.0

    def perf_counter(self):
        return self.now


def test_epoch_times_and_speed_leave_out_the_time_spent_paused(monkeypatch):
    from mnistbench.engine import training

    clock = StandingClock()
    monkeypatch.setattr(training, "time", clock)
    X, y = blobs(200)
    control, reports, paused_at = TrainingControl(), [], threading.Event()

    def on_batch(report):
        reports.append(report)
        if report.batch == 2 and not paused_at.is_set():
            control.pause()
            paused_at.set()

    run, paused_net = {}, small_net()
    worker = threading.Thread(target=lambda: run.setdefault("result", train(
        paused_net, X, y, TrainingConfig(epochs=1, batch_size=20), control=control,
        callbacks=TrainingCallbacks(on_batch=on_batch))))
    worker.start()
    assert paused_at.wait(10)
    clock.now += 100.0  # a hundred seconds "pass" while paused
    control.resume()
    worker.join(10)
    assert control.paused_seconds == 100.0
    assert run["result"].history["seconds"] == [0.0] and run["result"].seconds == 0.0
    assert reports[-1].samples_per_second == 200 / 1e-9  # no time passed outside the pause
    unpaused = small_net()
    train(unpaused, X, y, TrainingConfig(epochs=1, batch_size=20))
    for a, b in zip(unpaused.weights + unpaused.biases, paused_net.weights + paused_net.biases):
        np.testing.assert_array_equal(a, b)


def exploding_linear_model():
    """A linear model for which a large step makes the error grow geometrically until it overflows."""
    rng = np.random.default_rng(0)
    return Network.from_parameters([rng.normal(0, 0.1, (10, 64))], [np.zeros(10)], ["identity"], "quadratic")


def test_divergence_puts_back_the_epochs_starting_weights_and_says_so():
    X, y = blobs(400)
    net = exploding_linear_model()
    start = [p.copy() for p in net.weights + net.biases]
    result = net.fit(X, y, optimizer="sgd", learning_rate=5.0, epochs=50, batch_size=20)
    assert result.stop_reason == "diverged" and result.epochs_completed == 0
    assert "smaller learning rate" in result.message and "put back" in result.message
    # Before: the "last finite weights" had |w| ~ 1e18 and a loss of inf on every example.
    assert all(np.array_equal(p, q) for p, q in zip(net.weights + net.biases, start))
    assert np.isfinite(net.loss_value(X, y))


def test_an_exploding_loss_counts_as_divergence_before_it_overflows():
    X, y = blobs(400)
    losses = []
    result = exploding_linear_model().fit(X, y, optimizer="sgd", learning_rate=5.0, epochs=5, batch_size=20,
                                          callbacks=TrainingCallbacks(on_batch=lambda r: losses.append(r.loss)))
    assert result.stop_reason == "diverged"
    assert "inf" not in result.message and "nan" not in result.message
    assert all(loss < 1e3 * max(losses[0], 1.0) for loss in losses)


def test_an_epoch_that_ends_exploded_is_rolled_back_to_the_last_good_epoch():
    """One batch per epoch: the step that explodes the weights is the epoch's last, so only the
    end-of-epoch check on the outputs can see it."""
    X, y = blobs(400)
    net = exploding_linear_model()
    epochs = []
    result = net.fit(X, y, optimizer="sgd", learning_rate=0.2, epochs=40, batch_size=400,
                     callbacks=TrainingCallbacks(on_epoch=epochs.append))
    assert result.stop_reason == "diverged" and result.epochs_completed == len(epochs)
    good = epochs[-1].network if epochs else exploding_linear_model()
    assert np.array_equal(net.weights[0], good.weights[0])
    assert net.loss_value(X, y) < 1e3 * max(result.history["train_loss"][:1] + [1.0])


def test_continuing_a_good_network_with_a_diverging_run_keeps_it_good():
    X, y = blobs(400)
    net = exploding_linear_model()
    net.fit(X, y, optimizer="sgd", learning_rate=0.05, epochs=2, batch_size=20)
    trained, score = [W.copy() for W in net.weights], net.score(X, y)
    result = net.fit(X, y, optimizer="sgd", learning_rate=5.0, epochs=3, batch_size=20)
    assert result.stop_reason == "diverged"
    assert np.array_equal(net.weights[0], trained[0]) and net.score(X, y) == score
    assert net.metadata["training"]["runs"][-1]["stop_reason"] == "diverged"


def test_a_network_whose_outputs_are_not_finite_is_refused_before_training():
    X, y = blobs(50)
    net = exploding_linear_model()
    net.weights[0][...] = 3e38  # finite, but every output overflows
    with pytest.raises(ConfigError, match="not finite"):
        net.fit(X, y, epochs=1)


def test_early_stopping_restores_the_best_weights():
    X, y = blobs(100, noise=0.6)
    Xv, yv = blobs(300, seed=4, noise=0.6)
    net = Network((64, 256, 10), activation="relu", loss="cross_entropy", init="he", seed=0)
    epochs = []
    result = net.fit(X, y, epochs=60, batch_size=10, learning_rate=0.01, early_stopping_patience=2,
                     validation=(Xv, yv), callbacks=TrainingCallbacks(on_epoch=epochs.append))
    assert result.stop_reason == "early_stopping" and result.epochs_completed < 60
    best = min(r.validation_loss for r in epochs)
    assert net.loss_value(Xv, yv) == pytest.approx(best, rel=1e-5)


def test_a_loaded_network_continues_from_its_weights():
    X, y = blobs(400)
    net = small_net()
    net.fit(X, y, epochs=2)
    score = net.score(X, y)
    again = Network.from_parameters(net.weights, net.biases, net.activations, net.loss, net.metadata)
    assert again.score(X, y) == score
    again.fit(X, y, epochs=1)
    assert again.metadata["training"]["epochs"] == 3
    assert len(again.metadata["training"]["runs"]) == 2


@pytest.mark.parametrize("settings,fragment", [
    ({"learning_rate": -1}, "learning_rate"), ({"optimizer": "rmsprop"}, "optimizer"),
    ({"batch_size": 0}, "batch_size"), ({"dropout": 1.0}, "dropout"), ({"epochs": 2.5}, "epochs"),
    ({"learning_rate": float("nan")}, "learning_rate"),
])
def test_bad_settings_give_one_line_errors(settings, fragment):
    with pytest.raises(ConfigError, match=fragment) as error:
        TrainingConfig(**settings)
    assert "\n" not in str(error.value)


def test_bad_data_gives_one_line_errors():
    net = small_net()
    with pytest.raises(ConfigError, match="labels must lie in 0..9"):
        net.fit(np.zeros((3, 64)), [0, 1, 12], epochs=1)
    with pytest.raises(ConfigError, match="expects 64"):
        net.fit(np.zeros((3, 65)), [0, 1, 2], epochs=1)
    with pytest.raises(ConfigError, match="3 examples but 2 labels"):
        net.fit(np.zeros((3, 64)), [0, 1], epochs=1)
    with pytest.raises(ConfigError, match="2 to 255 layers"):
        Network([784])
    with pytest.raises(ConfigError, match="1 to 65535 neurons"):
        Network([784, 70000, 10])


def test_predict_proba_sums_to_one_and_uint8_images_are_scaled():
    net = Network((784, 20, 10), activation="relu", loss="cross_entropy", seed=0)
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    p = net.predict_proba(images)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(p, net.predict_proba(images.reshape(5, -1) / np.float32(255)), rtol=1e-5)
    assert p.dtype == np.float32


def test_augmentation_shifts_and_rotates_but_keeps_ink():
    rng = np.random.default_rng(0)
    image = np.zeros((28, 28), np.float32)
    image[10:18, 12:16] = 1.0
    X = np.repeat(image.reshape(1, -1), 8, axis=0)
    out = shift_and_rotate(X, rng, max_shift=2, max_rotation_degrees=10)
    assert out.shape == X.shape and out.dtype == np.float32
    assert not np.allclose(out, X)
    np.testing.assert_allclose(out.sum(axis=1), X.sum(axis=1), rtol=0.1)
    same = shift_and_rotate(X, rng, max_shift=0, max_rotation_degrees=0)
    np.testing.assert_allclose(same, X, atol=1e-6)
