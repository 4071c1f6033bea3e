"""Image files in and out: PNG/JPEG digits for `predict`, the mistakes grid for `test`.

Reading checks the size in the file header before decoding, so a tiny file
that claims a gigantic picture is refused instead of filling memory.
"""

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from mnistbench.atomic_file import write_atomically
from mnistbench.errors import ImageError
from mnistbench.preprocess import preprocess_digit

MAX_SIDE = 20_000  # pixels; a phone photo is about 4,000
MAX_PIXELS = 50_000_000  # below Pillow's decompression-bomb warning (about 89 million)
WORKING_SIDE = 2048  # larger images are shrunk by whole-pixel averaging while loading
DRAFT_SIDE = 1000  # a JPEG is decoded at the smallest 1/2^k scale with its longest side still this long
STEP_CAPTIONS = ("original", "background removed", "threshold", "lines removed", "chosen",
                 "crop", "20x20", "centred 28x28")
ASCII_FALLBACKS = str.maketrans({"→": "->", "—": "-", "…": "..."})  # glyphs Pillow's default font lacks


def load_image(path):
    """Read an image file as a NumPy array: uint8 (H, W), (H, W, 3) or (H, W, 4).

    16-bit grey images come back as float32 in [0, 1]. JPEG orientation tags
    are applied so a phone photo is the right way up, and images larger than
    WORKING_SIDE are shrunk so preprocessing stays light. Raises ImageError.
    """
    path = Path(path)
    if not path.is_file():
        raise ImageError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    if path.stat().st_size == 0:
        raise ImageError(f"{path}: the file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as picture:
                _check_size(path, picture.size)
                if picture.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 size directly: far faster
                    width, height = picture.size
                    shrink = DRAFT_SIDE / max(width, height)
                    picture.draft(picture.mode, (round(width * shrink), round(height * shrink)))
                return _to_array(ImageOps.exif_transpose(picture))
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not an image that can be read (PNG, JPEG, BMP, GIF, ...)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{path}: the image is too large (more than {MAX_PIXELS // 1_000_000} megapixels)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:  # Pillow's ways of saying "damaged"
        reason = getattr(error, "strerror", None) or str(error)
        raise ImageError(f"{path}: cannot read the image ({reason})") from None


def load_digit(path, steps=False, threshold=None, crop=None):
    """Read an image file and preprocess it like MNIST: uint8 (28, 28) (see preprocess_digit).

    Errors name the file, e.g. "digit.png: the drawing is empty".
    """
    image = load_image(path)
    try:
        return preprocess_digit(image, steps=steps, threshold=threshold, crop=crop)
    except ImageError as error:
        raise ImageError(f"{path}: {error}") from None


def save_steps_png(path, steps, scale=2):
    """Write every preprocessing step side by side, captioned, as one PNG (`predict --steps out.png`).

    `steps` is a PreprocessSteps; the page steps are shown at a common height.
    """
    images = [steps.grayscale, steps.background_removed, steps.threshold_mask, steps.lines_removed, steps.chosen,
              steps.cropped, steps.scaled_20, steps.centred_28]
    height = 28 * scale * 4
    tiles = [Image.fromarray(image).resize((max(1, round(image.shape[1] * height / image.shape[0])), height),
                                           Image.BILINEAR if i < 6 else Image.NEAREST)
             for i, image in enumerate(images)]
    font = ImageFont.load_default()
    sheet = Image.new("L", (sum(t.width for t in tiles) + 8 * (len(tiles) + 1), height + 30), 255)
    draw = ImageDraw.Draw(sheet)
    x = 8
    for tile, caption in zip(tiles, STEP_CAPTIONS):
        sheet.paste(tile, (x, 4))
        draw.text((x, height + 10), caption, fill=0, font=font)
        x += tile.width + 8
    _save_atomically(sheet, Path(path))


def _check_size(path, size):
    """Refuse dimensions that are zero or too large before any pixel is decoded."""
    width, height = size
    if width < 1 or height < 1:
        raise ImageError(f"{path}: the image has no pixels ({width}x{height})")
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageError(
            f"{path}: the image is too large ({width}x{height}; at most {MAX_SIDE} px a side "
            f"and {MAX_PIXELS // 1_000_000} megapixels)"
        )


def _to_array(picture):
    """A decoded Pillow image -> an array preprocess_digit accepts, at most WORKING_SIDE a side."""
    deep = picture.mode.startswith("I")  # 16-bit grey
    if deep:
        picture = picture.convert("I")
    elif picture.mode != "L":
        has_alpha = "A" in picture.getbands() or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha else "RGB")
    factor = -(-max(picture.size) // WORKING_SIDE)
    if factor > 1:  # a photo: average blocks of pixels, plenty left for a 20 px digit
        picture = picture.reduce(factor)
    if deep:
        return np.clip(np.asarray(picture, dtype=np.float32) / 65535, 0.0, 1.0)
    return np.asarray(picture)


def save_digit_grid(path, images, captions, columns=10, scale=2):
    """Write a PNG grid of 28x28 digits, each with its caption underneath.

    For `mnistbench test --mistakes OUT.png`; captions like "#123 true 4 → 9 (87%)".
    The file is replaced atomically, so a half-written grid is never left behind.
    Pillow's built-in font has no arrow, so "→" is drawn as "->".
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) == 0:
        raise ValueError(f"expected images of shape (n>0, 28, 28), got {images.shape}")
    if len(captions) != len(images):
        raise ValueError(f"{len(images)} images but {len(captions)} captions")
    font = ImageFont.load_default()
    captions = [str(caption).translate(ASCII_FALLBACKS) for caption in captions]
    side = 28 * scale
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    text_boxes = [probe.multiline_textbbox((0, 0), caption, font=font) for caption in captions]
    cell_width = max([side] + [box[2] for box in text_boxes]) + 8
    cell_height = side + max(box[3] for box in text_boxes) + 10
    columns = max(1, min(columns, len(images)))
    rows = -(-len(images) // columns)
    grid = Image.new("L", (columns * cell_width, rows * cell_height), 255)
    draw = ImageDraw.Draw(grid)
    for i, (image, caption) in enumerate(zip(images, captions)):
        x, y = (i % columns) * cell_width, (i // columns) * cell_height
        digit = Image.fromarray(255 - image.astype(np.uint8)).resize((side, side), Image.NEAREST)
        grid.paste(digit, (x + (cell_width - side) // 2, y + 4))
        draw.multiline_text((x + 4, y + side + 6), caption, fill=0, font=font)
    _save_atomically(grid, Path(path))


def _save_atomically(picture, path):
    """Encode the PNG in memory, then write it atomically (see atomic_file)."""
    try:
        encoded = io.BytesIO()
        picture.save(encoded, format="PNG")
        write_atomically(path, [encoded.getvalue()])
    except OSError as error:
        raise ImageError(f"{path}: cannot write ({error.strerror or error})") from None
