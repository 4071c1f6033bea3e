"""A fully connected network: forward pass, backpropagation, scikit-learn-like face.

Layer l (1 … N-1) holds ``W`` of shape ``(n_out, n_in)`` — the order of the
network file — and ``b`` of shape ``(n_out,)``. A batch ``a`` of shape
``(B, n_in)`` goes through a layer as ``z = a @ W.T + b`` then ``a = f(z)``.
"""

import copy

import numpy as np

from mnistbench.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from mnistbench.engine.initializers import INITIALIZERS
from mnistbench.engine.losses import LOSSES, one_hot
from mnistbench.engine.config import TrainingConfig, check_choice
from mnistbench.engine.dense import dense_backward, dense_forward
from mnistbench.errors import ConfigError

MAX_LAYERS = 255  # the file format stores the layer count in one byte
MAX_NEURONS = 65535  # … and each layer's size in a uint16
DTYPES = {"float32": np.float32, "float64": np.float64}


class Network:
    """``Network([784, 30, 10])`` is the classic: sigmoid everywhere, quadratic loss."""

    def __init__(self, layer_sizes, activation="sigmoid", output=None, loss="quadratic",
                 init="classic", seed=0, dtype="float32"):
        layer_sizes = _check_layer_sizes(layer_sizes)
        output = output or ("softmax" if loss == "cross_entropy" and activation != "sigmoid" else "sigmoid")
        check_choice("activation", activation, HIDDEN_ACTIVATIONS)
        check_choice("output", output, OUTPUT_ACTIVATIONS)
        check_choice("init", init, tuple(INITIALIZERS))
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
            W, b = INITIALIZERS[init](rng, n_in, n_out)
            weights.append(W)
            biases.append(b)
        activations = [activation] * (len(layer_sizes) - 2) + [output]
        self._set_parameters(weights, biases, activations, loss, dtype)
        self.metadata = {"init": init, "seed": seed}

    @classmethod
    def from_parameters(cls, weights, biases, activations, loss="quadratic", metadata=None,
                        dtype="float32"):
        """A network from given arrays, e.g. read from a file."""
        net = cls.__new__(cls)
        sizes = [np.shape(weights[0])[1]] + [np.shape(W)[0] for W in weights] if weights else []
        _check_layer_sizes(sizes)
        for l, (W, b) in enumerate(zip(weights, biases)):
            if np.shape(W) != (sizes[l + 1], sizes[l]) or np.shape(b) != (sizes[l + 1],):
                raise ConfigError(f"layer {l + 1}: weights {np.shape(W)} and biases {np.shape(b)} "
                                  f"do not fit sizes {sizes[l]} -> {sizes[l + 1]}")
        net._set_parameters(weights, biases, list(activations), loss, dtype)
        net.metadata = dict(metadata or {})
        return net

    def _set_parameters(self, weights, biases, activations, loss, dtype):
        check_choice("dtype", dtype, tuple(DTYPES))
        check_choice("loss", loss, tuple(LOSSES))
        if len(activations) != len(weights) or len(biases) != len(weights):
            raise ConfigError(f"need one activation per weighted layer ({len(weights)}), "
                              f"got {len(activations)}")
        for name in activations:
            check_choice("activation", name, tuple(ACTIVATIONS))
        check_choice(f"output with {loss} loss", activations[-1], LOSSES[loss].outputs)
        self.dtype = DTYPES[dtype]
        self.weights = [np.ascontiguousarray(W, dtype=self.dtype) for W in weights]
        self.biases = [np.ascontiguousarray(b, dtype=self.dtype) for b in biases]
        self.activations = activations
        self.loss = loss

    # --- shape -------------------------------------------------------------
    @property
    def layer_sizes(self):
        return (self.weights[0].shape[1],) + tuple(W.shape[0] for W in self.weights)

    @property
    def parameter_count(self):
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    def copy(self):
        """A deep copy: safe to hand to another thread while this one trains on."""
        return copy.deepcopy(self)

    def astype(self, dtype):
        """The same network computing in another precision ("float32" or "float64")."""
        return Network.from_parameters(self.weights, self.biases, self.activations, self.loss,
                                       copy.deepcopy(self.metadata), dtype=dtype)

    # --- forward and backward ----------------------------------------------
    def as_input(self, X):
        """Any (B, …) array -> (B, n_in) in this network's dtype; uint8 pixels scale to [0, 1]."""
        X = np.asarray(X)
        scale = X.dtype == np.uint8
        X = X.reshape(len(X), -1).astype(self.dtype, copy=False)
        n_in = self.weights[0].shape[1]
        if X.shape[1] != n_in:
            raise ConfigError(f"input has {X.shape[1]} values per example, the network expects {n_in}")
        return X / self.dtype(255) if scale else X

    def forward_with_z(self, X):
        """X (B, n_in) -> (zs, activations): zs[l] (B, n_l+1), activations [X, a1, …, aL]."""
        a = self.as_input(X)
        zs, activations = [], [a]
        for W, b, name in zip(self.weights, self.biases, self.activations):
            z = dense_forward(a, W, b)
            a = ACTIVATIONS[name].forward(z)
            zs.append(z)
            activations.append(a)
        return zs, activations

    def forward_layers(self, X):
        """Every layer's activations for X, input included: [X, a1, …, aL]."""
        return self.forward_with_z(X)[1]

    def forward(self, X):
        """X (B, n_in) -> output activations (B, n_out); probabilities for softmax."""
        a = self.as_input(X)
        for W, b, name in zip(self.weights, self.biases, self.activations):
            a = ACTIVATIONS[name].forward(dense_forward(a, W, b))
        return a

    def backward(self, X, Y, dropout=0.0, rng=None, return_output=False):
        """X (B, n_in), one-hot Y (B, n_out) -> (loss, dL/dW per layer, dL/db per layer).

        With ``dropout`` > 0 each hidden activation is zeroed with that
        probability (and the survivors scaled up, "inverted dropout").
        ``return_output`` appends the output activations (B, n_out).
        """
        a = self.as_input(X)
        zs, outputs, inputs, masks = [], [], [a], []  # inputs[l] feeds layer l+1 (after dropout)
        for l, (W, b, name) in enumerate(zip(self.weights, self.biases, self.activations)):
            z = dense_forward(a, W, b)
            a = ACTIVATIONS[name].forward(z)
            zs.append(z)
            outputs.append(a)
            if dropout and l < len(self.weights) - 1:
                mask = (rng.random(a.shape, dtype=self.dtype) >= dropout) / self.dtype(1 - dropout)
                a = a * mask
                masks.append(mask)
            inputs.append(a)
        loss = LOSSES[self.loss]
        value = loss.value(a, Y, self.activations[-1])
        delta = loss.delta(zs[-1], a, Y, self.activations[-1])
        grads_W, grads_b = [None] * len(self.weights), [None] * len(self.weights)
        for l in range(len(self.weights) - 1, -1, -1):
            grads_W[l], grads_b[l], grad_a = dense_backward(delta, inputs[l], self.weights[l],
                                                            need_input_grad=l > 0)
            if l > 0:
                if masks:
                    grad_a = grad_a * masks[l - 1]
                delta = ACTIVATIONS[self.activations[l - 1]].backward(zs[l - 1], outputs[l - 1], grad_a)
        return (value, grads_W, grads_b, a) if return_output else (value, grads_W, grads_b)

    # --- scikit-learn-like face --------------------------------------------
    def predict_proba(self, X, batch_size=4096):
        """Output activations for X, computed in batches to bound memory."""
        X = np.asarray(X)
        if len(X) <= batch_size:
            return self.forward(X)
        return np.concatenate([self.forward(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])

    def predict(self, X):
        """The most active output for each example (int64 labels)."""
        return self.predict_proba(X).argmax(axis=1)

    def score(self, X, y):
        """Accuracy in [0, 1]."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def loss_and_accuracy(self, X, y):
        """Mean loss and accuracy on (X, y), from one pass over the data."""
        a = self.predict_proba(X)
        y = np.asarray(y)
        loss = LOSSES[self.loss].value(a, one_hot(y, a.shape[1], self.dtype), self.activations[-1])
        return loss, float(np.mean(a.argmax(axis=1) == y))

    def loss_value(self, X, y):
        """The mean loss of the network on (X, y)."""
        return self.loss_and_accuracy(X, y)[0]

    def fit(self, X, y, config=None, validation=None, callbacks=None, control=None, **settings):
        """Train on (X, y); settings override ``config`` (e.g. ``fit(X, y, epochs=3)``).

        Continues from the current weights, so a loaded network trains on.
        Returns a ``TrainingResult``.
        """
        from mnistbench.engine.training import train  # training imports this module

        config = config or TrainingConfig()
        if settings:
            config = config.replace(**settings)
        return train(self, X, y, config, validation=validation, callbacks=callbacks, control=control)

    def __repr__(self):
        sizes = "-".join(map(str, self.layer_sizes))
        return f"Network({sizes}, {'/'.join(self.activations)}, loss={self.loss})"


def _check_layer_sizes(layer_sizes):
    sizes = tuple(int(n) for n in layer_sizes)
    if not 2 <= len(sizes) <= MAX_LAYERS:
        raise ConfigError(f"a network needs 2 to {MAX_LAYERS} layers, not {len(sizes)}")
    bad = [n for n in sizes if not 1 <= n <= MAX_NEURONS]
    if bad:
        raise ConfigError(f"each layer needs 1 to {MAX_NEURONS} neurons, not {bad[0]}")
    return sizes


