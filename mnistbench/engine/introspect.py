"""Looking inside a trained network through its input: saliency, "imagine", back-projection.

All of them ask the same question — which input pixels matter for a digit? —
in different ways. ``input_gradient`` backpropagates one output score all the
way to the 784 input pixels (the layer ``a @ W.T + b`` hands back
``delta @ W``); ``imagine`` climbs that gradient to paint the input a digit
likes most (activation maximisation); ``back_project`` is the cheap trick of
the original tools: send the one-hot answer back through the transposed
weights; ``back_query`` does the same through the inverse activations too.
Inputs are single examples ``x`` of shape ``(n_in,)``, usually ``(784,)``.
"""

import numpy as np

from mnistbench.engine.activations import ACTIVATIONS

SCORES = ("z", "log_probability")
SALIENCY_METHODS = ("gradient", "gradient_x_input")
BLUR_EVERY = 4  # imagine: blur the image every this many steps
_TINY = 1e-12


def _output_score_gradient(activation, z, a, target_class, score):
    """d score / d z_out for one example: z (n_out,), a (n_out,) -> (n_out,).

    ``score="z"`` is the target's weighted input itself (pre-softmax), so the
    gradient is a one-hot vector; ``"log_probability"`` is log a_target for a
    softmax output (one-hot minus a) or log sigmoid(z_target) for a sigmoid one.
    """
    grad = np.zeros_like(z)
    if score == "z":
        grad[target_class] = 1
    elif activation == "softmax":
        grad -= a
        grad[target_class] += 1
    else:  # sigmoid output: d log sigmoid(z) / dz = 1 - sigmoid(z)
        grad[target_class] = 1 - a[target_class]
    return grad


def input_gradient(net, x, target_class, score="z"):
    """d score(target_class) / d x, by backpropagation to the input: x (n_in,) -> (n_in,).

    ``score="z"`` (default) differentiates the output layer's weighted input
    ``z`` of the target class — the pre-softmax score, which does not compete
    with the other classes; ``score="log_probability"`` differentiates
    ``log p(target_class | x)`` instead. Computed in the network's dtype.
    """
    if score not in SCORES:
        raise ValueError(f"score must be one of {', '.join(SCORES)}, not {score!r}")
    zs, activations = net.forward_with_z(np.asarray(x).reshape(1, -1))
    delta = _output_score_gradient(net.activations[-1], zs[-1][0], activations[-1][0],
                                   int(target_class), score)[None, :]
    for l in range(len(net.weights) - 1, -1, -1):
        grad_a = delta @ net.weights[l]  # (1, n_in of layer l)
        if l > 0:
            delta = ACTIVATIONS[net.activations[l - 1]].backward(zs[l - 1], activations[l], grad_a)
    return grad_a[0]


def saliency(net, x, cls=None, method="gradient"):
    """Which pixels matter for class ``cls``: x (n_in,) -> (n_in,) >= 0.

    ``method="gradient"``: |d z_cls / d x|, how much a small change of each
    pixel would move the class's score (Simonyan et al. 2013); pixels the
    network never saw ink in keep their random initial weights and look noisy.
    ``"gradient_x_input"``: |x * d z_cls / d x|, each pixel's share of the
    score to first order — only inked pixels light up. ``cls=None`` explains
    the network's own prediction for ``x``.
    """
    if method not in SALIENCY_METHODS:
        raise ValueError(f"method must be one of {', '.join(SALIENCY_METHODS)}, not {method!r}")
    x = np.asarray(x)
    if cls is None:
        cls = int(net.predict(x.reshape(1, -1))[0])
    grad = input_gradient(net, x, cls, score="z")
    return np.abs(grad * x.reshape(grad.shape) if method == "gradient_x_input" else grad)


def gaussian_blur(image, sigma):
    """Separable Gaussian blur of a 2-D image (H, W) with edges clamped; sigma in pixels."""
    if sigma <= 0:
        return image
    radius = max(1, int(np.ceil(3 * sigma)))
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(image, radius, mode="edge")
    rows = sum(w * padded[:, radius + o: radius + o + image.shape[1]] for w, o in zip(kernel, offsets))
    return sum(w * rows[radius + o: radius + o + image.shape[0], :] for w, o in zip(kernel, offsets))


def _start_image(n_in, start, mean_image, rng):
    """The image gradient ascent starts from and is pulled back to: (x0, anchor), each (n_in,)."""
    if start == "mean":
        if mean_image is None:
            raise ValueError('start="mean" needs mean_image')
        x = np.asarray(mean_image, dtype=np.float64).reshape(n_in).copy()
        return x, x.copy()
    if start == "blank":
        return rng.uniform(0.0, 0.01, n_in), np.zeros(n_in)
    raise ValueError(f'start must be "blank" or "mean", not {start!r}')


def _jittered_gradient(net, x, digit, side, shift):
    """d log p(digit) / d x taken at x rolled by ``shift`` (dy, dx) pixels and rolled back: (n_in,)."""
    if side is None or shift == (0, 0):
        return input_gradient(net, x.astype(net.dtype), digit, score="log_probability").astype(np.float64)
    moved = np.roll(x.reshape(side, side), shift, axis=(0, 1)).reshape(-1)
    grad = input_gradient(net, moved.astype(net.dtype), digit, score="log_probability")
    return np.roll(grad.astype(np.float64).reshape(side, side), (-shift[0], -shift[1]), axis=(0, 1)).reshape(-1)


def imagine(net, digit, start="blank", steps=100, learning_rate=0.03, l2=0.03, blur=1.0, jitter=2,
            mean_image=None, seed=0, on_step=None):
    """The input the network finds most like ``digit``: (n_in,) float32 in [0, 1].

    Gradient ascent on x for ``log p(digit | x)``. Each step moves x by
    ``learning_rate`` times the gradient divided by its RMS (so the step size
    means the same for any network), pulls x back towards the start image by
    the fraction ``l2`` (L2 decay: pixels stay dark, or average, unless they
    help), and clips to [0, 1]. Two more regularisers make it look like
    something rather than pixel noise: every ``BLUR_EVERY`` steps a Gaussian
    blur of ``blur`` px; and each step's gradient is taken with the image
    shifted by a random whole-pixel offset of up to ``jitter`` px (and shifted
    back), so the picture must work wherever it lies. ``start`` is "blank"
    (zeros plus faint noise) or "mean" (``mean_image`` (n_in,), e.g. the
    training set's mean digit); ``seed`` drives the noise and the shifts.
    ``on_step(step, x)`` is called after each step (for progress; x is a copy).
    """
    n_in = net.layer_sizes[0]
    side = int(round(np.sqrt(n_in)))
    side = side if side * side == n_in else None  # blur and jitter need a square image
    rng = np.random.default_rng(seed)
    x, anchor = _start_image(n_in, start, mean_image, rng)
    for step in range(1, steps + 1):
        shift = tuple(int(v) for v in rng.integers(-jitter, jitter + 1, size=2))
        grad = _jittered_gradient(net, x, digit, side, shift)
        x += learning_rate * grad / (np.sqrt(np.mean(grad * grad)) + _TINY)
        x -= l2 * (x - anchor)
        if blur > 0 and side and step % BLUR_EVERY == 0:
            x = gaussian_blur(x.reshape(side, side), blur).reshape(n_in)
        np.clip(x, 0.0, 1.0, out=x)
        if on_step is not None:
            on_step(step, x.copy())
    return x.astype(np.float32)


def _logit(a):
    return np.log(a / (1 - a))


def _centred_log(a):
    """Softmax's inverse: z = log a only up to a constant, so the constant is taken out."""
    z = np.log(a)
    return z - z.mean()


# activation -> (inverse, range back-projected values are squeezed into; None: divided by max |v|)
_INVERSES = {
    "sigmoid": (_logit, (0.01, 0.99)),
    "softmax": (_centred_log, (0.01, 0.99)),
    "tanh": (np.arctanh, (-0.99, 0.99)),
    "relu": (lambda a: a, None),
    "leaky_relu": (lambda a: a, None),
}


def _squeeze(values, value_range):
    """Rescale values linearly to span value_range (low, high), or by max |v| when it is None."""
    if value_range is None:
        largest = np.abs(values).max()
        return values / largest if largest > _TINY else values
    low, high = value_range
    span = values.max() - values.min()
    if span < _TINY:
        return np.full_like(values, (low + high) / 2)
    return low + (values - values.min()) * (high - low) / span


def back_project(net, digit):
    """The original tools' picture of ``digit``: (n_in,) float32 min-max scaled to [0, 1].

    The one-hot answer (1 for ``digit``, 0 elsewhere) is multiplied back
    through each layer's transposed weights, from the last layer to the first,
    ``signal = W.T @ signal`` (no biases, no activations), and the input-sized
    result is min-max scaled into an image. For a one-hidden-layer network it
    is ``W1.T @ W2[digit]``: each input pixel's weighted vote for the digit.
    """
    signal = np.zeros(net.layer_sizes[-1])
    signal[int(digit)] = 1.0
    for W in reversed(net.weights):
        signal = W.astype(np.float64).T @ signal
    return _squeeze(signal, (0.0, 1.0)).astype(np.float32)


def back_query(net, digit):
    """Run the network backwards from the answer ``digit`` through inverse activations: (n_in,) in [0, 1].

    Tariq Rashid's "back-query" (Make Your Own Neural Network), a relative of
    ``back_project``: the output is set to 0.99 for ``digit`` and 0.01 elsewhere;
    at each layer, from the last to the first, the activation is turned back
    into a weighted input through the inverse activation (logit for sigmoid;
    log minus its mean for softmax, whose inverse is defined only up to a
    constant; arctanh for tanh; unchanged for ReLU), then sent through the
    transposed weights, ``a_prev = W.T @ z`` (biases are ignored), and squeezed
    linearly into the previous layer's activation range (0.01..0.99 for
    sigmoid, -0.99..0.99 for tanh; for ReLU, whose inverse is undefined below
    0, divided by its largest magnitude so zero stays zero and signs are
    kept). The input image is finally squeezed into [0, 1].
    """
    n_out = net.layer_sizes[-1]
    signal = np.full(n_out, 0.01)
    signal[int(digit)] = 0.99
    for l in range(len(net.weights) - 1, -1, -1):
        inverse, _ = _INVERSES[net.activations[l]]
        signal = net.weights[l].astype(np.float64).T @ inverse(signal)
        signal = _squeeze(signal, _INVERSES[net.activations[l - 1]][1] if l > 0 else (0.0, 1.0))
    return signal.astype(np.float32)
