"""Picking digits among specks, merging broken strokes, splitting touching digits, reading a number."""

import json

import numpy as np
import pytest

from mnistbench.engine.network import Network
from mnistbench.errors import ImageError
from mnistbench.ink_components import digit_groups, label_components, single_digit, split_touching
from mnistbench.number_reading import format_number, number_record, read_number, segment_number
from mnistbench.preprocess import preprocess_digit


def pad(*boxes, size=(200, 400)):
    """White ink on a black canvas, one filled rectangle per (top, left, bottom, right)."""
    canvas = np.zeros(size, np.uint8)
    for top, left, bottom, right in boxes:
        canvas[top:bottom, left:right] = 255
    return canvas


def groups_of(canvas):
    darkness = canvas.astype(np.float32) / 255
    labels, groups = label_components(darkness > 0.5, darkness)
    return labels, groups


def test_specks_are_dropped_and_a_broken_stroke_is_one_digit():
    canvas = pad((40, 100, 90, 115), (100, 100, 160, 115), (5, 380, 7, 382))  # a "1" broken in two, a speck
    labels, groups = groups_of(canvas)
    assert len(groups) == 2  # the speck is too small to count
    main, others = single_digit(groups)
    assert main.box == (40, 100, 160, 115) and others == 0
    assert preprocess_digit(canvas, steps=True).bbox == (40, 100, 160, 115)


def test_two_separate_digits_are_refused_when_one_was_asked_for():
    canvas = pad((40, 60, 160, 80), (40, 300, 160, 320))
    with pytest.raises(ImageError, match="^2 separate digits found where one was expected"):
        preprocess_digit(canvas)


def test_a_fives_bar_beside_its_body_joins_it():
    five_bar, five_body = (40, 110, 52, 170), (60, 100, 160, 125)
    one = (40, 250, 160, 265)
    labels, groups = groups_of(pad(five_bar, five_body, one))
    digits = digit_groups(groups, labels.shape)
    assert [d.box for d in digits] == [(40, 100, 160, 170), one]


def test_touching_digits_are_cut_where_the_ink_is_thinnest():
    canvas = pad((60, 100, 140, 150), (60, 210, 140, 260), (100, 150, 104, 210))  # two blocks, a thin bridge
    labels, groups = groups_of(canvas)
    [group] = digit_groups(groups, labels.shape)
    assert split_touching(group, canvas > 127, labels, digit_height=160) == [group]  # one wide digit
    parts = split_touching(group, canvas > 127, labels, digit_height=80)
    assert len(parts) == 2
    assert 150 <= parts[0].box[3] <= 210 and parts[1].box[1] == parts[0].box[3]


def test_segment_number_gives_boxes_left_to_right_in_image_pixels():
    bars = [(40, 60, 160, 80), (50, 180, 150, 200), (40, 300, 160, 320)]
    page, candidates = segment_number(pad(*bars))
    assert len(candidates) == 3 and all(len(c) == 1 for c in candidates)
    boxes = [c[0][0][0] for c in candidates]
    assert boxes == bars
    assert all(c[0][0][1].shape == (28, 28) for c in candidates)


def test_read_number_formats_and_records_each_digit():
    net = Network([784, 10], activation="relu", output="softmax", loss="cross_entropy", seed=0)
    reading = read_number(net, pad((40, 60, 160, 80), (40, 300, 160, 320)))
    assert len(reading.digits) == 2 and len(reading.text) == 2
    line = format_number(reading)
    assert line.startswith(reading.text + " (") and line.count(",") == 1
    record = json.loads(json.dumps(number_record(reading, "n.png")))
    assert record["number"] == reading.text and record["digits"][1]["box"]["left"] == 300


def test_a_crop_limits_the_search_and_boxes_stay_in_image_pixels():
    page, candidates = segment_number(pad((40, 60, 160, 80), (40, 300, 160, 320)), crop=(0, 200, 200, 400))
    assert [c[0][0][0] for c in candidates] == [(40, 300, 160, 320)]


def test_no_ink_is_one_clear_line():
    with pytest.raises(ImageError, match="^the drawing is empty$"):
        segment_number(np.zeros((50, 80), np.uint8))


def test_reading_a_number_from_a_file_names_the_file_in_errors(tmp_path):
    from PIL import Image

    from mnistbench.number_reading import read_number_file

    net = Network([784, 10], activation="relu", output="softmax", loss="cross_entropy", seed=0)
    Image.fromarray(255 - pad((40, 60, 160, 80), (40, 300, 160, 320))).save(tmp_path / "n.png")
    assert len(read_number_file(net, tmp_path / "n.png").digits) == 2
    Image.fromarray(np.full((50, 50), 255, np.uint8)).save(tmp_path / "blank.png")
    with pytest.raises(ImageError, match=r"blank\.png: the drawing is empty$"):
        read_number_file(net, tmp_path / "blank.png")


def test_a_photo_digit_box_is_given_in_the_original_pixels():
    big = np.zeros((1600, 1600), np.uint8)
    big[400:1200, 700:800] = 255
    steps = preprocess_digit(big, steps=True)
    assert steps.scale == 3
    top, left, bottom, right = steps.image_box
    assert abs(top - 400) <= 3 and abs(left - 700) <= 3 and abs(bottom - 1200) <= 3 and abs(right - 800) <= 3


def test_the_pads_reading_is_a_number_a_digit_or_one_line_of_trouble():
    from mnistbench.gui.panels.digit_pad.pad_reading import automatic_threshold, describe, digit_boxes, read_pad

    net = Network([784, 10], activation="relu", output="softmax", loss="cross_entropy", seed=0)
    number = read_pad(pad((40, 60, 160, 80), (40, 300, 160, 320)), net)
    assert number.steps is None and len(number.number.digits) == 2
    assert [box for box, _ in digit_boxes(number)] == [(40, 60, 160, 80), (40, 300, 160, 320)]
    assert describe(number).startswith("2 digits") and 0 < automatic_threshold(number) < 1
    one = read_pad(pad((40, 60, 160, 80)), net)
    assert one.number is None and one.steps.centred_28.shape == (28, 28) and digit_boxes(one) == []
    assert describe(one).startswith(f"Threshold {one.steps.threshold:.2f}.")
    blank = read_pad(np.zeros((50, 50), np.uint8), net)
    assert blank.problem == "the drawing is empty" and describe(blank) == "The drawing is empty."
    assert automatic_threshold(blank) is None and "open a photo" in describe(None)
