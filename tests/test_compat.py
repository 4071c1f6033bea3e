"""The original tools' calls, pasted unchanged: Net, train, test, validate, imagine, save, load, SGD."""

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnistbench import Net, Network
from mnistbench.data import load_data_wrapper, to_inputs
from mnistbench.engine import network as engine_network
from mnistbench.engine.introspect import back_project
from mnistbench.errors import ConfigError
from python2_pickle import write_mnist_pkl_gz
from tiny_network import training_digits


@pytest.fixture(scope="module")
def pkl(tmp_path_factory):
    """A mnist.pkl.gz of 3,000 training, 500 validation and 500 test digits (real ones when available)."""
    images, labels = training_digits()
    inputs = (images.reshape(len(images), -1) / np.float32(256)).astype(np.float32)
    parts = tuple((inputs[a:b], labels[a:b]) for a, b in ((0, 3000), (3000, 3500), (3500, 4000)))
    return write_mnist_pkl_gz(tmp_path_factory.mktemp("book") / "mnist.pkl.gz", parts)


def accuracy_printed(text):
    match = re.fullmatch(r"(\d+\.\d\d)% correct! \((\d+) of (\d+)\)\n", text)
    assert match, text
    return float(match.group(1)) / 100


def test_net_is_network_and_the_engines_classic(pkl):
    assert Net is Network
    net = Net([784, 30, 10])
    assert isinstance(net, engine_network.Network)
    assert net.activations == ["sigmoid", "sigmoid"] and net.loss == "quadratic"
    assert net.sizes == [784, 30, 10] and net.num_layers == 3


def test_the_original_session_runs_unchanged(pkl, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    training_data, validation_data, test_data = load_data_wrapper(pkl)
    net = Net([784, 30, 10])
    net.test(test_data)
    before = accuracy_printed(capsys.readouterr().out)
    net.train(training_data, 3.0)
    net.test(test_data)
    after = accuracy_printed(capsys.readouterr().out)
    assert after > 0.6 and after > before + 0.3
    net.validate(validation_data)
    assert accuracy_printed(capsys.readouterr().out) > 0.6
    assert net.evaluate(test_data) == round(after * len(test_data))
    net.save()  # the originals saved without a path, into the current folder
    again = Net([784, 30, 10])
    assert again.load() is None  # and loaded into the network in place
    np.testing.assert_array_equal(again.weights[0], net.weights[0])
    picture = net.imagine(3)
    assert isinstance(picture, Image.Image) and picture.size == (28, 28) and picture.mode == "L"
    np.testing.assert_array_equal(np.asarray(picture), np.round(back_project(net, 3) * 255).reshape(28, 28))


def test_load_on_the_class_returns_a_network_with_the_original_face(tmp_path):
    net = Net([784, 20, 10], seed=3)
    net.save(tmp_path / "classic.nn")
    loaded = Net.load(tmp_path / "classic.nn")
    assert type(loaded) is Network and loaded.sizes == [784, 20, 10]
    np.testing.assert_array_equal(loaded.biases[1], net.biases[1])


def nielsen_backprop(weights, biases, x, y):
    """The book's per-example gradients with column vectors, sigmoid and quadratic cost, in float64."""
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))
    activations, zs = [x], []
    for W, b in zip(weights, biases):
        zs.append(W @ activations[-1] + b)
        activations.append(sigmoid(zs[-1]))
    delta = (activations[-1] - y) * sigmoid(zs[-1]) * (1 - sigmoid(zs[-1]))
    grads = [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads[l] = (delta @ activations[l].T, delta)
        if l:
            delta = (weights[l].T @ delta) * sigmoid(zs[l - 1]) * (1 - sigmoid(zs[l - 1]))
    return grads


def test_train_is_one_pass_of_per_example_sgd_as_the_original():
    rng = np.random.default_rng(0)
    weights, biases = [rng.normal(size=(3, 4)), rng.normal(size=(2, 3))], [rng.normal(size=3), rng.normal(size=2)]
    W, b = [w.copy() for w in weights], [v.reshape(-1, 1).copy() for v in biases]
    net = Net.from_parameters(weights, biases, ["sigmoid", "sigmoid"], dtype="float64")
    x, y = rng.uniform(size=(4, 1)), np.array([[0.0], [1.0]])
    net.train([(x, y)] * 3, 2.0)  # the same example three times: the order does not matter
    for _ in range(3):  # three steps, one per example: not one step on their mean
        for l, (gW, gb) in enumerate(nielsen_backprop(W, b, x, y)):
            W[l], b[l] = W[l] - 2.0 * gW, b[l] - 2.0 * gb
    for l in range(2):
        np.testing.assert_allclose(net.weights[l], W[l], rtol=1e-12)
        np.testing.assert_allclose(net.biases[l], b[l][:, 0], rtol=1e-12)


def test_every_data_shape_of_the_originals_and_arrays_counts_the_same(pkl):
    training_data, _, test_data = load_data_wrapper(pkl)
    net = Net([784, 30, 10])
    net.train(training_data, 3.0)
    X = np.stack([x[:, 0] for x, _ in test_data])
    labels = np.array([int(y) for _, y in test_data])
    expected = int(np.count_nonzero(net.predict(X) == labels))
    one_hot = np.eye(10)[labels]
    images = np.round(X * 256).astype(np.uint8).reshape(-1, 28, 28)
    shapes = [test_data, zip(*zip(*test_data)), [(x, np.eye(10)[y].reshape(10, 1)) for x, y in test_data],
              [(x[:, 0], int(y)) for x, y in test_data], (X, labels), (X, one_hot), (images, labels)]
    assert [net.evaluate(data) for data in shapes] == [expected] * len(shapes)


@pytest.mark.parametrize("data, message", [
    ([np.zeros((784, 1))], "examples must be \\(x, y\\) pairs; item 0 is ndarray"),
    ([(np.zeros((784, 1)), np.zeros((9, 1)))], "example 0: y has 9 values"),
    ([(np.zeros((784, 1)), 12)], "labels must lie in 0..9"),
    ([], "no examples"),
])
def test_data_the_network_cannot_use_is_one_clear_line(data, message):
    with pytest.raises(ConfigError, match=message):
        Net([784, 30, 10]).evaluate(data)


def test_sgd_prints_the_books_progress_lines(pkl, capsys):
    training_data, _, test_data = load_data_wrapper(pkl)
    net = Net([784, 30, 10])
    net.SGD(training_data, 2, 10, 3.0, test_data=test_data)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Epoch 0", "Epoch 1"]
    assert lines[-1] == f"Epoch 1: {net.evaluate(test_data)} / {len(test_data)}"
    net.SGD(training_data[:100], 1, 10, 3.0)
    assert capsys.readouterr().out == "Epoch 0 complete\n"


def test_the_first_versions_argument_order_trains_and_prints(pkl, capsys):
    training_data, _, test_data = load_data_wrapper(pkl)
    net = Net([784, 30, 10])
    net.train(training_data, test_data, 3.0)  # train(training_data, test_data, learning_rate)
    assert accuracy_printed(capsys.readouterr().out) > 0.6


def test_feedforward_takes_and_returns_columns_as_the_book():
    net = Net([784, 30, 10])
    x = np.random.default_rng(1).uniform(size=(784, 1)).astype(np.float32)
    out = net.feedforward(x)
    assert out.shape == (10, 1)
    np.testing.assert_allclose(out[:, 0], net.forward(x.T)[0])
    assert net.feedforward(np.hstack([x, x])).shape == (10, 2)


def test_a_compat_network_trains_with_the_engines_fit_too():
    images, labels = training_digits()
    net = Net([784, 30, 10])
    net.fit(to_inputs(images[:2000]), labels[:2000], optimizer="sgd", learning_rate=3.0, batch_size=10, epochs=1,
            validation_size=0, evaluations_per_epoch=0)
    assert net.score(to_inputs(images[2000:2500]), labels[2000:2500]) > 0.6


def test_the_readmes_original_tools_block_runs(tmp_path, monkeypatch, capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    (code,) = [block for block in re.findall(r"```python\n(.*?)```", readme, flags=re.S)
               if "from mnistbench import Net" in block]
    images, labels = training_digits()
    inputs = (images[:600].reshape(600, -1) / np.float32(256)).astype(np.float32)
    parts = ((inputs[:400], labels[:400]), (inputs[400:500], labels[400:500]), (inputs[500:], labels[500:600]))
    write_mnist_pkl_gz(tmp_path / "mnist.pkl.gz", parts)
    monkeypatch.chdir(tmp_path)
    exec(code, {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 + 30 and lines[-1].startswith("Epoch 29: ")
    assert (tmp_path / "classic.nn").is_file()
