"""Training on uint8 pixels: the same bits as training on float inputs, in a quarter of the memory.

The engine keeps uint8 pixels as they are and scales each mini-batch (and each
evaluation chunk) with ``Network.as_input``; these tests hold it to the numbers
that training on ``to_inputs(pixels)`` — the float32 layout used before — gives,
on the NumPy path and on the fast (numba) path.
"""

from dataclasses import replace

import numpy as np
import pytest

from idx_factory import synthetic_digits, write_synthetic_dataset
from mnistbench.cli import build_parser, main
from mnistbench.data import Dataset, DIGIT_CLASSES, load_dataset, to_inputs
from mnistbench.engine import fast_kernels
from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.network import Network
from mnistbench.engine.training import TrainingCallbacks, train
from mnistbench.errors import ConfigError
from mnistbench.netfile import load_network
from mnistbench.workflows.cost_estimate import memory_bytes
from mnistbench.workflows.evaluation import evaluate
from mnistbench.workflows.lr_finder import find_learning_rate
from mnistbench.workflows.recipes import build_network
from mnistbench.workflows.settings import architecture_from_args, config_from_args
from mnistbench.workflows.validation_split import black_and_white, black_and_white_pixels, training_data

ENGINES = ["numpy", "fast"]


def use_engine(monkeypatch, engine):
    """Force ``engine``'s path for the trainings that follow (the fast one only where numba is)."""
    if engine == "fast":
        pytest.importorskip("numba")
        monkeypatch.delenv(fast_kernels.ENGINE_VARIABLE, raising=False)
        assert fast_kernels.load() is not None, fast_kernels.engine_description()
    else:
        monkeypatch.setenv(fast_kernels.ENGINE_VARIABLE, "numpy")


def new_network(dtype="float32"):
    return Network([784, 24, 10], activation="relu", loss="cross_entropy", init="he", seed=1, dtype=dtype)


def bits(array):
    return np.ascontiguousarray(array).view(np.uint8)


def trained(X, y, config, validation=None, net=None):
    """(network, result, every report heard) after training ``net`` (a fresh one when None) on X."""
    heard = []
    callbacks = TrainingCallbacks(on_batch=heard.append, on_evaluation=heard.append,
                                  on_epoch=lambda report: heard.append(replace(report, network=None)))
    net = net or new_network()
    result = train(net, X, y, config, validation=validation, callbacks=callbacks)
    return net, result, heard


def assert_same_training(one, other, probe):
    (net_a, result_a, heard_a), (net_b, result_b, heard_b) = one, other
    for a, b in zip(net_a.weights + net_a.biases, net_b.weights + net_b.biases):
        assert np.array_equal(bits(a), bits(b))
    assert (result_a.stop_reason, result_a.epochs_completed) == (result_b.stop_reason, result_b.epochs_completed)
    assert {k: v for k, v in result_a.history.items() if k != "seconds"} == \
           {k: v for k, v in result_b.history.items() if k != "seconds"}
    no_time = ("samples_per_second", "seconds")
    assert [{k: v for k, v in vars(r).items() if k not in no_time} for r in heard_a] == \
           [{k: v for k, v in vars(r).items() if k not in no_time} for r in heard_b]
    assert np.array_equal(bits(net_a.predict_proba(probe)), bits(net_b.predict_proba(probe)))


@pytest.fixture(scope="module")
def digits():
    (train_images, train_labels), (test_images, test_labels) = synthetic_digits(300, 0), synthetic_digits(120, 1)
    return train_images, train_labels, test_images, test_labels


def test_pixels_become_the_same_floats_as_to_inputs_for_all_256_values():
    every = np.arange(256, dtype=np.uint8).reshape(1, 16, 16).repeat(2, axis=0)
    net = Network([256, 3, 2])
    assert np.array_equal(bits(net.as_input(every)), bits(to_inputs(every)))


SETTINGS = {
    "plain": dict(),
    "augment": dict(augment=True),
    "dropout": dict(dropout=0.3, optimizer="momentum", learning_rate=0.02, weight_decay=1e-3),
    "validation": dict(validation_size=50, evaluations_per_epoch=3, early_stopping_patience=1),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_training_on_pixels_is_training_on_their_floats_bit_for_bit(monkeypatch, digits, engine, setting):
    use_engine(monkeypatch, engine)
    train_images, train_labels, test_images, test_labels = digits
    config = TrainingConfig(epochs=2, batch_size=32, evaluations_per_epoch=0, learning_rate=3e-3).replace(
        **SETTINGS[setting])
    with_validation = setting == "validation"
    on_pixels = trained(train_images, train_labels, config,
                        (test_images, test_labels) if with_validation else None)
    on_floats = trained(to_inputs(train_images), train_labels, config,
                        (to_inputs(test_images), test_labels) if with_validation else None)
    assert on_pixels[1].history["train_loss"][-1] < on_pixels[1].history["train_loss"][0]  # it learnt
    assert_same_training(on_pixels, on_floats, to_inputs(test_images))


@pytest.mark.parametrize("engine", ENGINES)
def test_black_and_white_pixels_train_as_the_black_and_white_floats_did(monkeypatch, digits, engine):
    use_engine(monkeypatch, engine)
    train_images, train_labels, test_images, test_labels = digits
    config = TrainingConfig(epochs=2, batch_size=32, evaluations_per_epoch=2, validation_size=40, augment=True)
    on_pixels = trained(black_and_white_pixels(train_images), train_labels, config,
                        (black_and_white_pixels(test_images), test_labels))
    on_floats = trained(black_and_white(to_inputs(train_images)), train_labels, config,
                        (black_and_white(to_inputs(test_images)), test_labels))
    assert_same_training(on_pixels, on_floats, to_inputs(test_images))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_diverging_run_on_pixels_stops_and_puts_back_the_same_weights(monkeypatch, digits, engine):
    use_engine(monkeypatch, engine)
    train_images, train_labels, test_images, _ = digits
    config = TrainingConfig(optimizer="sgd", learning_rate=5.0, epochs=3, batch_size=32, evaluations_per_epoch=0)
    linear = Network.from_parameters([np.random.default_rng(0).normal(0, 0.1, (10, 784))], [np.zeros(10)],
                                     ["identity"], "quadratic")  # no squashing: a large rate explodes it
    on_pixels = trained(train_images, train_labels, config, net=linear.copy())
    on_floats = trained(to_inputs(train_images), train_labels, config, net=linear.copy())
    assert on_pixels[1].stop_reason == "diverged" and on_pixels[1].message == on_floats[1].message
    assert_same_training(on_pixels, on_floats, to_inputs(test_images))


def test_a_float64_network_scales_pixels_in_float64(monkeypatch, digits):
    """A float64 network reads pixels as p / 255 in float64 (as its predictions always did), no longer
    rounded to float32 first: training on pixels equals training on those float64 inputs."""
    use_engine(monkeypatch, "numpy")
    train_images, train_labels, test_images, _ = digits
    config = TrainingConfig(epochs=1, batch_size=32, evaluations_per_epoch=0)
    on_pixels = trained(train_images, train_labels, config, net=new_network("float64"))
    exact = train_images.reshape(len(train_images), -1).astype(np.float64) / 255
    assert_same_training(on_pixels, trained(exact, train_labels, config, net=new_network("float64")), test_images)


def test_pixels_of_the_wrong_size_are_refused_in_one_line(digits):
    train_images, train_labels, _, _ = digits
    with pytest.raises(ConfigError, match="input has 756 values per example, the network expects 784") as error:
        train(new_network(), train_images[:, 1:, :], train_labels, TrainingConfig(epochs=1))
    assert "\n" not in str(error.value)
    with pytest.raises(ConfigError, match="training data is empty"):
        train(new_network(), train_images[:0], train_labels[:0], TrainingConfig(epochs=1))


def test_the_range_test_on_pixels_equals_the_range_test_on_their_floats(digits):
    train_images, train_labels, _, _ = digits
    config = TrainingConfig(optimizer="sgd", batch_size=32, dropout=0.1)
    on_pixels = find_learning_rate(new_network(), train_images, train_labels, config, start=1e-3, end=10.0,
                                   steps=30)
    on_floats = find_learning_rate(new_network(), to_inputs(train_images), train_labels, config, start=1e-3,
                                   end=10.0, steps=30)
    assert on_pixels.losses == on_floats.losses and on_pixels.proposed == on_floats.proposed


def test_binarized_pixels_read_as_the_old_black_and_white_inputs_for_all_256_values():
    every = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    images = np.zeros((1, 28, 28), np.uint8)
    images[0, :16, :16] = every
    dataset = Dataset("every value", images.repeat(10, axis=0), np.arange(10), images, np.zeros(1, np.int64),
                      DIGIT_CLASSES, "memory")
    split = training_data(dataset, TrainingConfig(binarize=True))
    for pixels in (split.X, split.validation[0]):
        assert pixels.dtype == np.uint8 and set(np.unique(pixels)) == {0, 255}
        old = (to_inputs(images) >= 0.5).astype(np.float32)  # what binarize gave the engine before
        assert np.array_equal(bits(Network([784, 2]).as_input(pixels[:1])), bits(old))
    assert np.array_equal(black_and_white_pixels(every).reshape(-1) == 255, np.arange(256) >= 128)


def test_the_memory_estimate_counts_pixels_one_byte_each(tmp_path):
    dataset = load_dataset(write_synthetic_dataset(tmp_path / "digits", n_train=200, n_test=50, seed=0))
    config, net = TrainingConfig(), new_network()
    data = training_data(dataset, config)
    as_floats = replace(data, X=to_inputs(data.X), validation=(to_inputs(data.validation[0]), data.validation[1]))
    pixels = data.X.nbytes + data.validation[0].nbytes
    assert pixels == (200 + 50) * 784
    assert memory_bytes(net, as_floats, config) - memory_bytes(net, data, config) == 3 * pixels


def old_float_split(dataset, config):
    """The float32 inputs ``training_data`` gave before it kept pixels (the test half validating)."""
    inputs = (lambda images: black_and_white(to_inputs(images))) if config.binarize else to_inputs
    return inputs(dataset.train_images), (inputs(dataset.test_images), dataset.test_labels)


@pytest.mark.parametrize("flags", [[], ["--binarize", "--augment"]])
def test_the_train_command_learns_what_it_learnt_on_floats(tmp_path, flags, capsys):
    folder = write_synthetic_dataset(tmp_path / "digits", n_train=400, n_test=100, seed=0)
    out = tmp_path / "net.nn"
    argv = ["train", "--data", str(folder), "--layers", "784,32,10", "--epochs", "2", "--lr", "0.005",
            "--out", str(out), "--quiet", "--no-record", *flags]
    assert main(argv) == 0
    cli = load_network(out)
    args = build_parser().parse_args(argv)
    config, dataset = config_from_args(args), load_dataset(folder)
    before = build_network(architecture_from_args(args), seed=config.seed)
    X, validation = old_float_split(dataset, config)
    result = train(before, X, dataset.train_labels, config, validation=validation)
    for a, b in zip(cli.weights + cli.biases, before.weights + before.biases):
        assert np.array_equal(bits(a), bits(b))
    record = cli.metadata["training"]
    assert record["history"]["validation_loss"] == pytest.approx(result.history["validation_loss"], rel=1e-6)
    accuracy = evaluate(before, validation[0], validation[1]).accuracy
    assert record["held_out_accuracy"] == round(accuracy, 6) and accuracy > 0.5
