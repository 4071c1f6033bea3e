"""preprocess_digit: synthetic drawings with known answers, and real MNIST digits sent round-trip."""


import numpy as np
import pytest

from mnistbench.errors import ImageError
from mnistbench.preprocess import PreprocessSteps, preprocess_digit, to_network_input


def centre_of_mass(image):
    """(row, column) of the intensity centre of mass, in pixel indices."""
    image = image.astype(np.float64)
    total = image.sum()
    return (image.sum(axis=1) @ np.arange(image.shape[0]) / total,
            image.sum(axis=0) @ np.arange(image.shape[1]) / total)


def ink_shape(image):
    """(height, width) of the bounding box of the nonzero pixels."""
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def canvas_with(*boxes, size=(200, 200)):
    """White ink on a black uint8 canvas, one filled rectangle per (top, left, bottom, right)."""
    canvas = np.zeros(size, dtype=np.uint8)
    for top, left, bottom, right in boxes:
        canvas[top:bottom, left:right] = 255
    return canvas


SEVEN = canvas_with((30, 40, 50, 160), (50, 130, 180, 150))  # a bar and a long leg


def test_off_centre_square_lands_centred_with_side_20():
    result = preprocess_digit(canvas_with((10, 140, 40, 170)))
    assert result.dtype == np.uint8 and result.shape == (28, 28)
    assert ink_shape(result) == (20, 20)
    assert np.allclose(centre_of_mass(result), (14, 14), atol=0.5)
    assert result.max() == 255


def test_lopsided_shape_is_clipped_not_cut_off():
    heavy_corner = canvas_with((20, 20, 80, 80), (20, 20, 190, 24), (20, 20, 24, 190))
    steps = preprocess_digit(heavy_corner, steps=True)
    # its centre of mass is near its top left, so it is pushed to the bottom-right edges
    assert steps.centred_28[-1].any() and steps.centred_28[:, -1].any()
    assert steps.centre_of_mass_shift == (4, 4)
    assert steps.centred_28.astype(int).sum() == steps.scaled_20.astype(int).sum()


def test_black_on_white_equals_white_on_black():
    white_on_black = preprocess_digit(SEVEN)
    black_on_white = preprocess_digit(255 - SEVEN)
    assert np.abs(white_on_black.astype(int) - black_on_white).max() <= 1


def test_rgba_with_transparent_background_matches_grey_drawing():
    rgba = np.zeros(SEVEN.shape + (4,), dtype=np.uint8)  # transparent everywhere...
    rgba[..., 3] = SEVEN  # ...except the stroke, which is opaque black
    np.testing.assert_array_equal(preprocess_digit(rgba), preprocess_digit(SEVEN))


def test_rgb_and_float_inputs_match_uint8():
    rgb = np.repeat((255 - SEVEN)[..., None], 3, axis=2)
    expected = preprocess_digit(SEVEN)
    assert np.abs(preprocess_digit(rgb).astype(int) - expected).max() <= 1
    np.testing.assert_array_equal(preprocess_digit(SEVEN / 255.0), expected)
    np.testing.assert_array_equal(preprocess_digit(SEVEN.astype(np.float32)), expected)


def test_tall_thin_stroke_keeps_its_aspect_ratio():
    one = preprocess_digit(canvas_with((20, 95, 180, 105)))  # 160 x 10: a "1"
    height, width = ink_shape(one)
    assert height == 20
    assert width <= 3


def test_grey_paper_and_pencil_look_like_clean_ink():
    paper = np.full(SEVEN.shape, 200, dtype=np.uint8)
    paper[SEVEN > 0] = 90  # pencil on grey paper, with a little noise
    paper[5:8, 5:8] = 190
    clean = preprocess_digit(255 - SEVEN)
    assert np.abs(preprocess_digit(paper).astype(int) - clean).max() <= 1


def test_faint_noise_does_not_move_the_crop():
    noisy = SEVEN.copy()
    noisy[190:, :] = 15  # faint smudge along the bottom edge
    noisy[0, 0] = 20
    np.testing.assert_array_equal(preprocess_digit(noisy, steps=True).bbox, (30, 40, 180, 160))


@pytest.mark.parametrize("blank", [
    np.zeros((50, 50), np.uint8),
    np.full((50, 50), 255, np.uint8),
    np.full((50, 50, 3), 128, np.uint8),
    np.zeros((50, 50, 4), np.uint8),  # fully transparent
    np.zeros((0, 0), np.uint8),
])
def test_blank_drawing_is_a_clear_error(blank):
    with pytest.raises(ImageError, match="^the drawing is empty$"):
        preprocess_digit(blank)


@pytest.mark.parametrize("bad", [
    np.zeros((5, 5, 2), np.uint8),
    np.zeros(5, np.uint8),
    np.full((5, 5), np.nan),
    np.zeros((5, 5), np.int32),
])
def test_unsupported_arrays_are_refused_in_one_line(bad):
    with pytest.raises(ImageError) as error:
        preprocess_digit(bad)
    assert "\n" not in str(error.value)


def test_steps_are_consistent():
    steps = preprocess_digit(255 - SEVEN, steps=True)
    assert isinstance(steps, PreprocessSteps)
    assert steps.inverted
    np.testing.assert_array_equal(steps.grayscale, 255 - SEVEN)
    top, left, bottom, right = steps.bbox
    assert (top, left, bottom, right) == (30, 40, 180, 160)
    assert steps.cropped.shape == (bottom - top, right - left) and steps.cropped.max() == 255
    assert max(steps.scaled_20.shape) == 20
    np.testing.assert_array_equal(steps.centred_28, preprocess_digit(255 - SEVEN))
    # the shift, applied to plain box centring, reproduces the centred image
    height, width = steps.scaled_20.shape
    dy, dx = steps.centre_of_mass_shift
    top28, left28 = (28 - height) // 2 + dy, (28 - width) // 2 + dx
    np.testing.assert_array_equal(steps.centred_28[top28:top28 + height, left28:left28 + width],
                                  steps.scaled_20)
    with pytest.raises(AttributeError):
        steps.bbox = (0, 0, 1, 1)


def test_to_network_input():
    x = to_network_input(preprocess_digit(SEVEN))
    assert x.dtype == np.float32 and x.shape == (784,)
    assert x.min() == 0.0 and x.max() == 1.0
    with pytest.raises(ValueError):
        to_network_input(np.zeros((20, 20), np.uint8))


@pytest.mark.realdata
def test_real_digits_enlarged_tenfold_come_back_unchanged(shared_idx):
    digits = shared_idx("mnist", "t10k-images-idx3-ubyte.gz")[:100]
    for digit in digits:
        result = preprocess_digit(np.kron(digit, np.ones((10, 10), np.uint8)))
        assert np.allclose(centre_of_mass(result), centre_of_mass(digit), atol=1.0)
        # the placement is whole pixels, so allow a one-pixel shift when comparing
        differences = [np.abs(np.roll(result, (dy, dx), axis=(0, 1)).astype(int) - digit).mean()
                       for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        assert min(differences) < 2.0  # grey levels out of 255, averaged over the image
