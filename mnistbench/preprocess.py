"""A drawn or scanned digit -> 28x28 as MNIST saw it.

MNIST's digits were not simply shrunk: each was cropped to its ink, scaled so
its longest side is 20 px (anti-aliased, aspect ratio kept) and then placed in
a 28x28 field so that its centre of mass sits at the centre. A network trained
on MNIST only recognises digits made the same way, so the CLI's `predict` and
the workbench's digit pad both go through `preprocess_digit`.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image

from mnistbench.errors import ImageError

FIELD = 28  # MNIST's image side
BOX = 20  # the longest side of the digit inside the field
CENTRE = 14.0  # where MNIST's centres of mass lie, in pixel indices (measured: 13.99, 14.01)
INK_THRESHOLD = 0.1  # ink below this (0..1, after background removal) is noise
MIN_CONTRAST = 0.05  # less ink contrast than this (0..1) counts as a blank drawing
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R BT.601, what Pillow's "L" mode uses


@dataclass(frozen=True)
class PreprocessSteps:
    """Every intermediate image, so the digit pad can show how MNIST would see a drawing.

    grayscale: uint8 (H, W), the input as grey levels (alpha composited over white).
    cropped, scaled_20, centred_28: uint8, white ink on black.
    bbox: (top, left, bottom, right) of the ink in `grayscale`, bottom/right exclusive.
    centre_of_mass_shift: (dy, dx) pixels the centre-of-mass placement moved the
        digit away from plain bounding-box centring.
    inverted: True when the background was light and the image was inverted.
    """

    grayscale: np.ndarray
    cropped: np.ndarray
    scaled_20: np.ndarray
    centred_28: np.ndarray
    bbox: tuple
    centre_of_mass_shift: tuple
    inverted: bool


def preprocess_digit(image, steps=False):
    """Return uint8 (28, 28) white ink on black, made the way MNIST made its digits.

    `image` is (H, W) or (H, W, 3|4), uint8 0..255 or float (0..1, or 0..255
    when its maximum is above 1). With `steps=True` return `PreprocessSteps`.
    Raises ImageError("the drawing is empty") when there is no ink.
    """
    gray = to_grayscale(image)
    ink, inverted = _ink(gray)
    top, left, bottom, right = _ink_bbox(ink)
    cropped = ink[top:bottom, left:right]
    scaled = _scale_longest_side(cropped, BOX)
    centred, shift = _place_by_centre_of_mass(scaled)
    result = _to_uint8(centred)
    if not steps:
        return result
    return PreprocessSteps(
        grayscale=_to_uint8(gray),
        cropped=_to_uint8(cropped),
        scaled_20=_to_uint8(scaled),
        centred_28=result,
        bbox=(top, left, bottom, right),
        centre_of_mass_shift=shift,
        inverted=inverted,
    )


def to_network_input(img28):
    """uint8 (28, 28) -> float32 (784,) in [0, 1], the network's input layout."""
    img28 = np.asarray(img28)
    if img28.shape != (FIELD, FIELD):
        raise ValueError(f"expected a 28x28 image, got shape {img28.shape}")
    return (img28.reshape(-1) / np.float32(255)).astype(np.float32)


def to_grayscale(image):
    """Any supported array -> float (H, W) lightness in [0, 1]; transparency shows white."""
    image = np.asarray(image)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ImageError(f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got shape {image.shape}")
    if image.size == 0:
        raise ImageError("the drawing is empty")
    values = _unit_range(image)
    if values.ndim == 2:
        return values
    gray = values[..., :3] @ LUMA
    if values.shape[2] == 4:  # composite over white: what a viewer shows
        alpha = values[..., 3]
        gray = gray * alpha + (1.0 - alpha)
    return gray


def _unit_range(image):
    """Scale uint8 or float pixel values to float32 in [0, 1] (float32: photos are big)."""
    if image.dtype == np.uint8:
        return image.astype(np.float32) / np.float32(255)
    if not np.issubdtype(image.dtype, np.floating):
        raise ImageError(f"expected uint8 or float pixels, got {image.dtype}")
    if not np.isfinite(image).all():
        raise ImageError("the image has NaN or infinite pixels")
    values = image.astype(np.float32)
    if values.max() > 1.0:
        values = values / np.float32(255)
    return np.clip(values, 0.0, 1.0)


def _ink(gray):
    """Lightness -> ink in [0, 1] (0 = background), inverting light backgrounds.

    The background is the median of the border pixels; subtracting it and
    stretching the rest to 1 makes grey paper and pale pencil look like MNIST.
    """
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.median(border))
    inverted = background > 0.5
    ink = 1.0 - gray if inverted else gray
    background = 1.0 - background if inverted else background
    contrast = float(ink.max()) - background
    if contrast < MIN_CONTRAST:
        raise ImageError("the drawing is empty")
    ink = np.clip((ink - background) / contrast, 0.0, 1.0)
    ink[ink < INK_THRESHOLD] = 0.0
    return ink, inverted


def _ink_bbox(ink):
    """(top, left, bottom, right) of the nonzero ink, bottom/right exclusive."""
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def _scale_longest_side(ink, size):
    """Resize so the longest side is `size`, keeping the aspect ratio.

    Shrinking averages the source area under each output pixel (Pillow's BOX
    filter), which is the anti-aliasing MNIST used; enlarging a tiny drawing
    interpolates bilinearly instead of making blocks.
    """
    height, width = ink.shape
    factor = size / max(height, width)
    new_height = max(1, round(height * factor))
    new_width = max(1, round(width * factor))
    resample = Image.BOX if factor <= 1 else Image.BILINEAR
    picture = Image.fromarray(ink.astype(np.float32))
    scaled = np.asarray(picture.resize((new_width, new_height), resample), dtype=np.float64)
    return np.clip(scaled, 0.0, 1.0)


def _place_by_centre_of_mass(scaled):
    """Paste into 28x28 with the intensity centre of mass at (14, 14), whole pixels only.

    The offset is clipped so no ink falls off the field. Returns the field and
    the (dy, dx) shift relative to simply centring the bounding box.
    """
    height, width = scaled.shape
    total = scaled.sum()
    com_y = (scaled.sum(axis=1) @ np.arange(height)) / total
    com_x = (scaled.sum(axis=0) @ np.arange(width)) / total
    top = int(np.clip(round(CENTRE - com_y), 0, FIELD - height))
    left = int(np.clip(round(CENTRE - com_x), 0, FIELD - width))
    field = np.zeros((FIELD, FIELD))
    field[top : top + height, left : left + width] = scaled
    shift = (top - (FIELD - height) // 2, left - (FIELD - width) // 2)
    return field, shift


def _to_uint8(values):
    """Float in [0, 1] -> uint8 0..255, rounded."""
    return np.round(np.clip(values, 0.0, 1.0) * 255).astype(np.uint8)
