"""The fidelity measurement: redrawn digits as pen strokes, and what preprocessing gives back."""


import numpy as np
import pytest

from mnistbench.fidelity import CANVAS, measure_fidelity, naive_digit, strokes_from_digit
from mnistbench.preprocess import preprocess_digit


def synthetic_digits(count, seed=0):
    """MNIST-like 28x28 digits: random bars and blocks, made with preprocess_digit itself.

    The bars all cover the pixel (50, 50), so each digit is one connected shape
    (separate blobs would be several digits, or specks, to the preprocessing).
    """
    rng = np.random.default_rng(seed)
    digits = []
    for _ in range(count):
        canvas = np.zeros((100, 100), np.uint8)
        for _ in range(3):
            height, width = rng.integers(6, 35, size=2)
            top, left = rng.integers(51 - height, 51), rng.integers(51 - width, 51)
            canvas[top:top + height, left:left + width] = 255
        digits.append(preprocess_digit(canvas))
    return np.stack(digits)


def ink_box(canvas):
    """(height, width) of the ink (the minority colour) on a binary canvas."""
    ink = canvas != np.median(canvas)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_strokes_are_binary_pen_drawings_of_varied_size_place_and_polarity():
    digit = synthetic_digits(1)[0]
    rng = np.random.default_rng(1)
    canvases = [strokes_from_digit(digit, rng) for _ in range(40)]
    light_backgrounds = 0
    for canvas in canvases:
        assert canvas.shape == (CANVAS, CANVAS) and canvas.dtype == np.uint8
        assert set(np.unique(canvas)) <= {0, 255}
        assert 110 <= max(ink_box(canvas)) <= 245  # enlarged to 120-240 px, less the cut grey edge
        light_backgrounds += np.median(canvas) == 255
    assert 10 <= light_backgrounds <= 30
    assert len({max(ink_box(canvas)) for canvas in canvases}) > 10
    assert len({tuple(np.argwhere(canvas != np.median(canvas))[0]) for canvas in canvases}) > 30


def test_strokes_are_reproducible_from_the_seed():
    digit = synthetic_digits(1)[0]
    first = strokes_from_digit(digit, np.random.default_rng(7))
    again = strokes_from_digit(digit, np.random.default_rng(7))
    np.testing.assert_array_equal(first, again)


def test_preprocessing_a_redrawn_digit_gives_the_digit_back():
    digits = synthetic_digits(20)
    rng = np.random.default_rng(2)
    for digit in digits:
        back = preprocess_digit(strokes_from_digit(digit, rng))
        differences = [np.abs(np.roll(back, (dy, dx), axis=(0, 1)).astype(int) - digit).mean()
                       for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        assert min(differences) < 6  # binary strokes lose the grey edges (the naive way: 10-90)


def test_naive_pipeline_shrinks_the_whole_canvas():
    canvas = np.full((CANVAS, CANVAS), 255, np.uint8)
    canvas[:140, :140] = 0  # dark ink in the top-left quarter, white paper
    naive = naive_digit(canvas)
    assert naive.shape == (28, 28)
    assert (naive[:14, :14] == 255).all() and (naive[14:, :] == 0).all()


def test_measure_fidelity_reports_the_drop():
    digits = synthetic_digits(30)
    labels = np.arange(30) % 10
    known = {digit.tobytes(): label for digit, label in zip(digits, labels)}

    def recognises_only_originals(inputs):
        images = np.round(inputs * 255).astype(np.uint8).reshape(-1, 28, 28)
        return np.array([known.get(image.tobytes(), -1) for image in images])

    result = measure_fidelity(recognises_only_originals, digits, labels, n=20)
    assert result == {"original_accuracy": 1.0, "redrawn_accuracy": 0.0, "naive_accuracy": 0.0,
                      "drop_points": 100.0, "naive_drop_points": 100.0, "n": 20}

    always_three = measure_fidelity(lambda x: np.full(len(x), 3), digits, labels, n=100)
    assert always_three["n"] == 30  # capped at the number of digits given
    assert always_three["original_accuracy"] == always_three["redrawn_accuracy"] == 0.1
    assert always_three["drop_points"] == 0.0


@pytest.mark.realdata
def test_real_digits_lose_little_through_redrawing_and_the_naive_way_loses_much(shared_idx):
    train_images = shared_idx("mnist-10k-split", "train-images-idx3-ubyte.gz")
    train_labels = shared_idx("mnist-10k-split", "train-labels-idx1-ubyte.gz")
    test_images = shared_idx("mnist-10k-split", "t10k-images-idx3-ubyte.gz")
    test_labels = shared_idx("mnist-10k-split", "t10k-labels-idx1-ubyte.gz")
    # a least-squares linear classifier (about 85%): quick, and enough to see a drop
    inputs = np.c_[train_images.reshape(len(train_images), -1) / 255.0, np.ones(len(train_images))]
    targets = np.eye(10)[train_labels]
    weights = np.linalg.solve(inputs.T @ inputs + np.eye(785), inputs.T @ targets)

    def predict(x):
        return (np.c_[x, np.ones(len(x))] @ weights).argmax(axis=1)

    result = measure_fidelity(predict, test_images, test_labels, seed=0, n=300)
    assert result["original_accuracy"] > 0.8
    assert result["drop_points"] <= 4.0
    assert result["naive_drop_points"] >= 30.0
