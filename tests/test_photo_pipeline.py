"""The page steps of a photo, each on a small generated picture with a known answer."""

import numpy as np
import pytest

from mnistbench.errors import ImageError
from mnistbench.photo_pipeline import (WORK_SIDE, otsu_threshold, page_ink, remove_background, remove_lines,
                                       working_gray)
from mnistbench.preprocess import preprocess_digit


def paper(height=240, width=320, light=0.9):
    return np.full((height, width), light, dtype=np.float32)


def with_stroke(page, darkness=0.8, rows=(60, 180), cols=(150, 170)):
    """A vertical pen stroke that takes `darkness` of the light away."""
    page = page.copy()
    page[rows[0]:rows[1], cols[0]:cols[1]] *= 1 - darkness
    return page


def test_big_pictures_are_averaged_down_to_the_working_size():
    photo = np.zeros((3000, 4000, 3), np.uint8)
    gray, scale = working_gray(photo)
    assert scale == 7 and max(gray.shape) <= WORK_SIDE and gray.dtype == np.float32
    small, scale = working_gray(np.zeros((280, 280), np.uint8))
    assert scale == 1 and small.shape == (280, 280)


def test_background_division_makes_ink_as_dark_in_shadow_as_in_light():
    ramp = np.linspace(1.0, 0.35, 320, dtype=np.float32)[None, :]  # lit from the left
    page = with_stroke(paper(), cols=(40, 60)) * ramp
    page = with_stroke(page, cols=(260, 280))  # the same pen on the dark side
    darkness = remove_background(page, inverted=True)
    left, right = darkness[100:140, 45:55].mean(), darkness[100:140, 265:275].mean()
    assert abs(left - right) < 0.05 and left > 0.7
    assert darkness[:, 100:220].max() < 0.05  # the paper, however lit, is no ink


def test_a_pad_with_light_ink_on_black_is_read_the_same_way():
    pad = np.zeros((200, 200), np.float32)
    pad[50:150, 90:110] = 1.0
    darkness = remove_background(pad, inverted=False)
    assert darkness[60:140, 95:105].min() > 0.95 and darkness[:, :80].max() == 0


def test_otsu_cuts_between_two_levels():
    values = np.concatenate([np.full(900, 0.1), np.full(100, 0.7)])
    assert 0.1 < otsu_threshold(values) < 0.7
    assert abs(otsu_threshold(values) - 0.4) < 0.05  # the middle of the tie, not its start


def test_ruled_lines_are_removed_but_a_stroke_crossing_them_stays():
    page = paper()
    page[::30, :] *= 0.75  # faint ruled lines, one pixel thick
    page = with_stroke(page)
    clean, lines = remove_lines(remove_background(page, inverted=True))
    assert clean[90, :100].max() < 0.05  # the line beside the stroke is gone
    assert clean[90, 152:168].min() > 0.5  # where the stroke crosses it, ink is left
    assert lines[90, 10] > 0.15


def test_page_ink_steps_fit_together():
    page = paper()
    page[::30, :] *= 0.7
    ink = page_ink(with_stroke(page))
    assert ink.inverted and ink.mask.shape == ink.gray.shape == (240, 320)
    assert ink.lines.any() and not ink.ink_mask[90, :100].any()
    assert ink.ink_mask[100, 155:165].all()
    assert (ink.ink_mask <= ink.mask | ~ink.lines).all()


def test_threshold_override_is_used():
    pencil = with_stroke(paper(), darkness=0.3)
    assert page_ink(pencil, threshold=0.2).ink_mask.any()
    with pytest.raises(ImageError, match="no ink darker than threshold 0.50"):
        page_ink(pencil, threshold=0.5)


def test_a_page_too_dark_gets_its_own_message():
    rng = np.random.default_rng(0)
    dark = np.clip(0.1 + rng.normal(0, 0.002, (100, 100)), 0, 1).astype(np.float32)
    with pytest.raises(ImageError, match="too dark to tell ink from paper"):
        preprocess_digit(dark)


def test_a_pencil_digit_on_a_shadowed_ruled_page_comes_out_like_the_clean_one():
    clean = np.zeros((240, 320), np.uint8)
    clean[60:180, 150:170] = 255
    clean[60:75, 120:170] = 255  # a "1" with a flag
    ramp = np.linspace(1.0, 0.45, 320, dtype=np.float32)[None, :]
    photo = paper(light=0.85) * ramp * (1 - 0.35 * clean / 255)
    photo[::25, :] *= 0.8
    expected = preprocess_digit(clean)
    got = preprocess_digit(photo)
    assert np.abs(got.astype(int) - expected).mean() < 8
