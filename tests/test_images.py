"""Reading digit images (with one-line errors for bad files) and writing the mistakes grid."""

import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from mnistbench import images
from mnistbench.errors import ImageError
from mnistbench.images import load_digit, load_image, save_digit_grid


def drawing():
    """A dark "7" on white, 120 x 100."""
    canvas = np.full((120, 100), 255, dtype=np.uint8)
    canvas[20:32, 15:85] = 0
    canvas[32:105, 70:82] = 0
    return canvas


def png_with_size(path, width, height):
    """A PNG whose header claims width x height but which holds almost no data."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b""))
    return path


def assert_one_line_naming(error, path):
    message = str(error.value)
    assert str(path) in message and "\n" not in message


@pytest.mark.parametrize("mode, shape", [("L", (120, 100)), ("RGB", (120, 100, 3)),
                                         ("RGBA", (120, 100, 4)), ("P", (120, 100, 3))])
def test_load_png_modes(tmp_path, mode, shape):
    path = tmp_path / f"digit-{mode}.png"
    Image.fromarray(drawing()).convert(mode).save(path)
    image = load_image(path)
    assert image.dtype == np.uint8 and image.shape == shape
    assert load_digit(path).shape == (28, 28)


def test_jpeg_and_png_give_nearly_the_same_digit(tmp_path):
    Image.fromarray(drawing()).save(tmp_path / "d.png")
    Image.fromarray(drawing()).convert("RGB").save(tmp_path / "d.jpg", quality=90)
    difference = load_digit(tmp_path / "d.png").astype(int) - load_digit(tmp_path / "d.jpg")
    assert np.abs(difference).mean() < 3


def test_sixteen_bit_png_is_read_as_fractions(tmp_path):
    path = tmp_path / "deep.png"
    Image.fromarray(drawing().astype(np.uint16) * 257).save(path)
    image = load_image(path)
    assert image.dtype == np.float32 and image.max() == 1.0 and image.min() == 0.0
    np.testing.assert_array_equal(load_digit(path), load_digit(_save(tmp_path, drawing())))


def test_jpeg_orientation_tag_is_applied(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    path = tmp_path / "photo.jpg"
    Image.fromarray(drawing()).save(path, exif=exif)
    assert load_image(path).shape == (100, 120)


def test_transparent_png_drawing_reads_as_ink_on_white(tmp_path):
    rgba = np.zeros((120, 100, 4), dtype=np.uint8)
    rgba[..., 3] = 255 - drawing()  # black strokes, transparent elsewhere
    path = tmp_path / "pad.png"
    Image.fromarray(rgba).save(path)
    np.testing.assert_array_equal(load_digit(path), load_digit(_save(tmp_path, drawing())))


def _save(folder, array):
    path = folder / "plain.png"
    Image.fromarray(array).save(path)
    return path


@pytest.mark.parametrize("name, content, expected", [
    ("notes.png", b"this is not an image at all", "not an image"),
    ("empty.png", b"", "the file is empty"),
])
def test_bad_files_are_one_line_errors(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageError, match=expected) as error:
        load_image(path)
    assert_one_line_naming(error, path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageError, match="no such file") as error:
        load_image(tmp_path / "nowhere.png")
    assert_one_line_naming(error, tmp_path / "nowhere.png")
    with pytest.raises(ImageError, match="not a file"):
        load_image(tmp_path)


def test_truncated_png_is_refused(tmp_path):
    path = tmp_path / "cut.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(ImageError, match="cannot read the image") as error:
        load_image(path)
    assert_one_line_naming(error, path)


@pytest.mark.parametrize("width, height", [(30_000, 10), (10_000, 10_000), (60_000, 60_000)])
def test_huge_dimensions_are_refused_before_decoding(tmp_path, width, height):
    path = png_with_size(tmp_path / "bomb.png", width, height)
    assert path.stat().st_size < 100
    with pytest.raises(ImageError, match="too large") as error:
        load_image(path)
    assert_one_line_naming(error, path)


def test_blank_image_error_names_the_file(tmp_path):
    path = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(path)
    with pytest.raises(ImageError, match="blank.png: the drawing is empty$"):
        load_digit(path)


def test_mistakes_grid(tmp_path):
    digits = np.zeros((13, 28, 28), dtype=np.uint8)
    digits[:, 4:24, 12:16] = 255
    captions = [f"#{i} true 4 → 9 (87%)" for i in range(13)]
    path = tmp_path / "mistakes.png"
    save_digit_grid(path, digits, captions, columns=5, scale=3)
    with Image.open(path) as grid:
        assert grid.format == "PNG"
        width, height = grid.size
        pixels = np.asarray(grid.convert("L"))
    assert width % 5 == 0 and height % 3 == 0  # 5 columns, 3 rows of equal cells
    cell = pixels[: height // 3, : width // 5]
    assert width // 5 >= 28 * 3
    assert (cell[: 28 * 3 + 4] == 0).sum() >= 20 * 4 * 9  # the digit's stroke, black, scaled 3x
    assert (cell[28 * 3 + 6:] < 128).any()  # some caption text under the digit
    assert (pixels[-(height // 3):, -(width // 5):] == 255).all()  # the 15th cell stays empty
    assert [p.name for p in tmp_path.iterdir()] == ["mistakes.png"]


def test_grid_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "mistakes.png"
    path.write_bytes(b"previous grid")

    def failing_save(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", failing_save)
    with pytest.raises(ImageError, match="cannot write") as error:
        save_digit_grid(path, np.zeros((1, 28, 28), np.uint8), ["#0"])
    assert_one_line_naming(error, path)
    assert path.read_bytes() == b"previous grid"
    assert [p.name for p in tmp_path.iterdir()] == ["mistakes.png"]


def test_grid_errors(tmp_path):
    with pytest.raises(ImageError, match="cannot write"):
        save_digit_grid(tmp_path / "missing" / "out.png", np.zeros((1, 28, 28), np.uint8), ["a"])
    with pytest.raises(ValueError, match="captions"):
        save_digit_grid(tmp_path / "out.png", np.zeros((2, 28, 28), np.uint8), ["a"])
    with pytest.raises(ValueError):
        save_digit_grid(tmp_path / "out.png", np.zeros((0, 28, 28), np.uint8), [])


def test_size_limits_sit_below_pillows_bomb_warning():
    assert images.MAX_PIXELS < Image.MAX_IMAGE_PIXELS


def test_arrow_is_drawn_as_ascii_the_default_font_can_show(tmp_path):
    digits = np.zeros((1, 28, 28), np.uint8)
    save_digit_grid(tmp_path / "arrow.png", digits, ["true 4 → 9"])
    save_digit_grid(tmp_path / "ascii.png", digits, ["true 4 -> 9"])
    save_digit_grid(tmp_path / "other.png", digits, ["true 4 -- 9"])
    with Image.open(tmp_path / "arrow.png") as arrow, Image.open(tmp_path / "ascii.png") as ascii_, \
            Image.open(tmp_path / "other.png") as other:
        assert np.array_equal(np.asarray(arrow), np.asarray(ascii_))
        assert not np.array_equal(np.asarray(arrow), np.asarray(other))


def test_large_photo_is_shrunk_while_loading_and_still_reads(tmp_path):
    photo = np.full((5000, 600), 230, np.uint8)  # grey paper
    photo[1000:4000, 250:350] = 30  # a dark "1"
    path = tmp_path / "photo.png"
    Image.fromarray(photo).save(path)
    image = load_image(path)
    assert image.shape == (1667, 200)  # reduced 3x (5000 / 2048, rounded up) by averaging
    one = load_digit(path)
    rows, cols = np.flatnonzero(one.any(axis=1)), np.flatnonzero(one.any(axis=0))
    assert rows[-1] - rows[0] + 1 == 20 and cols[-1] - cols[0] + 1 <= 2


def test_steps_png_shows_every_step_side_by_side(tmp_path):
    from mnistbench.images import save_steps_png

    Image.fromarray(drawing()).save(tmp_path / "d.png")
    steps = load_digit(tmp_path / "d.png", steps=True)
    out = tmp_path / "steps.png"
    save_steps_png(out, steps, scale=2)
    with Image.open(out) as sheet:
        assert sheet.format == "PNG" and sheet.height < sheet.width
        pixels = np.asarray(sheet.convert("L"))
    side = 28 * 2 * 4  # the common tile height; the last tile is the centred 28x28, 8x, at the right
    last = pixels[4:4 + side, -8 - side:-8]
    np.testing.assert_array_equal(last, np.kron(steps.centred_28, np.ones((8, 8), np.uint8)))
    original = pixels[4:4 + side, 8:8 + round(100 * side / 120)]
    assert original.min() < 10 and np.median(original) > 240  # the dark 7 on white paper comes first


def test_big_jpeg_is_decoded_at_a_reduced_size(tmp_path):
    photo = np.full((3000, 4000), 220, np.uint8)
    photo[800:2200, 1900:2100] = 30  # a dark "1"
    path = tmp_path / "phone.jpg"
    Image.fromarray(photo).save(path, quality=85)
    image = load_image(path)
    assert max(image.shape) <= images.WORKING_SIDE
    rows = np.flatnonzero(load_digit(path).any(axis=1))
    assert rows[-1] - rows[0] + 1 == 20


def test_load_digit_passes_threshold_and_crop_on(tmp_path):
    Image.fromarray(drawing()).save(tmp_path / "d.png")
    steps = load_digit(tmp_path / "d.png", steps=True, threshold=0.3, crop=(0, 60, 120, 100))
    assert steps.threshold == 0.3 and steps.offset == (0, 60)
    assert steps.grayscale.shape == (120, 40)
