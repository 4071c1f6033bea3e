"""The photo generator and the photo benchmark's measurements, on a few digits."""

import numpy as np
import pytest

from mnistbench.photo_bench import measure_number_reading, measure_photo_fidelity
from mnistbench.photo_fidelity import CONDITIONS, PHOTO, PhotoConditions, digit_alpha, photo_of_digit, photo_of_number
from mnistbench.preprocess import preprocess_digit


def block_digit():
    """A 28x28 "7"-like digit: a bar and a leg."""
    digit = np.zeros((28, 28), np.uint8)
    digit[5:9, 6:22] = 255
    digit[9:24, 17:21] = 255
    return digit


def test_a_photo_is_an_rgb_jpeg_sized_sheet_with_the_digit_somewhere_on_it():
    rng = np.random.default_rng(0)
    photo, conditions = photo_of_digit(block_digit(), rng)
    assert photo.shape == PHOTO + (3,) and photo.dtype == np.uint8
    assert conditions.light in CONDITIONS["light"] and conditions.ink in CONDITIONS["ink"]
    gray = photo.mean(axis=2)
    assert gray.min() < 0.6 * np.median(gray)  # ink darker than the paper around it


def test_photos_are_reproducible_and_varied():
    first, _ = photo_of_digit(block_digit(), np.random.default_rng(3))
    again, _ = photo_of_digit(block_digit(), np.random.default_rng(3))
    np.testing.assert_array_equal(first, again)
    drawn = {PhotoConditions.draw(np.random.default_rng(seed)) for seed in range(60)}
    for field, values in CONDITIONS.items():
        assert {getattr(c, field) for c in drawn} == set(values)


def test_digit_alpha_has_the_asked_height_and_pencil_is_thinner():
    rng = np.random.default_rng(1)
    pen = digit_alpha(block_digit(), 200, np.random.default_rng(1))
    pencil = digit_alpha(block_digit(), 200, np.random.default_rng(1), pencil=True)
    assert 190 <= pen.shape[0] <= 260  # rotation adds a little
    assert pencil.sum() < pen.sum() and 0 <= pen.min() and pen.max() <= 1
    assert digit_alpha(block_digit(), 150, rng).shape[0] < pen.shape[0]


def test_a_photo_of_the_digit_comes_back_like_the_digit():
    rng = np.random.default_rng(4)
    clean = preprocess_digit(block_digit())
    for _ in range(3):
        photo, _ = photo_of_digit(block_digit(), rng, PhotoConditions("shadow", "blue", "ruled"))
        back = preprocess_digit(photo)
        assert np.abs(back.astype(int) - clean).mean() < 25  # rotation and a thicker pen, not a different shape


def test_number_photo_columns_are_left_to_right():
    photo, _, columns = photo_of_number(np.stack([block_digit()] * 4), np.random.default_rng(2))
    assert photo.shape == PHOTO + (3,)
    assert all(a[1] <= b[0] + 1 for a, b in zip(columns, columns[1:]))


class Oracle:
    """A 'network' that answers with the label it was told, for whatever it is shown."""

    layer_sizes = (784, 10)

    def __init__(self, label):
        self.label = label
        self.metadata = {}  # no training record: it reads grey images, as a network trained on them does

    def predict(self, x):
        return np.full(len(x), self.label)

    def predict_proba(self, x):
        p = np.full((len(x), 10), 0.01)
        p[:, self.label] = 0.91
        return p


def test_measurements_count_right_answers_per_condition():
    images, labels = np.stack([block_digit()] * 6), np.full(6, 7)
    result = measure_photo_fidelity(Oracle(7), images, labels, n=6)
    assert result["photos"] == result["originals"] == 1.0 and result["n"] == 6
    assert sum(v["n"] for k, v in result["per_condition"].items() if k.startswith("ink=")) == 6
    wrong = measure_photo_fidelity(Oracle(3), images, labels, n=6)
    assert wrong["photos"] == wrong["originals"] == 0.0
    numbers = measure_number_reading(Oracle(7), images, labels, n=2, length=3)
    assert numbers["originals_entirely_right"] == 1.0 and 0.0 <= numbers["entirely_right"] <= 1.0


@pytest.mark.realdata
def test_the_bundled_network_reads_most_photos_of_held_out_digits(shared_idx):
    from mnistbench.bundled import bundled_path
    from mnistbench.netfile import load_network

    images = shared_idx("mnist-10k-split", "t10k-images-idx3-ubyte.gz")
    labels = shared_idx("mnist-10k-split", "t10k-labels-idx1-ubyte.gz")
    result = measure_photo_fidelity(load_network(bundled_path("best-mnist")), images, labels, n=40, seed=5)
    assert result["photos"] >= 0.85  # the full 1,000-photo run is `mnistbench bench fidelity`
