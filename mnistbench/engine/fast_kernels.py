"""Fused kernels compiled with numba: optimiser steps and augmentation in one pass, bit-identical to NumPy.

The NumPy steps in ``optimizers.py`` are the reference a learner reads; Adam
there makes about eleven passes over every parameter per step. Each kernel
here does the same arithmetic, in the same order and the same precision, in
one pass, so its results are equal to the last bit (tests/test_fast_path.py
checks every optimiser on both paths). The optimiser kernels take tuples of
1-D views of C-contiguous parameters, so one call updates up to eight of
them; every scalar (and each parameter's weight decay) arrives already
converted to the parameters' dtype, so float32 work stays float32 exactly as
NumPy's does. ``shift_and_rotate`` resamples augmented images as
``augment.py`` does, with the same random draws; ``bias_relu`` and
``relu_delta_and_bias_gradient`` are a ReLU layer's element-wise work between
its matrix products (``fast_layers.py`` uses them).

numba is optional (``pip install "mnistbench[fast]"``) and is imported only
when training first asks for kernels. ``MNISTBENCH_ENGINE=numpy`` forces the
NumPy path. Compiled kernels are cached in a per-user folder (NUMBA_CACHE_DIR
when unset), so a second start does not compile again; where no cache folder
is writable the kernels compile for this process only.
"""

import os
import sys
import threading
import warnings

import numpy as np

from mnistbench.engine import augment, blas_threads

ENGINE_VARIABLE = "MNISTBENCH_ENGINE"  # "numpy" forces the NumPy path
_KERNELS_NAMED = "numba {} fused kernels for the optimiser, ReLU layers, pixels and augmentation"
_loaded = {}  # "kernels": the kernels namespace or None; "why": one line about the choice
_loading = threading.Lock()  # the window's training thread and the GUI thread may both ask first


def load():
    """The fused kernels, or None when the NumPy path runs (numba missing or forced off)."""
    if os.environ.get(ENGINE_VARIABLE, "").strip().lower() == "numpy":
        return None
    with _loading:
        if "kernels" not in _loaded:
            _loaded["kernels"], _loaded["why"] = _compile_kernels()
            if _loaded["kernels"] is not None:
                # numba sets up its CPU target at the first call and loads SciPy's BLAS then: here,
                # before training holds the BLAS threads, not in its first batch.
                _loaded["kernels"].bias_relu(np.zeros((1, 1), np.float32), np.zeros(1, np.float32))
    return _loaded["kernels"]


def engine_description():
    """One line: which path trains here, and why (and the BLAS threads when they are limited)."""
    threads = blas_threads.blas_threads()
    limit = f"; BLAS held to {threads} thread{'s' * (threads > 1)} while training" if threads else ""
    if os.environ.get(ENGINE_VARIABLE, "").strip().lower() == "numpy":
        return f"NumPy (forced by {ENGINE_VARIABLE}=numpy){limit}"
    load()
    return _loaded["why"] + limit


def shift_and_rotate(kernels, X, rng, max_shift, max_rotation_degrees):
    """``augment.shift_and_rotate`` with its sampling in one compiled pass: the same random draws
    from ``rng``, the same bits out (float32 square images; anything else goes to NumPy's)."""
    B, n = X.shape
    side = int(round(np.sqrt(n)))
    if side * side != n or B == 0 or X.dtype != np.float32 or not X.flags.c_contiguous:
        return augment.shift_and_rotate(X, rng, max_shift, max_rotation_degrees)
    angle = np.deg2rad(rng.uniform(-max_rotation_degrees, max_rotation_degrees, B))  # augment.py's draws,
    shift = rng.uniform(-max_shift, max_shift, (B, 2))  # in its order (tests check the bits match)
    out = np.empty_like(X)
    kernels.shift_and_rotate(X, side, np.cos(angle), np.sin(angle), shift, out)
    return out


def gather_pixels(kernels, pixels, index):
    """``Network.as_input(pixels[index])`` for uint8 (n, m) pixels and a float32 network, in one compiled
    pass (NumPy makes three: gather, convert, divide)."""
    out = np.empty((len(index), pixels.shape[1]), dtype=np.float32)
    kernels.gather_pixels(pixels, index, out)
    return out


def user_cache_folder():
    """Where compiled kernels are cached: $XDG_CACHE_HOME or ~/.cache (LOCALAPPDATA on Windows)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mnistbench", "numba")


def _compile_kernels():
    os.environ.setdefault("NUMBA_CACHE_DIR", user_cache_folder())  # before numba reads its config
    try:
        import numba
    except ImportError:
        return None, 'NumPy (numba not installed: pip install "mnistbench[fast]" for fused kernels)'
    if not numba.config.CACHE_DIR:  # numba was imported before us: it read no NUMBA_CACHE_DIR
        numba.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]
    folder = numba.config.CACHE_DIR
    problem = _unwritable(folder)
    if problem is None:
        try:
            return _define(numba, cache=True), f"{_KERNELS_NAMED.format(numba.__version__)} (JIT cache {folder})"
        except RuntimeError as error:  # numba: "cannot cache function …: no locator available"
            problem = str(error)
    # Never let numba fall back to writing next to the module (a read-only site-packages).
    return _define(numba, cache=False), (f"{_KERNELS_NAMED.format(numba.__version__)} "
                                         f"(no JIT cache, compiled each start: {problem})")


def _unwritable(folder):
    """None when compiled kernels can be cached in ``folder``, else why not."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        return f"cannot create {folder}: {error.strerror}"
    return None if os.access(folder, os.W_OK) else f"cannot write in {folder}"


class _Kernels:
    """The compiled kernels by name (an explicit namespace: nothing is looked up by a string)."""

    def __init__(self, sgd, momentum, adam, shift_and_rotate, bias_relu, relu_delta_and_bias_gradient,
                 gather_pixels):
        self.sgd, self.momentum, self.adam = sgd, momentum, adam
        self.shift_and_rotate, self.gather_pixels = shift_and_rotate, gather_pixels
        self.bias_relu, self.relu_delta_and_bias_gradient = bias_relu, relu_delta_and_bias_gradient


def _define(numba, cache):
    # error_model="numpy": x/0 gives inf as in NumPy, with no per-element check, so the loops vectorise
    # (numba's default "python" model raises instead and made the fused Adam slower than NumPy's).
    jit = numba.njit(cache=cache, nogil=True, error_model="numpy")
    with warnings.catch_warnings():
        warnings.simplefilter("error", numba.NumbaWarning)  # a cache that cannot work is an error here

        # Each kernel takes tuples of 1-D views (parameters, gradients, state) and one decay per
        # parameter, so a whole step is one call: at batch 10 the calls were the step's cost.
        @jit
        def sgd(ps, gs, learning_rate, decays):
            """p -= lr * (g + decay * p)."""
            for k in range(len(ps)):
                p, g, decay = ps[k], gs[k], decays[k]
                for i in range(p.size):
                    gi = g[i] + decay * p[i] if decay != 0 else g[i]
                    p[i] -= learning_rate * gi

        @jit
        def momentum(ps, gs, vs, learning_rate, mu, decays, nesterov):
            """v = mu v - lr g; p += v, or p += mu v - lr g (Nesterov)."""
            for k in range(len(ps)):
                p, g, v, decay = ps[k], gs[k], vs[k], decays[k]
                for i in range(p.size):
                    gi = g[i] + decay * p[i] if decay != 0 else g[i]
                    step = learning_rate * gi
                    vi = v[i] * mu - step
                    v[i] = vi
                    p[i] += mu * vi - step if nesterov else vi

        @jit
        def adam(ps, gs, ms, vs, step_size, eps, one_minus_b1, one_minus_b2, decays):
            """m += (1-b1)(g-m); v += (1-b2)(g²-v); p -= step_size * m / (sqrt(v) + eps)."""
            for k in range(len(ps)):
                p, g, m, v, decay = ps[k], gs[k], ms[k], vs[k], decays[k]
                for i in range(p.size):
                    gi = g[i] + decay * p[i] if decay != 0 else g[i]
                    mi = m[i] + (gi - m[i]) * one_minus_b1
                    vi = v[i] + (gi * gi - v[i]) * one_minus_b2
                    m[i], v[i] = mi, vi
                    p[i] -= mi / (np.sqrt(vi) + eps) * step_size

        @jit
        def shift_and_rotate(images, side, cos, sin, shift, out):
            """augment.shift_and_rotate's bilinear sampling, pixel by pixel, for float32 images (B, side²).

            Every expression keeps NumPy's order and precision: coordinates in float64,
            weights and taps in float32, 0 outside the image (NumPy pads it with a zero border).
            """
            centre = (side - 1) / 2.0
            one, zero = np.float32(1), np.float32(0)
            for b in range(images.shape[0]):
                cos_b, sin_b, shift_r, shift_c = cos[b], sin[b], shift[b, 0], shift[b, 1]
                for i in range(side):
                    for j in range(side):
                        r = cos_b * (i - centre) - sin_b * (j - centre) + centre - shift_r
                        c = sin_b * (i - centre) + cos_b * (j - centre) + centre - shift_c
                        if not (r > -1 and r < side and c > -1 and c < side):
                            out[b, i * side + j] = zero
                            continue
                        r_floor, c_floor = np.floor(r), np.floor(c)  # r0 in -1 … side-1, likewise c0
                        r0, c0 = int(r_floor), int(c_floor)
                        fr, fc = np.float32(r - r_floor), np.float32(c - c_floor)
                        at = r0 * side + c0
                        v00 = images[b, at] if r0 >= 0 and c0 >= 0 else zero
                        v01 = images[b, at + 1] if r0 >= 0 and c0 + 1 < side else zero
                        v10 = images[b, at + side] if r0 + 1 < side and c0 >= 0 else zero
                        v11 = images[b, at + side + 1] if r0 + 1 < side and c0 + 1 < side else zero
                        top = v00 * (one - fc) + v01 * fc
                        bottom = v10 * (one - fc) + v11 * fc
                        out[b, i * side + j] = top * (one - fr) + bottom * fr

        @jit
        def bias_relu(z, b):
            """z = max(z + b, 0) in place, for float32 z (B, n) and b (n,): ``dense_forward`` then ``relu``.

            np.maximum keeps NaN and gives +0 for -0, so the test is "> 0 or NaN".
            """
            zero = np.float32(0)
            for i in range(z.shape[0]):
                for j in range(z.shape[1]):
                    t = z[i, j] + b[j]
                    z[i, j] = t if t > 0 or t != t else zero

        @jit
        def relu_delta_and_bias_gradient(grad_a, a, db):
            """grad_a *= (a > 0) in place (``relu_backward``: a > 0 exactly where z > 0), and db (n,) = its
            column sums, row after row from 0 as NumPy's ``sum(axis=0)`` adds them, for float32 (B, n) arrays."""
            one, zero = np.float32(1), np.float32(0)
            db[:] = zero  # not the first row: 0 + (-0) is +0, as in NumPy's sum
            for i in range(grad_a.shape[0]):
                for j in range(grad_a.shape[1]):
                    d = grad_a[i, j] * (one if a[i, j] > 0 else zero)  # times 0, as NumPy: -0 and NaN stay
                    grad_a[i, j] = d
                    db[j] += d

        @jit
        def gather_pixels(pixels, index, out):
            """out[i] = pixels[index[i]] / 255 in float32: uint8 rows picked and scaled in one pass."""
            scale = np.float32(255)
            for i in range(index.size):
                row = index[i]
                for j in range(pixels.shape[1]):
                    out[i, j] = np.float32(pixels[row, j]) / scale

    return _Kernels(sgd, momentum, adam, shift_and_rotate, bias_relu, relu_delta_and_bias_gradient,
                    gather_pixels)
