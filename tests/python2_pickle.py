"""Pickles written byte by byte the way Python 2's cPickle (protocol 2) wrote NumPy arrays.

Nielsen's mnist.pkl.gz came from ``cPickle.dump((train, valid, test), f, 2)``
under Python 2: every ``str`` is a SHORT_BINSTRING/BINSTRING of raw bytes
(Python 3 reads them back only with ``encoding="latin1"``), tuples of up to
three items use TUPLE1..3, longer ones MARK … TUPLE, and each global, tuple and
reduced object is memoised (BINPUT) and named again by BINGET. An array is
``_reconstruct(ndarray, (0,), "b")`` then BUILD with ``(1, shape, dtype,
fortran, data)``; a dtype is ``dtype("f4", 0, 1)`` then BUILD with
``(3, "<", None, None, None, -1, -1, 0)``. The tests also write hostile
pickles with ``opcodes``.
"""

import gzip
import struct

import numpy as np

TYPE_CODES = {np.dtype(np.float32): b"f4", np.dtype(np.int64): b"i8", np.dtype(np.float64): b"f8",
              np.dtype(np.uint8): b"u1"}


class Python2Pickler:
    def __init__(self):
        self.out = bytearray(b"\x80\x02")
        self.memo = {}  # key -> memo index, as cPickle keeps one per global and per object

    def dumps(self, value):
        self.save(value)
        self.out += b"."
        return bytes(self.out)

    def put(self, key):
        self.memo[key] = len(self.memo) + 1
        self.out += b"q" + bytes([self.memo[key]]) if self.memo[key] < 256 else \
            b"r" + struct.pack("<I", self.memo[key])

    def save(self, value):
        if value is None:
            self.out += b"N"
        elif isinstance(value, bool):
            self.out += b"\x88" if value else b"\x89"
        elif isinstance(value, int):
            self.save_int(value)
        elif isinstance(value, bytes):
            self.out += (b"U" + bytes([len(value)]) if len(value) < 256 else b"T" + struct.pack("<i", len(value)))
            self.out += value
            self.put(("str", id(value)))
        elif isinstance(value, tuple):
            self.save_tuple(value)
        elif isinstance(value, np.ndarray):
            self.save_array(value)
        else:
            raise TypeError(type(value))

    def save_int(self, n):
        if 0 <= n < 256:
            self.out += b"K" + bytes([n])
        elif 0 <= n < 65536:
            self.out += b"M" + struct.pack("<H", n)
        else:
            self.out += b"J" + struct.pack("<i", n)

    def save_tuple(self, items):
        if not items:
            self.out += b")"
            return
        if len(items) > 3:
            self.out += b"("
        for item in items:
            self.save(item)
        self.out += b"t" if len(items) > 3 else bytes([0x84 + len(items)])  # TUPLE1..3
        self.put(("tuple", id(items)))

    def save_global(self, module, name):
        key = ("global", module, name)
        if key in self.memo:
            self.out += b"h" + bytes([self.memo[key]])
            return
        self.out += b"c" + module + b"\n" + name + b"\n"
        self.put(key)

    def save_array(self, array):
        self.save_global(b"numpy.core.multiarray", b"_reconstruct")
        self.save_global(b"numpy", b"ndarray")
        self.save_tuple((0,))
        self.save(b"b")
        self.out += b"\x87R"  # TUPLE3, REDUCE
        self.put(("array", id(array)))
        self.out += b"("
        self.save_int(1)
        self.save_tuple(tuple(array.shape))
        self.save_dtype(array.dtype)
        self.save(False)
        self.save(np.ascontiguousarray(array).tobytes())  # in the array's own byte order
        self.out += b"tb"  # TUPLE, BUILD

    def save_dtype(self, dtype):
        self.save_global(b"numpy", b"dtype")
        self.save(TYPE_CODES[dtype.newbyteorder("=")])
        self.save_int(0)
        self.save_int(1)
        self.out += b"\x87R"
        self.put(("dtype", str(dtype)))
        order = b"|" if dtype.itemsize == 1 else b">" if dtype.byteorder == ">" else b"<"
        self.save_tuple((3, order, None, None, None, -1, -1, 0))
        self.out += b"b"


def python2_pickle(value):
    """``value`` (tuples, ints, bytes, arrays) as Python 2's cPickle.dumps(value, 2) wrote it."""
    return Python2Pickler().dumps(value)


def mnist_like(n=(50, 20, 30), seed=0):
    """Three (float32 (n, 784) of pixel / 256, int64 (n,)) pairs, like Nielsen's file."""
    rng = np.random.default_rng(seed)
    parts = []
    for count in n:
        pixels = rng.integers(0, 256, (count, 784)) * (rng.random((count, 784)) < 0.2)
        parts.append(((pixels / 256).astype(np.float32), rng.integers(0, 10, count).astype(np.int64)))
    return tuple(parts)


def write_mnist_pkl_gz(path, parts):
    path.write_bytes(gzip.compress(python2_pickle(parts), mtime=0))
    return path
