"""A drawn or scanned digit -> 28x28 as MNIST saw it.

MNIST's digits were not simply shrunk: each was cropped to its ink, scaled so
its longest side is 20 px (anti-aliased, aspect ratio kept) and then placed in
a 28x28 field so that its centre of mass sits at the centre. A network trained
on MNIST only recognises digits made the same way, so the CLI's `predict` and
the workbench's digit pad both go through `preprocess_digit`. Before those
steps, `photo_pipeline` finds the ink on a photo of paper (uneven light,
ruled lines, pencil) and `ink_components` picks the digit among specks.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from mnistbench.errors import ImageError
from mnistbench.ink_components import group_mask, label_components, single_digit
from mnistbench.photo_pipeline import page_ink, to_grayscale  # noqa: F401 — to_grayscale is part of this API

FIELD = 28  # MNIST's image side
BOX = 20  # the longest side of the digit inside the field
CENTRE = 14.0  # where MNIST's centres of mass lie, in pixel indices (measured: 13.99, 14.01)
INK_THRESHOLD = 0.1  # soft ink below this (0..1) is not part of the digit's box
EDGE_MARGIN = 0.08  # of the strokes' size: how far beyond them a soft edge may reach
STROKE_LEVEL = 90  # percentile of the stroke's darkness that becomes full ink (255)


@dataclass(frozen=True)
class PreprocessSteps:
    """Every intermediate image, so the digit pad can show how MNIST would see a picture.

    Page steps, uint8 (h, w) at the working size (photos are shrunk by `scale`):
    grayscale (the input's lightness), background_removed (ink darkness once the
    page's brightness is divided out, white = ink), threshold_mask, lines_removed
    (the mask without ruled lines), chosen (the digit's soft ink only).
    MNIST's steps: cropped, scaled_20, centred_28, white ink on black.
    bbox: (top, left, bottom, right) of the ink in `grayscale`, bottom/right exclusive.
    centre_of_mass_shift: (dy, dx) pixels the centre-of-mass placement moved the
        digit away from plain bounding-box centring.
    inverted: True when the background was light. threshold: the cut used (0..1).
    scale: original pixels per working pixel; offset: (top, left) of the crop
        in the original image, (0, 0) when it was not cropped.
    """

    grayscale: np.ndarray
    cropped: np.ndarray
    scaled_20: np.ndarray
    centred_28: np.ndarray
    bbox: tuple
    centre_of_mass_shift: tuple
    inverted: bool
    background_removed: np.ndarray = None
    threshold_mask: np.ndarray = None
    lines_removed: np.ndarray = None
    chosen: np.ndarray = None
    threshold: float = 0.0
    scale: int = 1
    offset: tuple = (0, 0)

    @property
    def image_box(self):
        """The digit's box (top, left, bottom, right) in the original image's pixels (for `predict --json`)."""
        top, left, bottom, right = self.bbox
        (top0, left0), scale = self.offset, self.scale
        return (top0 + top * scale, left0 + left * scale, top0 + bottom * scale, left0 + right * scale)


def preprocess_digit(image, steps=False, threshold=None, crop=None):
    """Return uint8 (28, 28) white ink on black, made the way MNIST made its digits.

    `image` is (H, W) or (H, W, 3|4), uint8 0..255 or float (0..1, or 0..255
    when its maximum is above 1): a drawing, a scan or a photo of paper.
    `threshold` (0..1 of ink darkness) overrides the automatic one; `crop`
    (top, left, bottom, right) in image pixels limits the search for ink.
    With `steps=True` return `PreprocessSteps`. Raises ImageError with one
    line: no ink, a page too dark, or several digits where one was asked for.
    """
    image, offset = crop_image(image, crop)
    return digit_from_page(page_ink(image, threshold), offset, steps)


def digit_from_page(page, offset=(0, 0), steps=False):
    """preprocess_digit's steps after the page ones, for a photo_pipeline.PageInk found already.

    `offset` is (top, left) of the picture the page came from in the original image.
    """
    labels, groups = label_components(page.ink_mask, page.darkness)
    if not groups:
        raise ImageError("the drawing is empty")
    main, others = single_digit(groups)
    if others:
        raise ImageError(f"{others + 1} separate digits found where one was expected: read them as a number")
    ink = soft_ink(page, group_mask(main, labels, page.ink_mask))
    made = mnist_digit(ink)
    if not steps:
        return made.centred_28
    return PreprocessSteps(
        grayscale=_to_uint8(page.gray), cropped=made.cropped, scaled_20=made.scaled_20,
        centred_28=made.centred_28, bbox=made.bbox, centre_of_mass_shift=made.shift,
        inverted=page.inverted, background_removed=_to_uint8(page.background_removed),
        threshold_mask=_to_uint8(page.mask), lines_removed=_to_uint8(page.ink_mask),
        chosen=_to_uint8(ink), threshold=page.threshold, scale=page.scale, offset=offset)


@dataclass(frozen=True)
class MnistDigit:
    """MNIST's own steps on one digit's ink: uint8 images, the box in the ink map, the shift."""

    cropped: np.ndarray
    scaled_20: np.ndarray
    centred_28: np.ndarray
    bbox: tuple
    shift: tuple


def mnist_digit(ink):
    """Float ink map (h, w) in [0, 1] of one digit -> MNIST's crop, 20 px box and centring."""
    top, left, bottom, right = _ink_bbox(ink)
    cropped = ink[top:bottom, left:right]
    scaled = _scale_longest_side(cropped, BOX)
    centred, shift = _place_by_centre_of_mass(scaled)
    return MnistDigit(_to_uint8(cropped), _to_uint8(scaled), _to_uint8(centred), (top, left, bottom, right), shift)


def soft_ink(page, chosen):
    """The chosen strokes as soft grey levels in [0, 1], as MNIST has them, not a binary mask.

    The stroke's typical darkness becomes full ink and darkness fades to nothing
    at the paper's noise level. Soft edges are kept by hysteresis: any fainter
    ink (above INK_THRESHOLD) connected to the chosen strokes belongs to them,
    however wide the edge (an enlarged MNIST digit's is ten pixels).
    """
    level = float(np.percentile(page.darkness[chosen], STROKE_LEVEL))
    floor = min(page.paper, 0.5 * level)
    ink = np.clip((page.darkness - floor) / max(level - floor, 1e-3), 0.0, 1.0)
    faint, _ = ndimage.label(ink >= INK_THRESHOLD, structure=np.ones((3, 3), dtype=bool))
    keep = np.zeros(faint.max() + 1, dtype=bool)
    keep[faint[chosen]] = True
    keep[0] = False
    ink[~keep[faint]] = 0.0
    rows, cols = np.flatnonzero(chosen.any(axis=1)), np.flatnonzero(chosen.any(axis=0))
    margin = max(2, round(EDGE_MARGIN * max(rows[-1] - rows[0], cols[-1] - cols[0])))
    edge = np.zeros_like(chosen)  # and near them: faint ink never reaches into a neighbouring digit
    edge[max(0, rows[0] - margin):rows[-1] + margin + 1, max(0, cols[0] - margin):cols[-1] + margin + 1] = True
    ink[~edge] = 0.0
    if not ink.any():
        raise ImageError("the drawing is empty")
    return ink


def crop_image(image, crop):
    """(the image limited to `crop` (top, left, bottom, right), (top, left)); the whole image when None."""
    image = np.asarray(image)
    if crop is None:
        return image, (0, 0)
    top, left, bottom, right = (int(round(v)) for v in crop)
    top, left = max(0, top), max(0, left)
    bottom, right = min(image.shape[0], bottom), min(image.shape[1], right)
    if bottom - top < 2 or right - left < 2:
        raise ImageError(f"the crop rectangle {tuple(crop)} leaves no picture")
    return image[top:bottom, left:right], (top, left)


def to_network_input(img28):
    """uint8 (28, 28) -> float32 (784,) in [0, 1], the network's input layout."""
    img28 = np.asarray(img28)
    if img28.shape != (FIELD, FIELD):
        raise ValueError(f"expected a 28x28 image, got shape {img28.shape}")
    return (img28.reshape(-1) / np.float32(255)).astype(np.float32)


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
