"""IDX reading and writing: round trips, and one-line errors for every kind of broken file."""

import gzip
import struct
import tracemalloc
import zlib

import numpy as np
import pytest

from mnistbench.data.idx import MAX_PAYLOAD_BYTES, read_idx, read_idx_header, write_idx
from mnistbench.errors import DatasetError


def header(type_code, *shape):
    return bytes([0, 0, type_code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape)


def assert_one_line(excinfo, path, *fragments):
    """The message is one line naming the file and saying what is wrong."""
    message = str(excinfo.value)
    assert "\n" not in message
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("name", ["images-idx3-ubyte.gz", "images-idx3-ubyte"])
def test_uint8_round_trip_gzip_by_name(tmp_path, name):
    images = np.random.default_rng(0).integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    path = write_idx(tmp_path / name, images)
    on_disk = path.read_bytes()
    assert (on_disk[:2] == b"\x1f\x8b") == name.endswith(".gz")
    if not name.endswith(".gz"):
        assert on_disk[:16] == header(0x08, 7, 28, 28)
    loaded = read_idx(path)
    assert loaded.dtype == np.uint8 and loaded.shape == (7, 28, 28)
    np.testing.assert_array_equal(loaded, images)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind


def test_gzip_is_detected_by_content_not_name(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "compressed-but-plain-name", labels, gzip=True)
    write_idx(tmp_path / "plain-but-named.gz", labels, gzip=False)
    assert read_idx_header(tmp_path / "compressed-but-plain-name").compressed
    assert not read_idx_header(tmp_path / "plain-but-named.gz").compressed
    np.testing.assert_array_equal(read_idx(tmp_path / "compressed-but-plain-name"), labels)
    np.testing.assert_array_equal(read_idx(tmp_path / "plain-but-named.gz"), labels)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_every_standard_type_round_trips_native_endian(tmp_path, dtype):
    array = (np.arange(-12, 12).reshape(2, 3, 4) * 3).astype(dtype)
    loaded = read_idx(write_idx(tmp_path / "a.idx", array))
    assert loaded.dtype == np.dtype(dtype) and loaded.dtype.isnative
    np.testing.assert_array_equal(loaded, array)


def test_big_endian_on_disk(tmp_path):
    path = write_idx(tmp_path / "a.idx", np.array([1, 258], dtype=np.int32))
    assert path.read_bytes() == header(0x0C, 2) + b"\x00\x00\x00\x01\x00\x00\x01\x02"


def test_wide_integer_labels_are_stored_as_uint8(tmp_path):
    path = write_idx(tmp_path / "labels", np.array([0, 9, 255], dtype=np.int64))
    assert path.read_bytes() == header(0x08, 3) + bytes([0, 9, 255])
    with pytest.raises(ValueError):
        write_idx(tmp_path / "wide", np.array([256], dtype=np.int64))
    with pytest.raises(ValueError):
        write_idx(tmp_path / "half", np.zeros(3, dtype=np.float16))


@pytest.mark.parametrize("name", ["x.gz", "x"])
def test_max_items_reads_only_a_prefix(tmp_path, name):
    array = np.arange(50 * 4, dtype=np.uint8).reshape(50, 4)
    path = write_idx(tmp_path / name, array)
    np.testing.assert_array_equal(read_idx(path, max_items=3), array[:3])
    assert read_idx(path, max_items=0).shape == (0, 4)
    assert read_idx(path, max_items=500).shape == (50, 4)


def test_empty_dataset_file_reads_as_zero_items(tmp_path):
    path = write_idx(tmp_path / "empty.gz", np.zeros((0, 28, 28), np.uint8))
    assert read_idx(path).shape == (0, 28, 28)


def test_header_only_reading(tmp_path):
    path = tmp_path / "big-idx3-ubyte"
    path.write_bytes(header(0x08, 60000, 28, 28) + b"\x00" * 100)  # payload mostly absent
    found = read_idx_header(path)
    assert found.shape == (60000, 28, 28) and found.dtype == np.uint8
    assert found.payload_bytes == 60000 * 784


@pytest.mark.parametrize("content, fragment", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not an IDX file"),
    (bytes([0, 0, 0x07, 1]) + b"\x00\x00\x00\x01\x05", "unknown IDX element type 0x07"),
    (bytes([0, 0, 0x08, 0]), "0 dimensions"),
    (bytes([0, 0, 0x08, 9]) + b"\x00" * 36, "9 dimensions"),
    (b"\x00\x00", "truncated header"),
    (b"", "truncated header"),
    (header(0x08, 3, 28, 28) + b"\x00" * 100, "truncated"),
    (header(0x08, 2) + b"\x01\x02\x03", "trailing bytes"),
])
@pytest.mark.parametrize("compress", [False, True])
def test_malformed_files_give_one_line(tmp_path, content, fragment, compress):
    path = tmp_path / "bad-idx-ubyte"
    path.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(DatasetError) as excinfo:
        read_idx(path)
    assert_one_line(excinfo, path, fragment)


def test_promised_size_over_the_cap_is_refused_before_reading(tmp_path):
    dims = (100_000, 100_000, 1_000)
    assert np.prod(dims, dtype=object) > MAX_PAYLOAD_BYTES
    for name, content in (("raw", header(0x08, *dims)), ("gz", gzip.compress(header(0x08, *dims)))):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(DatasetError) as excinfo:
            read_idx(path)
        assert_one_line(excinfo, path, "more than the")


@pytest.mark.parametrize("cut", [10, 40, 200])
def test_truncated_gzip_stream(tmp_path, cut):
    whole = gzip.compress(header(0x08, 100, 28, 28) + np.arange(78400, dtype=np.uint8).tobytes())
    path = tmp_path / "cut.gz"
    path.write_bytes(whole[:-cut])
    with pytest.raises(DatasetError) as excinfo:
        read_idx(path)
    assert_one_line(excinfo, path, "truncated")


def test_corrupt_gzip_stream(tmp_path):
    content = bytearray(gzip.compress(header(0x08, 1000) + bytes(range(250)) * 4))
    content[30:40] = b"\xff" * 10
    path = tmp_path / "corrupt.gz"
    path.write_bytes(bytes(content))
    with pytest.raises(DatasetError) as excinfo:
        read_idx(path)
    assert_one_line(excinfo, path)


def test_garbage_after_the_gzip_stream(tmp_path):
    path = tmp_path / "tail.gz"
    path.write_bytes(gzip.compress(header(0x08, 3) + b"\x01\x02\x03") + b"garbage")
    with pytest.raises(DatasetError) as excinfo:
        read_idx(path)
    assert_one_line(excinfo, path, "trailing bytes")


def test_decompression_bomb_stops_early_with_bounded_memory(tmp_path):
    """A small header followed by 64 MB of compressed zeros: refused after ~1 MB, not inflated."""
    path = tmp_path / "bomb.gz"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as out:
        out.write(compressor.compress(header(0x08, 1000, 28, 28)))
        zeros = bytes(1 << 20)
        for _ in range(64):
            out.write(compressor.compress(zeros))
        out.write(compressor.flush())
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(DatasetError) as excinfo:
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_one_line(excinfo, path, "trailing bytes")
    assert peak < 8 * 1024 * 1024


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DatasetError) as excinfo:
        read_idx(tmp_path / "nope.gz")
    assert_one_line(excinfo, tmp_path / "nope.gz", "no such file")
    with pytest.raises(DatasetError) as excinfo:
        read_idx_header(tmp_path)
    assert_one_line(excinfo, tmp_path, "folder")


@pytest.mark.parametrize("dims", [(0, 2**32 - 1, 2**32 - 1), (2**32 - 1, 0, 2**32 - 1), (2**32 - 1, 2**32 - 1, 0),
                                  (5, 0)])
def test_a_zero_dimension_beside_huge_ones_is_one_line(tmp_path, dims):
    path = tmp_path / "zero-idx3-ubyte"
    path.write_bytes(header(0x08, *dims))  # a 16-byte file: no data, as its header "promises"
    with pytest.raises(DatasetError) as excinfo:
        read_idx(path)
    assert_one_line(excinfo, path, f"shape {dims}")


def test_a_gzip_file_declaring_more_than_a_dataset_can_hold_is_refused_from_its_header(tmp_path):
    dims = (1_100_000, 28, 28)  # 862 MB: above the documented limit, under the old 2 GiB cap
    path = tmp_path / "bomb-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header(0x08, *dims) + bytes(1 << 20)))
    tracemalloc.start()
    try:
        with pytest.raises(DatasetError) as excinfo:
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_one_line(excinfo, path, "more than the", "docs/limits.md")
    assert peak < 1_000_000


def test_the_idx_limit_is_the_one_docs_limits_md_gives():
    from pathlib import Path

    limits = (Path(__file__).resolve().parents[1] / "docs" / "limits.md").read_text()
    assert f"{MAX_PAYLOAD_BYTES // 2**20} MiB" in limits
