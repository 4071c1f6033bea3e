"""Photo-like pictures of held-out MNIST digits, for measuring how well photos are read.

Nobody can photograph the test set for us, so we make the photos: each digit's
ink is enlarged onto a 640x480 sheet of off-white paper, written in black,
blue or pencil, on plain, ruled or squared paper, lit unevenly (from one side,
sometimes with a cast shadow), slightly rotated and blurred, with sensor noise,
and saved as a JPEG. Each photo draws one value of each condition, so the
accuracy can be reported per condition. Only ever fed the test half of a split.
"""

from dataclasses import dataclass
import io

import numpy as np
from PIL import Image
from scipy import ndimage

PHOTO = (480, 640)  # (height, width) of a phone photo, shrunk
CONDITIONS = {  # one value of each is drawn for every photo
    "light": ("soft", "side", "shadow"),
    "ink": ("black", "blue", "pencil"),
    "paper": ("plain", "ruled", "grid"),
}
DIGIT_HEIGHT = (140, 300)  # px on the photo, one digit
NUMBER_HEIGHT = (100, 150)  # px on the photo, each digit of a number
ROTATION = 8.0  # degrees, at most, either way
JPEG_QUALITY = (60, 90)
INK_COLOURS = {"black": (0.10, 0.10, 0.12), "blue": (0.15, 0.22, 0.60), "pencil": (0.42, 0.42, 0.45)}
LINE_COLOUR = np.array([0.55, 0.70, 0.92], dtype=np.float32)  # faint blue print, reflectance


@dataclass(frozen=True)
class PhotoConditions:
    light: str
    ink: str
    paper: str

    @classmethod
    def draw(cls, rng):
        return cls(*(str(rng.choice(values)) for values in CONDITIONS.values()))


def photo_of_digit(img28, rng, conditions=None):
    """One MNIST digit photographed: (uint8 (480, 640, 3) RGB decoded from a JPEG, PhotoConditions)."""
    conditions = conditions or PhotoConditions.draw(rng)
    alpha = digit_alpha(img28, rng.uniform(*DIGIT_HEIGHT), rng, conditions.ink == "pencil")
    coverage = np.zeros(PHOTO, dtype=np.float32)
    _paste(coverage, alpha, rng.integers(10, PHOTO[0] - alpha.shape[0] - 10 + 1),
           rng.integers(10, PHOTO[1] - alpha.shape[1] - 10 + 1))
    return photograph(coverage, conditions, rng), conditions


def photo_of_number(digits28, rng, conditions=None):
    """Digits written side by side, like "2026": (RGB photo, PhotoConditions, list of (left, right) columns)."""
    conditions = conditions or PhotoConditions.draw(rng)
    height, width = rng.uniform(*NUMBER_HEIGHT), np.inf
    while width > PHOTO[1] - 20:  # a long number is written smaller
        alphas = [digit_alpha(d, height * rng.uniform(0.9, 1.1), rng, conditions.ink == "pencil")
                  for d in digits28]
        gaps = [height * rng.uniform(0.0, 0.3) for _ in alphas[1:]]
        width, height = sum(a.shape[1] for a in alphas) + sum(gaps), height * 0.8
    left = rng.uniform(10, max(11, PHOTO[1] - width - 10))
    top = rng.uniform(10, PHOTO[0] - 1.6 * height - 10)
    coverage = np.zeros(PHOTO, dtype=np.float32)
    columns = []
    for alpha, gap in zip(alphas, gaps + [0.0]):
        row = int(top + rng.uniform(0, 0.15) * height)
        _paste(coverage, alpha, row, int(left))
        columns.append((int(left), int(left) + alpha.shape[1]))
        left += alpha.shape[1] + gap
    return photograph(coverage, conditions, rng), conditions, columns


def digit_alpha(img28, height, rng, pencil=False):
    """A digit's ink as pen coverage in [0, 1] at `height` px, slightly rotated: float32 (h, w).

    The grey MNIST stroke is enlarged and cut into a solid stroke with soft
    edges; a pencil stroke is cut higher (thinner) and grainy.
    """
    ink = np.asarray(img28, dtype=np.float32) / 255
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0), np.flatnonzero(ink.max(axis=0) > 0)
    ink = np.pad(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1], 1)
    factor = height / ink.shape[0]
    size = (max(2, round(ink.shape[1] * factor)), max(2, round(ink.shape[0] * factor)))
    big = Image.fromarray(ink).resize(size, Image.BILINEAR).rotate(
        rng.uniform(-ROTATION, ROTATION), Image.BILINEAR, expand=True)
    big = np.asarray(big)
    cut = rng.uniform(0.5, 0.65) if pencil else rng.uniform(0.3, 0.5)
    alpha = np.clip((big - cut) / 0.15 + 0.5, 0.0, 1.0)
    if pencil:
        grain = ndimage.gaussian_filter(rng.uniform(0.55, 1.0, alpha.shape).astype(np.float32), 1.0)
        alpha = alpha * np.clip(grain * 1.3, 0.0, 1.0)
    return alpha.astype(np.float32)


def photograph(coverage, conditions, rng):
    """Ink coverage (h, w) -> the RGB photo of it on paper, under the conditions, through a JPEG."""
    height, width = coverage.shape
    paper = rng.uniform(0.80, 0.95) * (1 + rng.uniform(-0.03, 0.03, 3))
    reflectance = np.broadcast_to(paper.astype(np.float32), (height, width, 3)).copy()
    lines = _line_pattern((height, width), conditions.paper, rng)
    reflectance *= 1 - lines[..., None] * (1 - LINE_COLOUR)
    ink = np.array(INK_COLOURS[conditions.ink], dtype=np.float32) * rng.uniform(0.85, 1.15)
    strength = rng.uniform(0.6, 0.85) if conditions.ink == "pencil" else 1.0
    a = (coverage * strength)[..., None]
    reflectance = reflectance * (1 - a) + ink * a
    picture = reflectance * _lighting((height, width), conditions.light, rng)[..., None]
    picture = ndimage.gaussian_filter(picture, sigma=(rng.uniform(0.5, 1.5),) * 2 + (0,))
    picture += rng.normal(0, rng.uniform(0.01, 0.03), picture.shape).astype(np.float32)
    encoded = io.BytesIO()
    Image.fromarray(np.round(np.clip(picture, 0, 1) * 255).astype(np.uint8)).save(
        encoded, format="JPEG", quality=int(rng.integers(*JPEG_QUALITY, endpoint=True)))
    return np.asarray(Image.open(io.BytesIO(encoded.getvalue())).convert("RGB"))


def _line_pattern(shape, paper, rng):
    """Printed lines as coverage in [0, 1]: none, ruled (horizontal) or a square grid."""
    lines = np.zeros(shape, dtype=np.float32)
    if paper == "plain":
        return lines
    spacing, offset = rng.uniform(22, 36), rng.uniform(0, 20)
    strength, thick = rng.uniform(0.35, 0.8), int(rng.integers(1, 3))
    for row in np.arange(offset, shape[0], spacing).astype(int):
        lines[row:row + thick] = strength
    if paper == "grid":
        for column in np.arange(offset, shape[1], spacing).astype(int):
            lines[:, column:column + thick] = strength
    return lines


def _lighting(shape, light, rng):
    """Illumination (h, w): falling off across the sheet from one side; a cast shadow for "shadow"."""
    rows, cols = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * cols / shape[1] + np.sin(angle) * rows / shape[0])
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
    falloff = rng.uniform(0.1, 0.3) if light == "soft" else rng.uniform(0.35, 0.55)
    light_map = rng.uniform(0.9, 1.1) * (1 - falloff * ramp)
    if light == "shadow":  # the edge of a phone's or a hand's shadow across the page
        edge_angle, where = rng.uniform(0, 2 * np.pi), rng.uniform(0.3, 0.7)
        across = np.cos(edge_angle) * cols / shape[1] + np.sin(edge_angle) * rows / shape[0]
        across -= np.quantile(across, where)
        softness = rng.uniform(0.02, 0.08)
        light_map *= 1 - rng.uniform(0.3, 0.5) / (1 + np.exp(-across / softness))
    return light_map.astype(np.float32)


def _paste(canvas, alpha, top, left):
    """Add `alpha` onto `canvas` at (top, left), clipped to the canvas, coverage capped at 1."""
    height = min(alpha.shape[0], canvas.shape[0] - top)
    width = min(alpha.shape[1], canvas.shape[1] - left)
    region = canvas[top:top + height, left:left + width]
    np.maximum(region, alpha[:height, :width], out=region)
