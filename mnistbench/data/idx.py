"""IDX files (the MNIST format), gzip-compressed or raw, read with every size checked first.

An IDX file is a 4-byte magic ``00 00 <type> <ndim>``, then ``ndim`` big-endian
uint32 dimensions, then the items in C order. Files downloaded or handed to us
by users may be truncated, padded or hostile (a gzip "bomb"), so the reader
trusts nothing: it checks the header, caps the promised size, and reads gzip in
bounded chunks that stop as soon as more bytes arrive than the header promised.
"""

from __future__ import annotations

import gzip as gzip_module
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnistbench.atomic_file import write_atomically
from mnistbench.errors import DatasetError

GZIP_MAGIC = b"\x1f\x8b"
MAX_PAYLOAD_BYTES = 512 * 1024**2  # 512 MiB: ~11x MNIST's training images (docs/limits.md)
MAX_DIMENSIONS = 8
CHUNK_BYTES = 1 << 20

# IDX type byte -> NumPy dtype (multi-byte types are big-endian on disk).
IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
DTYPE_CODES = {dtype: code for code, dtype in IDX_DTYPES.items()}


@dataclass(frozen=True)
class IdxHeader:
    """What the first bytes of an IDX file promise: element type, shape, whether gzip."""

    dtype: np.dtype
    shape: tuple[int, ...]
    compressed: bool

    @property
    def header_bytes(self) -> int:
        return 4 + 4 * len(self.shape)

    @property
    def payload_bytes(self) -> int:
        return int(np.prod(self.shape, dtype=object)) * self.dtype.itemsize


def _open(path: Path):
    """Open ``path`` for binary reading, un-gzipping by its magic bytes (not its name)."""
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a folder, not an IDX file") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot open ({exc.strerror or exc})") from None
    with raw:
        compressed = raw.read(2) == GZIP_MAGIC
    return (gzip_module.open(path, "rb") if compressed else open(path, "rb")), compressed


def _read_exactly(stream, n: int, path: Path, what: str) -> bytearray:
    """Read ``n`` bytes in bounded chunks, so memory grows only as real data arrives."""
    buffer = bytearray()
    while len(buffer) < n:
        chunk = stream.read(min(CHUNK_BYTES, n - len(buffer)))
        if not chunk:
            raise DatasetError(f"{path}: truncated {what} ({len(buffer):,} of {n:,} bytes)")
        buffer += chunk
    return buffer


def _parse_header(stream, path: Path, compressed: bool) -> IdxHeader:
    """Check the magic and dimensions and cap the promised payload size."""
    magic = _read_exactly(stream, 4, path, "header")
    if magic[:2] != b"\x00\x00":
        raise DatasetError(f"{path}: not an IDX file (starts with bytes {magic.hex(' ')})")
    type_code, ndim = magic[2], magic[3]
    if type_code not in IDX_DTYPES:
        raise DatasetError(f"{path}: unknown IDX element type 0x{type_code:02x}")
    if not 1 <= ndim <= MAX_DIMENSIONS:
        raise DatasetError(f"{path}: IDX header has {ndim} dimensions (1..{MAX_DIMENSIONS} allowed)")
    shape = struct.unpack(f">{ndim}I", _read_exactly(stream, 4 * ndim, path, "header"))
    if 0 in shape[1:]:
        raise DatasetError(f"{path}: IDX header gives dimension {shape.index(0, 1)} a size of 0 "
                           f"(shape {shape}): its items hold no data")
    header = IdxHeader(IDX_DTYPES[type_code], tuple(shape), compressed)
    # With no items the payload is 0 bytes, but an empty (0, 2**32-1, 2**32-1) array still cannot exist.
    item_bytes = int(np.prod(shape[1:], dtype=object)) * header.dtype.itemsize
    if max(header.payload_bytes, item_bytes) > MAX_PAYLOAD_BYTES:
        raise DatasetError(f"{path}: header promises {max(header.payload_bytes, item_bytes):,} bytes of data "
                           f"(shape {shape}), more than the {MAX_PAYLOAD_BYTES:,} allowed (docs/limits.md)")
    return header


def read_idx_header(path) -> IdxHeader:
    """Read only the header: fast enough to list datasets without loading them."""
    path = Path(path)
    stream, compressed = _open(path)
    with stream:
        try:
            return _parse_header(stream, path, compressed)
        except (OSError, EOFError, zlib.error) as exc:
            raise _read_error(path, compressed, exc) from None


def read_idx(path, max_items: int | None = None) -> np.ndarray:
    """Read an IDX file into a native-endian array; ``max_items`` reads only the first items.

    The whole file must be exactly header + payload: truncation or trailing
    bytes are errors. With ``max_items`` the unread rest of a gzip file is not
    checked (that is the point: reading a few items of a big file stays fast).
    """
    path = Path(path)
    stream, compressed = _open(path)
    with stream:
        try:
            return _read_body(stream, path, compressed, max_items)
        except (OSError, EOFError, zlib.error) as exc:
            raise _read_error(path, compressed, exc) from None


def _read_error(path: Path, compressed: bool, exc: Exception) -> DatasetError:
    """One line for a low-level read failure (gzip errors come as OSError/EOFError/zlib.error)."""
    if not compressed:
        return DatasetError(f"{path}: cannot read ({exc})")
    if isinstance(exc, EOFError):
        return DatasetError(f"{path}: truncated gzip data ({exc})")
    return DatasetError(f"{path}: corrupt gzip data ({exc})")


def _read_body(stream, path: Path, compressed: bool, max_items: int | None) -> np.ndarray:
    header = _parse_header(stream, path, compressed)
    total = header.header_bytes + header.payload_bytes
    size = None if compressed else os.fstat(stream.fileno()).st_size
    if size is not None and size != total:
        problem = "truncated" if size < total else "has trailing bytes"
        raise DatasetError(f"{path}: {problem}: {size:,} bytes but header (shape "
                           f"{header.shape}) needs exactly {total:,}")
    shape = header.shape
    if max_items is not None and max_items < shape[0]:
        shape = (max(0, int(max_items)),) + shape[1:]
    n_bytes = int(np.prod(shape, dtype=object)) * header.dtype.itemsize
    data = _read_exactly(stream, n_bytes, path, "data")
    if shape == header.shape:
        _check_end(stream, path, header)
    array = np.frombuffer(data, dtype=header.dtype).reshape(shape)
    return array.astype(header.dtype.newbyteorder("="), copy=False)


def _check_end(stream, path: Path, header: IdxHeader) -> None:
    """Refuse anything after the promised payload (reading on also verifies the gzip CRC)."""
    try:
        extra = stream.read(1)
    except gzip_module.BadGzipFile as exc:
        if "Not a gzipped file" not in str(exc):
            raise
        raise DatasetError(f"{path}: has trailing bytes after its gzip data") from None
    if extra:
        raise DatasetError(f"{path}: has trailing bytes: more than the {header.payload_bytes:,} "
                           f"bytes of data its header (shape {header.shape}) promises")


def _idx_dtype(array: np.ndarray) -> np.dtype:
    """The on-disk dtype for ``array``; wide integers in 0..255 are stored as uint8."""
    dtype = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    if dtype in DTYPE_CODES:
        return dtype
    if array.dtype.kind in "biu" and (array.size == 0 or (array.min() >= 0 and array.max() <= 255)):
        return np.dtype(np.uint8)
    raise ValueError(f"cannot store dtype {array.dtype} in an IDX file")


def write_idx(path, array, gzip: bool | None = None) -> Path:
    """Write ``array`` as IDX, atomically; ``gzip=None`` compresses when the name ends ``.gz``."""
    path = Path(path)
    array = np.asarray(array)
    if not 1 <= array.ndim <= MAX_DIMENSIONS:
        raise ValueError(f"IDX arrays have 1..{MAX_DIMENSIONS} dimensions, not {array.ndim}")
    dtype = _idx_dtype(array)
    header = bytes([0, 0, DTYPE_CODES[dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = np.ascontiguousarray(array, dtype=dtype).tobytes()
    if gzip if gzip is not None else path.name.endswith(".gz"):
        payload = gzip_module.compress(header + payload, compresslevel=6, mtime=0)
        header = b""
    write_atomically(path, [header, payload])
    return path
