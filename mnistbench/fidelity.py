"""How faithfully does `preprocess_digit` turn a drawing back into what MNIST saw?

We cannot ask people to redraw the test set, so we redraw it ourselves: each
held-out MNIST digit becomes a binary pen stroke on a 280x280 canvas, at a
random size and place, dark-on-light half the time. A network that classifies
the originals should classify the preprocessed redrawings almost as well. The
naive pipeline many tools use (shrink the whole canvas to 28x28) is measured
alongside for comparison.
"""

import numpy as np
from PIL import Image

from mnistbench.preprocess import preprocess_digit

CANVAS = 280  # a typical drawing-pad size, 10x MNIST
HEIGHT_RANGE = (120, 240)  # how tall the redrawn digit is on the canvas, in px
THRESHOLD_RANGE = (0.35, 0.65)  # where the grey edges are cut: thinner or thicker strokes


def strokes_from_digit(img28, rng):
    """Redraw an MNIST digit as a binary pen drawing: uint8 (280, 280), values 0 and 255.

    The digit's ink is enlarged (bilinear) to a random height, cut to black
    and white at a random level, and placed at a random position. Half the
    time it is dark ink on a white background, so inversion is exercised too.
    """
    img28 = np.asarray(img28, dtype=np.float32) / 255
    rows = np.flatnonzero(img28.max(axis=1) > 0)
    cols = np.flatnonzero(img28.max(axis=0) > 0)
    ink = img28[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    factor = rng.uniform(*HEIGHT_RANGE) / max(ink.shape)
    height, width = (max(1, round(side * factor)) for side in ink.shape)
    enlarged = np.asarray(Image.fromarray(ink).resize((width, height), Image.BILINEAR))
    pen = enlarged > rng.uniform(*THRESHOLD_RANGE)
    canvas = np.zeros((CANVAS, CANVAS), dtype=bool)
    top = rng.integers(0, CANVAS - height + 1)
    left = rng.integers(0, CANVAS - width + 1)
    canvas[top : top + height, left : left + width] = pen
    if rng.random() < 0.5:
        canvas = ~canvas
    return canvas.astype(np.uint8) * 255


def naive_digit(canvas):
    """What many drawing-pad demos do: white-on-black, then shrink the whole canvas to 28x28."""
    if np.median(canvas) > 127:
        canvas = 255 - canvas
    return np.asarray(Image.fromarray(canvas).resize((28, 28), Image.BOX))


def measure_fidelity(predict_fn, images, labels, seed=0, n=1000):
    """Accuracy on MNIST digits before and after redrawing + preprocessing.

    predict_fn maps float32 (n, 784) in [0, 1] to int labels. Uses a seeded
    random sample of `n` digits. Accuracies are fractions; `drop_points` and
    `naive_drop_points` are percentage points lost against the originals.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    rng = np.random.default_rng(seed)
    n = min(n, len(images))
    chosen = np.sort(rng.choice(len(images), size=n, replace=False))
    originals, truth = images[chosen], labels[chosen]
    canvases = [strokes_from_digit(image, rng) for image in originals]
    redrawn = np.stack([preprocess_digit(canvas) for canvas in canvases])
    naive = np.stack([naive_digit(canvas) for canvas in canvases])
    accuracy = {
        name: float(np.mean(np.asarray(predict_fn(_inputs(batch))) == truth))
        for name, batch in (("original", originals), ("redrawn", redrawn), ("naive", naive))
    }
    return {
        "original_accuracy": accuracy["original"],
        "redrawn_accuracy": accuracy["redrawn"],
        "naive_accuracy": accuracy["naive"],
        "drop_points": round(100 * (accuracy["original"] - accuracy["redrawn"]), 2),
        "naive_drop_points": round(100 * (accuracy["original"] - accuracy["naive"]), 2),
        "n": n,
    }


def _inputs(images):
    """uint8 (n, 28, 28) -> float32 (n, 784) in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)
