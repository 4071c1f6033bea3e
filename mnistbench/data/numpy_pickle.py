"""Pickled NumPy arrays read without unpickling: a reader of the few pickle opcodes they use.

Made for Nielsen's ``mnist.pkl.gz`` (``nielsen_pickle``), which Python 2
wrote with protocol 2: a tuple of three ``(images, labels)`` tuples of NumPy
arrays. A pickle is a program, and unpickling runs it: any
``GLOBAL`` + ``REDUCE`` can call ``os.system``. So this is not an unpickler. It
follows the opcodes one by one and accepts only what a NumPy array pickled by
Python 2 consists of — the globals ``numpy.core.multiarray._reconstruct``,
``numpy.ndarray`` and ``numpy.dtype``, called only in the shapes NumPy writes
(``_reconstruct(ndarray, (0,), "b")``, ``dtype("f4", 0, 1)``), then ``BUILD``
with their state; tuples, small ints, ``None``, booleans and Python 2 strings
(read as the bytes they are, where Python 3 would decode them as latin1).
Anything else is refused with one line before it could do anything: nothing
in the file is ever called, imported or looked up by name.
"""

import gzip
import math
import struct
from dataclasses import dataclass

import numpy as np

from mnistbench.errors import DatasetError

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 1 << 24  # large strings grow as they arrive: a false length cannot allocate memory
MAX_STRING_BYTES = 1 << 29  # 512 MiB: mnist.pkl.gz's largest string (the training images) is 157 MB
MAX_TOTAL_BYTES = 1 << 30  # 1 GiB decompressed, against gzip bombs; the whole of mnist.pkl is 220 MB
MAX_NESTING = 32
GLOBALS = {  # (module, name) -> what it stands for; nothing else may be named
    (b"numpy.core.multiarray", b"_reconstruct"): "reconstruct",
    (b"numpy._core.multiarray", b"_reconstruct"): "reconstruct",
    (b"numpy", b"ndarray"): "ndarray",
    (b"numpy", b"dtype"): "dtype",
}
DTYPES = {b"f4": np.float32, b"f8": np.float64, b"i8": np.int64, b"i4": np.int32, b"i2": np.int16,
          b"u1": np.uint8, b"i1": np.int8}
BYTE_ORDERS = (b"<", b">", b"|")  # little-endian, big-endian, not applicable
OPCODE_NAMES = {b"R": "REDUCE", b"c": "GLOBAL", b"\x93": "STACK_GLOBAL", b"i": "INST", b"o": "OBJ",
                b"\x81": "NEWOBJ", b"\x92": "NEWOBJ_EX", b"b": "BUILD", b"]": "EMPTY_LIST",
                b"}": "EMPTY_DICT", b"X": "BINUNICODE", b"B": "BINBYTES", b"C": "SHORT_BINBYTES"}


class PickleRefused(Exception):
    """Something the file's structure does not allow; the reader adds the file name."""


@dataclass(frozen=True)
class _Global:
    kind: str  # a value of GLOBALS


@dataclass(frozen=True)
class _PendingDtype:  # dtype(code, 0, 1) made, its state still to come
    code: bytes


@dataclass(frozen=True)
class _PendingArray:  # _reconstruct(ndarray, (0,), b"b") made, its state still to come
    pass


class _Mark:
    """MARK: where TUPLE's items begin."""


class OpcodeReader:
    """Follows one pickle's opcodes, allowing only those of pickled NumPy arrays; ``read()`` -> the value."""

    def __init__(self, stream):
        self.stream, self.stack, self.memo, self.position = stream, [], {}, 0
        self.actions = {
            b"(": self._mark, b"t": self._tuple, b")": lambda: self.stack.append(()),
            b"\x85": lambda: self._last(1), b"\x86": lambda: self._last(2), b"\x87": lambda: self._last(3),
            b"N": lambda: self.stack.append(None), b"\x88": lambda: self.stack.append(True),
            b"\x89": lambda: self.stack.append(False),
            b"K": lambda: self.stack.append(self._unpack("<B")),
            b"M": lambda: self.stack.append(self._unpack("<H")),
            b"J": lambda: self.stack.append(self._unpack("<i")),
            b"U": lambda: self.stack.append(self._bytes(self._unpack("<B"))),
            b"T": lambda: self.stack.append(self._bytes(self._unpack("<i"))),
            b"q": lambda: self._put(self._unpack("<B")), b"r": lambda: self._put(self._unpack("<I")),
            b"h": lambda: self._get(self._unpack("<B")), b"j": lambda: self._get(self._unpack("<I")),
            b"c": self._global, b"R": self._reduce, b"b": self._build,
        }

    def read(self):
        if self._take(1) != b"\x80" or self._unpack("<B") != 2:
            raise PickleRefused("not a protocol-2 pickle (the file Python 2 wrote starts 80 02)")
        while True:
            at, opcode = self.position, self._take(1)
            if opcode == b".":
                if len(self.stack) != 1:
                    raise PickleRefused(f"byte {at}: STOP with {len(self.stack)} values on the stack")
                return self.stack[0]
            action = self.actions.get(opcode)
            if action is None:
                name = OPCODE_NAMES.get(opcode, f"0x{opcode.hex()}")
                raise PickleRefused(f"byte {at}: pickle opcode {name} is not part of mnist.pkl.gz")
            try:
                action()
            except PickleRefused as refused:
                raise PickleRefused(f"byte {at}: {refused}") from None

    # --- reading bytes ----------------------------------------------------------
    def _take(self, count):
        if self.position + count > MAX_TOTAL_BYTES:
            raise PickleRefused(f"more than {MAX_TOTAL_BYTES >> 20} MiB of pickle, far more than mnist.pkl.gz")
        data = self.stream.read(count)
        if len(data) != count:
            raise PickleRefused(f"ends at byte {self.position + len(data)} in the middle of the pickle "
                                "(truncated?)")
        self.position += count
        return data

    def _unpack(self, layout):
        return struct.unpack(layout, self._take(struct.calcsize(layout)))[0]

    def _bytes(self, count):
        """A Python 2 string of ``count`` bytes, read in chunks so a false length allocates nothing."""
        if not 0 <= count <= MAX_STRING_BYTES:
            raise PickleRefused(f"a string of {count:,} bytes (mnist.pkl.gz's largest is 156,800,000)")
        data = bytearray()
        while len(data) < count:
            data += self._take(min(CHUNK_BYTES, count - len(data)))
        return bytes(data) if count < 256 else data

    def _line(self):
        text = bytearray()
        while (char := self._take(1)) != b"\n":
            if len(text) >= 64:
                raise PickleRefused("a GLOBAL name longer than 64 bytes")
            text += char
        return bytes(text)

    # --- opcodes ------------------------------------------------------------------
    def _mark(self):
        if sum(isinstance(item, _Mark) for item in self.stack) >= MAX_NESTING:
            raise PickleRefused(f"tuples nested deeper than {MAX_NESTING}")
        self.stack.append(_Mark())

    def _tuple(self):
        marks = [i for i, item in enumerate(self.stack) if isinstance(item, _Mark)]
        if not marks:
            raise PickleRefused("TUPLE without a MARK")
        items = tuple(self.stack[marks[-1] + 1:])
        del self.stack[marks[-1]:]
        self.stack.append(items)

    def _pop(self, count):
        if len(self.stack) < count or any(isinstance(item, _Mark) for item in self.stack[-count:]):
            raise PickleRefused(f"needs {count} values on the stack")
        items = tuple(self.stack[-count:])
        del self.stack[-count:]
        return items

    def _last(self, count):
        self.stack.append(self._pop(count))

    def _put(self, index):
        self.memo[index] = self._pop(1)[0]
        self.stack.append(self.memo[index])

    def _get(self, index):
        if index not in self.memo:
            raise PickleRefused(f"refers to memo entry {index}, which was never stored")
        self.stack.append(self.memo[index])

    def _global(self):
        module, name = self._line(), self._line()
        kind = GLOBALS.get((module, name))
        if kind is None:
            who = f"{module.decode('latin1')}.{name.decode('latin1')}"
            raise PickleRefused(f"names {who}; only NumPy arrays may be named in mnist.pkl.gz")
        self.stack.append(_Global(kind))

    def _reduce(self):
        function, args = self._pop(2)
        if _same(function, _Global("reconstruct")) and _same(args, (_Global("ndarray"), (0,), b"b")):
            self.stack.append(_PendingArray())
        elif (_same(function, _Global("dtype")) and isinstance(args, tuple) and len(args) == 3
              and any(_same(args[0], code) for code in DTYPES) and _is_int(args[1], 0) and _is_int(args[2], 1)):
            self.stack.append(_PendingDtype(args[0]))
        else:
            raise PickleRefused("REDUCE of something other than a NumPy array or dtype")

    def _build(self):
        target, state = self._pop(2)
        if isinstance(target, _PendingDtype):
            self.stack.append(_dtype_from_state(target.code, state))
        elif isinstance(target, _PendingArray):
            self.stack.append(_array_from_state(state))
        else:
            raise PickleRefused("BUILD of something other than a NumPy array or dtype")


def _dtype_from_state(code, state):
    """dtype state (3, byte order, None, None, None, size, alignment, flags[, None]) -> a NumPy dtype."""
    if not (isinstance(state, tuple) and len(state) in (8, 9) and (_is_int(state[0], 3) or _is_int(state[0], 4))
            and any(_same(state[1], order) for order in BYTE_ORDERS)
            and _same(state[2:5] + state[8:], (None,) * (len(state) - 5))):  # no fields, no metadata
        raise PickleRefused("a dtype state other than a plain number type's")
    dtype = np.dtype(DTYPES[code])
    return dtype.newbyteorder(">") if state[1] == b">" else dtype


def _array_from_state(state):
    """Array state (1, shape, dtype, fortran order, raw bytes) -> a native-order NumPy array."""
    if not (isinstance(state, tuple) and len(state) == 5 and _is_int(state[0], 1)
            and isinstance(state[1], tuple) and all(type(n) is int and n >= 0 for n in state[1])
            and isinstance(state[2], np.dtype) and (_is_int(state[3], 0) or _is_int(state[3], 1))
            and isinstance(state[4], (bytes, bytearray))):
        raise PickleRefused("an array state other than (1, shape, dtype, order, bytes)")
    _, shape, dtype, fortran, data = state
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise PickleRefused(f"an array of shape {shape} ({dtype}) with {len(data):,} bytes of data")
    writable = data if isinstance(data, bytearray) else bytearray(data)  # short strings come as bytes
    array = np.frombuffer(writable, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return np.ascontiguousarray(array, dtype=dtype.newbyteorder("="))


def _same(value, expected):
    """Equal and of the same types, tuples item by item (an array never meets ``==`` here)."""
    if type(value) is not type(expected):
        return False
    if isinstance(expected, tuple):
        return len(value) == len(expected) and all(_same(v, e) for v, e in zip(value, expected))
    return value == expected


def _is_int(value, expected):
    """``value`` is the int (or, for 0 and 1, the bool) ``expected``: Python 2 wrote either."""
    return type(value) in (int, bool) and value == expected


def read_pickled_arrays(path):
    """What a protocol-2 pickle of tuples of NumPy arrays (gzip-compressed or not) holds; refuses the rest."""
    name = str(path)
    try:
        with open(path, "rb") as raw:
            compressed = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw) if compressed else raw
            return OpcodeReader(stream).read()
    except PickleRefused as refused:
        raise DatasetError(f"{name}: not read: {refused}") from None
    except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
        raise DatasetError(f"{name}: cannot read ({getattr(e, 'strerror', None) or e})") from e
