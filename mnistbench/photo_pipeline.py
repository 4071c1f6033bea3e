"""A drawing, scan or phone photo -> where the ink is: the page-level steps before MNIST's own.

A photo of paper is not a drawing: the light falls off across the sheet, the
paper is grey or tinted, ruled lines are printed on it. So the picture is
shrunk to a working size, the page's own brightness (estimated by a grey
closing that removes the strokes) is divided out, a threshold that adapts to
the page (Otsu, never below the noise) finds the ink, and long thin straight
structures (ruled and grid lines) are taken out of it. SciPy's ndimage does
the filtering; what is left is plain NumPy.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from mnistbench.errors import ImageError

WORK_SIDE = 640  # px: photos are averaged down to this; a digit needs far fewer pixels
BACKGROUND_SIDE = 200  # px: the page's brightness is estimated on a copy this size
BACKGROUND_WINDOW = 1 / 6  # of the longest side: wider than any stroke, narrower than the light's changes
MIN_CONTRAST = 0.05  # less ink contrast than this (0..1) counts as no ink at all
NOISE_SIGMAS = 6.0  # the threshold stays this many noise deviations above the paper
LIGHT_PAGE = 0.25  # border lightness above this is paper with dark ink (shadowed paper reaches ~0.35)
DARK_PAGE = 0.2  # median lightness below this, with no ink found, is "too dark", not "empty"
LINE_LENGTH = 0.9  # of the image side: dark all along this is a printed line (a close-up's digit is shorter)
SAMPLE_STEP = 7  # every 7th pixel (coprime with rulings) is plenty for the paper's median and noise
LINE_BLOCK = 4  # px along a line averaged into one before the long opening (4x less work, same lines)
LINE_SMOOTHING = 9  # px along a line averaged before its darkness is measured
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R BT.601, what Pillow's "L" mode uses


@dataclass(frozen=True)
class PageInk:
    """The page-level steps, all (h, w) at the working size.

    gray: float32 lightness in [0, 1]; background_removed: float32 darkness in
    [0, 1] once the page's brightness is divided out (0 = paper); darkness: the
    same without printed lines; threshold: the cut; mask: bool,
    background_removed above it; lines: bool, where printed lines alone pass it;
    ink_mask: darkness above the cut, the ink; paper: the darkness
    the bare paper reaches (its noise), where soft ink edges start. scale:
    original pixels per working pixel. inverted: the page was light.
    """

    gray: np.ndarray
    background_removed: np.ndarray
    darkness: np.ndarray
    threshold: float
    mask: np.ndarray
    lines: np.ndarray
    ink_mask: np.ndarray
    paper: float
    scale: int
    inverted: bool


def page_ink(image, threshold=None):
    """Find the ink of a drawing or photo: a PageInk. `threshold` (0..1) overrides the automatic one.

    Raises ImageError when there is no ink, or the page is too dark to tell ink from paper.
    """
    gray, scale = working_gray(image)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    inverted = float(np.median(border)) > LIGHT_PAGE  # the edges are mostly page, the ink is inside
    darkness = remove_background(gray, inverted)
    line_darkness = np.zeros_like(darkness)
    if inverted:  # printed lines are a paper thing; a pad has none
        darkness, line_darkness = remove_lines(darkness)
    if float(darkness.max()) < MIN_CONTRAST:
        raise ImageError(_no_ink_message(gray))
    otsu = otsu_threshold(darkness)
    sample = darkness.ravel()[::SAMPLE_STEP]  # statistics of the paper need no more pixels than this
    paper = paper_level(sample[sample <= otsu])
    cut = max(otsu, paper * 2, MIN_CONTRAST) if threshold is None else float(threshold)
    mask = darkness > cut
    if not mask.any():
        raise ImageError(_no_ink_message(gray) if threshold is None else f"no ink darker than threshold {cut:.2f}")
    with_lines = darkness + line_darkness
    return PageInk(gray, with_lines, darkness, cut, with_lines > cut, line_darkness > cut, mask, paper, scale, inverted)


def working_gray(image):
    """Any supported array -> (float32 (h, w) lightness in [0, 1], integer shrink factor)."""
    image = np.asarray(image)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ImageError(f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got shape {image.shape}")
    if image.size == 0:
        raise ImageError("the drawing is empty")
    factor = -(-max(image.shape[:2]) // WORK_SIDE)
    if factor > 1 and image.dtype == np.uint8:  # Pillow averages blocks in C, one channel at a time
        channels = [image] if image.ndim == 2 else [np.ascontiguousarray(image[..., c]) for c in range(image.shape[2])]
        reduced = [np.asarray(Image.fromarray(channel).reduce(factor)) for channel in channels]
        image = reduced[0] if image.ndim == 2 else np.stack(reduced, axis=-1)  # (copying RGB into Pillow costs more)
    elif factor > 1:
        height, width = (side // factor * factor for side in image.shape[:2])
        blocks = image[:height, :width].reshape(height // factor, factor, width // factor, factor, -1)
        image = blocks.mean(axis=(1, 3)).squeeze(-1) if image.ndim == 2 else blocks.mean(axis=(1, 3))
    return to_grayscale(image), factor


def to_grayscale(image):
    """Any supported array -> float32 (H, W) lightness in [0, 1]; transparency shows white."""
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


def remove_background(gray, inverted):
    """Lightness -> darkness of the ink in [0, 1], with the page's own brightness taken out.

    The page's brightness is a grey closing (strokes removed) and the ink is the
    fraction of light it takes away, so a shadow that halves the light leaves
    the ink as dark as before. Inside a blob of ink wider than the closing the
    page estimate is dark too, and 0 / 0 counts as full ink. A dark pad with
    light ink is lit evenly: its border's level is subtracted.
    """
    if not inverted:  # a dark pad or screen: evenly dark, and its bold strokes can be wider than any window
        border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
        background = float(np.median(border))
        return np.clip((gray - background) / max(1.0 - background, 1e-3), 0.0, 1.0).astype(np.float32)
    paper = gray
    height, width = paper.shape
    shrink = max(1, round(max(height, width) / BACKGROUND_SIDE))
    small = np.asarray(Image.fromarray(paper).reduce(shrink)) if shrink > 1 else paper
    window = max(3, round(max(small.shape) * BACKGROUND_WINDOW)) | 1
    page = ndimage.uniform_filter(ndimage.grey_closing(small, size=window), size=window // 4 | 1, mode="nearest")
    if shrink > 1:
        page = np.asarray(Image.fromarray(page).resize((width, height), Image.BILINEAR))
    return np.clip(1.0 - paper / np.maximum(page, 1e-3), 0.0, 1.0).astype(np.float32)


def paper_level(darkness):
    """How dark bare paper (`darkness` below Otsu's cut) gets: its median plus NOISE_SIGMAS / 2 deviations.

    The automatic threshold stays at twice this (NOISE_SIGMAS deviations), so
    noise alone is never ink; soft stroke edges are kept down to this level.
    """
    median = float(np.median(darkness))
    noise = 1.4826 * float(np.median(np.abs(darkness - median)))  # robust sigma of the paper
    return median + NOISE_SIGMAS / 2 * noise


def otsu_threshold(values, bins=256):
    """The cut between two classes of `values` that maximises their between-class variance."""
    counts, edges = np.histogram(values, bins=bins, range=(0.0, 1.0))
    centres = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts).astype(np.float64)
    weight_high = weight_low[-1] - weight_low
    mass_low = np.cumsum(counts * centres)
    mean_low = mass_low / np.maximum(weight_low, 1)
    mean_high = (mass_low[-1] - mass_low) / np.maximum(weight_high, 1)
    between = weight_low * weight_high * (mean_low - mean_high) ** 2
    best = np.flatnonzero(between >= between.max() * (1 - 1e-9))  # two clean levels: a plateau
    return float(edges[(best[0] + best[-1]) // 2 + 1])


def remove_lines(darkness):
    """(darkness without printed lines, the lines' darkness): long straight structures taken out.

    A grey opening with a long bar keeps only what is dark all along it, even
    where a line is too faint or broken to pass the threshold; what is also
    thicker than a line (the straight stroke of a tightly cropped 1) stays ink. Smoothing
    along the bar first keeps the noise from hiding in the lines' rows. A
    stroke crossing a line keeps what it adds to the line's darkness.
    """
    height, width = darkness.shape
    thickness = max(2, round(min(height, width) / 100))  # printed lines are thinner than this
    lines = np.zeros_like(darkness)
    for axis, side in ((1, width), (0, height)):
        smooth = ndimage.uniform_filter1d(darkness, LINE_SMOOTHING, axis=axis)
        long_runs = _long_opening(smooth, max(3, round(side * LINE_LENGTH / LINE_BLOCK)) | 1, axis)
        thick = _opening_1d(long_runs, thickness + 1, 1 - axis)  # a straight stroke, too wide for a line
        np.maximum(lines, long_runs - thick, out=lines)
    return np.clip(darkness - lines, 0.0, 1.0), lines


def _long_opening(values, blocks, axis):
    """Grey opening `blocks` * LINE_BLOCK long along `axis`, on LINE_BLOCK-pixel averages, at full size."""
    size = values.shape[axis]
    whole = size // LINE_BLOCK * LINE_BLOCK
    trimmed = values[:, :whole] if axis == 1 else values[:whole]
    shape = (values.shape[0], whole // LINE_BLOCK, LINE_BLOCK) if axis == 1 else (whole // LINE_BLOCK, LINE_BLOCK, -1)
    averaged = trimmed.reshape(shape).mean(axis=axis + 1)
    opened = np.repeat(_opening_1d(averaged, blocks, axis), LINE_BLOCK, axis=axis)
    pad = [(0, 0), (0, 0)]
    pad[axis] = (0, size - whole)
    return np.pad(opened, pad, mode="edge")


def _opening_1d(values, length, axis):
    """Grey opening with a straight bar: what stays dark along `length` pixels of `axis`."""
    return ndimage.maximum_filter1d(ndimage.minimum_filter1d(values, length, axis=axis), length, axis=axis)


def _no_ink_message(gray):
    """'the drawing is empty', unless the picture is so dark that ink could hide in it."""
    median = float(np.median(gray))
    if 0.0 < median < DARK_PAGE:
        return f"the picture is too dark to tell ink from paper (median lightness {median:.0%})"
    return "the drawing is empty"
