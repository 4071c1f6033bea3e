"""The original tools' face on the engine's network, so their REPL lines run unchanged.

The from-scratch tools this project grew from (and Nielsen's ``network.py``)
were used like this::

    training_data, validation_data, test_data = load_data_wrapper("mnist.pkl.gz")
    net = Net([784, 30, 10])
    net.train(training_data, 3.0)       # one pass of per-example SGD
    net.test(test_data)                 # prints "94.12% correct!"
    net.imagine(3)                      # what the network thinks a 3 looks like
    net.save("classic.nn"); net = Net.load("classic.nn")

Their data are lists of ``(x, y)`` pairs of column vectors: ``x`` (784, 1),
``y`` a one-hot (10, 1) column for training or an int label for testing. Every
method here also takes arrays, ``(X (n, 784), labels (n,) or one-hot (n, 10))``.
``Network`` is the engine's class with these methods added, so everything else
(``fit``, ``predict``, the window, the CLI, the file format) works on it too.
The arithmetic is the engine's; nothing here trains or differentiates itself.
"""

import numpy as np
from PIL import Image

from mnistbench.engine import network as engine_network
from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.introspect import back_project
from mnistbench.engine.reports import TrainingCallbacks
from mnistbench.errors import ConfigError
from mnistbench.netfile import load_network, save_network

DEFAULT_PATH = "network.nn"  # where save() and load() go when given no path, as the originals did


class _ClassOrInstanceMethod:
    """``Net.load(path)`` returns a new network; ``net.load(path)`` loads into ``net`` (the original way)."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance, owner):
        def bound(*args, **kwargs):
            return self.function(owner, instance, *args, **kwargs)
        bound.__doc__ = self.function.__doc__
        return bound


class Network(engine_network.Network):
    """``Network([784, 30, 10])``: the classic sigmoid network, with the original tools' methods."""

    _passes = 0  # one-pass train() calls so far: each pass shuffles differently, reproducibly

    @property
    def sizes(self):
        """The layer sizes as a list, Nielsen's ``net.sizes``."""
        return list(self.layer_sizes)

    @property
    def num_layers(self):
        return len(self.layer_sizes)

    def feedforward(self, a):
        """The output for input column(s) ``a`` (n_in, 1) or (n_in, k) -> (n_out, 1) or (n_out, k)."""
        a = np.asarray(a)
        columns = a.reshape(self.layer_sizes[0], -1)
        return self.forward(columns.T).T

    # --- training -------------------------------------------------------------
    def train(self, training_data, learning_rate, test_data=None):
        """One pass over ``training_data`` in a shuffled order, one SGD step per example (as the original).

        With ``test_data``, prints the accuracy afterwards, as the original's first version did
        (whose order, ``train(training_data, test_data, learning_rate)``, is also accepted).
        """
        if test_data is not None and isinstance(test_data, (int, float)):
            learning_rate, test_data = test_data, learning_rate
        X, y = examples_as_arrays(training_data, self.layer_sizes[-1])
        config = TrainingConfig(optimizer="sgd", learning_rate=float(learning_rate), batch_size=1, epochs=1,
                                validation_size=0, evaluations_per_epoch=0, seed=self._passes)
        self._passes += 1
        self.fit(X, y, config=config)
        if test_data is not None:
            self.test(test_data)

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None):  # noqa: N802 (Nielsen's name)
        """Nielsen's ``SGD``: mini-batch SGD for ``epochs`` passes, printing progress after each."""
        X, y = examples_as_arrays(training_data, self.layer_sizes[-1])
        test = None if test_data is None else examples_as_arrays(test_data, self.layer_sizes[-1])

        def report(epoch):
            if test is None:
                print(f"Epoch {epoch.epoch - 1} complete")
            else:
                correct = int(np.count_nonzero(epoch.network.predict(test[0]) == test[1]))
                print(f"Epoch {epoch.epoch - 1}: {correct} / {len(test[1])}")

        config = TrainingConfig(optimizer="sgd", learning_rate=float(eta), batch_size=int(mini_batch_size),
                                epochs=int(epochs), validation_size=0, evaluations_per_epoch=0,
                                seed=self._passes)
        self._passes += 1
        return self.fit(X, y, config=config, callbacks=TrainingCallbacks(on_epoch=report))

    # --- measuring ------------------------------------------------------------
    def evaluate(self, data):
        """How many examples of ``data`` the network classifies right (an int, as Nielsen's)."""
        X, y = examples_as_arrays(data, self.layer_sizes[-1])
        return int(np.count_nonzero(self.predict(X) == y))

    def test(self, test_data):
        """Print the share of ``test_data`` classified right, as the original did: "94.12% correct!"."""
        self._print_accuracy(test_data)

    def validate(self, validation_data):
        """Print the share of ``validation_data`` classified right, like ``test``."""
        self._print_accuracy(validation_data)

    def _print_accuracy(self, data):
        X, y = examples_as_arrays(data, self.layer_sizes[-1])
        correct = int(np.count_nonzero(self.predict(X) == y))
        print(f"{100 * correct / len(y):.2f}% correct! ({correct} of {len(y)})")

    # --- looking inside ---------------------------------------------------------
    def imagine(self, digit):
        """The original tools' picture of ``digit``: a 28x28 greyscale PIL image (``.show()``, ``.save()``).

        The one-hot answer is multiplied back through the transposed weights
        and min-max scaled (``engine.introspect.back_project``).
        """
        n_out = self.layer_sizes[-1]
        if not 0 <= int(digit) < n_out:
            raise ConfigError(f"digit must be 0..{n_out - 1}, not {digit!r}")
        image = back_project(self, int(digit))
        side = int(round(np.sqrt(image.size)))
        if side * side != image.size:
            raise ConfigError(f"imagine draws square inputs; this network takes {image.size} values")
        return Image.fromarray(np.round(image * 255).astype(np.uint8).reshape(side, side))  # mode "L"

    # --- files ----------------------------------------------------------------
    def save(self, path=DEFAULT_PATH):
        """Write the network to ``path`` (a mnistbench network file, read by the window and the CLI)."""
        save_network(self, path)

    @_ClassOrInstanceMethod
    def load(cls, instance, path=DEFAULT_PATH):
        """``Net.load(path)`` returns the network in ``path``; ``net.load(path)`` replaces ``net``'s with it."""
        loaded = load_network(path)
        if instance is None:
            return cls.from_parameters(loaded.weights, loaded.biases, loaded.activations, loaded.loss,
                                       loaded.metadata)
        instance._set_parameters(loaded.weights, loaded.biases, loaded.activations, loaded.loss, "float32")
        instance.metadata = loaded.metadata
        return None


Net = Network  # the original tools' name for the same class


def examples_as_arrays(data, n_out):
    """The original tools' list of (x, y) pairs, or an (X, labels) pair of arrays -> (X (n, n_in), labels (n,)).

    ``y`` may be an int label or a one-hot vector of ``n_out`` values (any shape,
    e.g. a (10, 1) column). A ``zip`` object (Python 3's ``zip``) is read once.
    """
    if _is_array_pair(data):
        X, labels = (np.asarray(part) for part in data)
        return X.reshape(len(X), -1), _labels(labels, n_out)
    pairs = list(data)
    if not pairs:
        raise ConfigError("no examples: the data is empty")
    for index, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ConfigError(f"examples must be (x, y) pairs; item {index} is {type(pair).__name__}")
    X = np.stack([np.asarray(x).reshape(-1) for x, _ in pairs])
    return X, _labels([y for _, y in pairs], n_out)


def _is_array_pair(data):
    """(X, labels) of arrays with one label per row, as opposed to a list of two (x, y) examples."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        return False
    X, labels = data
    return (isinstance(X, np.ndarray) and isinstance(labels, np.ndarray) and X.ndim >= 2
            and len(X) == len(labels))


def _labels(ys, n_out):
    """Int labels, or one-hot vectors (any shape), -> int64 (n,) checked to lie in 0..n_out-1."""
    if isinstance(ys, np.ndarray) and ys.ndim == 1:
        labels = ys.astype(np.int64)
    elif not isinstance(ys, np.ndarray) and all(np.ndim(y) == 0 for y in ys):
        labels = np.array([int(y) for y in ys], dtype=np.int64)
    else:
        vectors = [np.asarray(y).reshape(-1) for y in ys]
        wrong = next((i for i, v in enumerate(vectors) if v.size != n_out), None)
        if wrong is not None:
            raise ConfigError(f"example {wrong}: y has {vectors[wrong].size} values; expected a label "
                              f"or a one-hot vector of {n_out}")
        labels = np.stack(vectors).argmax(axis=1).astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= n_out):
        raise ConfigError(f"labels must lie in 0..{n_out - 1}, found {labels.min()}..{labels.max()}")
    return labels
