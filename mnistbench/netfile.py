"""Network files: the original tools' binary format plus mnistbench's JSON trailer.

The format is ``docs/network-file-format.md``. Little-endian: uint8 N,
N uint16 layer sizes, then for each weighted layer its float32 weights
``(n_out, n_in)`` row-major and its float32 biases ``(n_out,)``; optionally one
trailer after that: ``b"MNBJ"``, uint32 L, L bytes of a UTF-8 JSON object.

Files are read by content, never by extension. The size the header implies is
checked against the file before anything large is allocated, and saves are
atomic. Nothing read from a file runs or picks code: activation and loss names
are only checked against the engine's tables, which map them to functions.
"""

import json
import math
import os
import stat
import struct
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from mnistbench.version import __version__
from mnistbench.atomic_file import write_atomically
from mnistbench.engine.activations import ACTIVATIONS
from mnistbench.engine.losses import LOSSES
from mnistbench.engine.network import MAX_LAYERS, MAX_NEURONS, Network
from mnistbench.errors import MnistbenchError, NetworkFileError
from mnistbench.trailer_schema import TrailerProblem, check_trailer

DEFAULT_EXTENSION = ".nn"
BUNDLED_NETWORKS = Path(__file__).resolve().parent / "networks"  # package data; by name: mnistbench.bundled
TRAILER_MAGIC = b"MNBJ"
FORMAT_NAME = "mnistbench-network"
FORMAT_VERSION = 1
MAX_TRAILER_BYTES = 64 * 1024 * 1024  # far above any real training record
MAX_NETWORK_BYTES = 512 * 1024 * 1024  # weights and biases (134 M parameters): docs/limits.md
FLOAT = np.dtype("<f4")
_LOOKALIKES = (  # files people open by mistake: named in the message instead of a size riddle
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\x00\x00\x08", "an IDX dataset file"),
    (b"PK\x03\x04", "a zip archive"),
)
_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "true/false", type(None): "null"}


@dataclass
class NetworkFile:
    """What a file holds. ``metadata`` is the trailer's JSON object, ``{}`` without one."""

    layer_sizes: tuple
    weights: list  # float32 (n_out, n_in) per weighted layer
    biases: list  # float32 (n_out,)
    metadata: dict = field(default_factory=dict)


def payload_size(layer_sizes):
    """Bytes of the core payload: 1 + 2N + 4·Σ (s_l·s_(l-1) + s_l)."""
    pairs = zip(layer_sizes[:-1], layer_sizes[1:])
    return 1 + 2 * len(layer_sizes) + 4 * sum(n_out * n_in + n_out for n_in, n_out in pairs)


# --- reading -------------------------------------------------------------------
def read_network_file(path):
    """The layers, float32 parameters and trailer metadata of a network file."""
    name = os.fspath(path)
    try:
        with open_regular_file(path) as f:
            size = os.fstat(f.fileno()).st_size
            layer_sizes = _read_header(f, name, size)
            trailer = _read_trailer(f, name, payload_size(layer_sizes), size)
            weights, biases = _read_parameters(f, name, layer_sizes)
    except OSError as e:
        raise _error(name, f"cannot read ({e.strerror or e})") from e
    metadata = {} if trailer is None else _parse_trailer(name, trailer, layer_sizes)
    return NetworkFile(layer_sizes, weights, biases, metadata)


def open_regular_file(path):
    """Open ``path`` for reading only if it is a regular file; a FIFO, a device or a folder is refused
    at once (opening a FIFO the usual way blocks until something writes to it)."""
    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except IsADirectoryError as e:
        raise _error(name, "is a folder, not a network file") from e
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        raise _error(name, f"is {kind}, not a network file")
    if hasattr(os, "set_blocking"):
        os.set_blocking(descriptor, True)
    return open(descriptor, "rb")


def _read_header(f, name, size):
    head = f.read(1 + 2 * MAX_LAYERS)
    if not head:
        raise _error(name, "file is empty, not a network")
    n = head[0]
    if n < 2:
        raise _not_a_network(name, head, f"header gives N = {n}; a network has 2 to {MAX_LAYERS} layers")
    if len(head) < 1 + 2 * n:
        raise _not_a_network(name, head, f"file is {_bytes(size)} but a header of {n} layers "
                                         f"needs {_bytes(1 + 2 * n)}")
    layer_sizes = struct.unpack_from(f"<{n}H", head, 1)
    if 0 in layer_sizes:
        raise _not_a_network(name, head, f"header gives layer {layer_sizes.index(0)} no neurons "
                                         f"({_describe(layer_sizes)})")
    needed = payload_size(layer_sizes)
    if size < needed:
        raise _not_a_network(name, head, f"file is {_bytes(size)} but its header "
                                         f"({_describe(layer_sizes)}) needs {needed:,}")
    check_network_size(name, layer_sizes)
    return layer_sizes


def check_network_size(name, layer_sizes):
    """Refuse a network above the documented limit in one line, before any of it is allocated."""
    needed = payload_size(layer_sizes)
    if needed > MAX_NETWORK_BYTES:
        raise _error(name, f"{_describe(layer_sizes)} has {(needed - 1 - 2 * len(layer_sizes)) // 4:,} "
                           f"parameters ({needed / 2**20:,.0f} MiB), more than the largest network "
                           f"mnistbench works with ({MAX_NETWORK_BYTES // 2**20} MiB; see docs/limits.md)")


def _read_trailer(f, name, payload, size):
    """The trailer's JSON bytes, or None when the file ends with the payload."""
    extra = size - payload
    if extra == 0:
        return None
    f.seek(payload)
    head = f.read(8)
    if len(head) < 8 or head[:4] != TRAILER_MAGIC:
        raise _error(name, f"found {_bytes(extra)} after the network payload, not an MNBJ trailer")
    (length,) = struct.unpack("<I", head[4:])
    if length > MAX_TRAILER_BYTES:
        raise _error(name, f"trailer claims {length:,} bytes of JSON (limit {MAX_TRAILER_BYTES:,})")
    if length > extra - 8:
        raise _error(name, f"trailer claims {length:,} bytes of JSON but only {extra - 8:,} remain")
    if length < extra - 8:
        raise _error(name, f"found {_bytes(extra - 8 - length)} after the trailer; "
                           "a file ends with at most one trailer")
    return f.read(length)


def _read_parameters(f, name, layer_sizes):
    """Per weighted layer, its weights then its biases, read straight into float32 arrays."""
    f.seek(1 + 2 * len(layer_sizes))
    weights, biases = [], []
    for layer, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        weights.append(_read_floats(f, name, f"layer {layer} weights", n_out * n_in).reshape(n_out, n_in))
        biases.append(_read_floats(f, name, f"layer {layer} biases", n_out))
    return weights, biases


def _read_floats(f, name, what, count):
    values = np.fromfile(f, dtype=FLOAT, count=count)
    if values.size != count:
        raise _error(name, "file changed size while it was being read")
    _check_finite(name, what, values)
    return values.astype(np.float32, copy=False)


def _parse_trailer(name, data, layer_sizes):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _error(name, f"trailer is not valid UTF-8 (byte {e.start} of its JSON)") from e
    try:
        metadata = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as e:
        raise _error(name, f"trailer is not valid JSON ({e})") from e
    if not isinstance(metadata, dict):
        raise _error(name, f"trailer JSON is {_JSON_KINDS[type(metadata)]}, not an object")
    try:
        check_trailer(metadata)
    except TrailerProblem as e:
        raise _error(name, f"trailer {e}") from e
    _check_metadata(name, metadata, layer_sizes)
    return metadata


def _reject_constant(constant):
    raise ValueError(f"{constant} is not JSON")


def _check_metadata(name, metadata, layer_sizes):
    """Check the keys mnistbench uses; any others are kept as they are."""
    def bad(message):
        return _error(name, f"trailer {message}")

    if metadata.get("format", FORMAT_NAME) != FORMAT_NAME:
        raise bad(f"format is {_short(metadata['format'])}, not {FORMAT_NAME!r}")
    version = metadata.get("version", FORMAT_VERSION)
    if type(version) is not int or not 1 <= version <= FORMAT_VERSION:
        raise bad(f"version {_short(version)} is not one this mnistbench reads ({FORMAT_VERSION})")
    _check_activations_and_loss(bad, metadata, len(layer_sizes) - 1)
    names = metadata.get("class_names", [""] * layer_sizes[-1])
    if not isinstance(names, list) or len(names) != layer_sizes[-1] \
            or not all(isinstance(n, str) for n in names):
        raise bad(f"class_names {_short(names)} are not {layer_sizes[-1]} strings, one per output")
    shape = metadata.get("input_shape", [layer_sizes[0]])
    if not isinstance(shape, list) or not all(type(n) is int and n > 0 for n in shape) \
            or math.prod(shape) != layer_sizes[0]:
        raise bad(f"input_shape {_short(shape)} does not hold the {layer_sizes[0]} inputs")


def _check_activations_and_loss(bad, metadata, n_weighted):
    """Names only: the engine's tables, not the file, decide what code they stand for."""
    if "activations" in metadata:
        activations = metadata["activations"]
        if not isinstance(activations, list) or len(activations) != n_weighted:
            raise bad(f"activations {_short(activations)} are not a list of {n_weighted} names, "
                      f"one per weighted layer")
        for activation in activations:
            if not isinstance(activation, str) or activation not in ACTIVATIONS:
                raise bad(f"names an unknown activation {_short(activation)} "
                          f"(known: {', '.join(ACTIVATIONS)})")
    loss = metadata.get("loss", "quadratic")
    if not isinstance(loss, str) or loss not in LOSSES:
        raise bad(f"names an unknown loss {_short(loss)} (known: {', '.join(LOSSES)})")


# --- writing -------------------------------------------------------------------
def write_network_file(path, layer_sizes, weights, biases, metadata=None):
    """Write atomically; an empty or None ``metadata`` writes no trailer (the original format)."""
    name = os.fspath(path)
    layer_sizes = tuple(int(n) for n in layer_sizes)
    if not 2 <= len(layer_sizes) <= MAX_LAYERS or not all(1 <= n <= MAX_NEURONS for n in layer_sizes):
        raise _error(name, f"cannot save {_describe(layer_sizes)}: the format holds 2 to "
                           f"{MAX_LAYERS} layers of 1 to {MAX_NEURONS} neurons")
    check_network_size(name, layer_sizes)
    chunks = [struct.pack(f"<B{len(layer_sizes)}H", len(layer_sizes), *layer_sizes)]
    if len(weights) != len(layer_sizes) - 1 or len(biases) != len(weights):
        raise _error(name, f"cannot save: {len(weights)} weight and {len(biases)} bias arrays "
                           f"for {_describe(layer_sizes)}")
    for layer, (W, b) in enumerate(zip(weights, biases), start=1):
        n_in, n_out = layer_sizes[layer - 1], layer_sizes[layer]
        for what, array, shape in (("weights", W, (n_out, n_in)), ("biases", b, (n_out,))):
            if np.shape(array) != shape:
                raise _error(name, f"cannot save: layer {layer} {what} have shape "
                                   f"{np.shape(array)}, expected {shape}")
            array = np.ascontiguousarray(array, dtype=FLOAT)
            _check_finite(name, f"cannot save: layer {layer} {what}", array)
            chunks.append(memoryview(array).cast("B"))
    if metadata:
        chunks.append(_encode_trailer(name, metadata))
    _atomic_write(name, chunks)


def _encode_trailer(name, metadata):
    """MNBJ + length + JSON; sorted keys and compact separators, so the bytes are reproducible."""
    try:
        text = json.dumps(_json_safe(metadata), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False)
        data = text.encode("utf-8")
    except (TypeError, ValueError) as e:
        raise _error(name, f"cannot save the metadata: {e}") from e
    if len(data) > MAX_TRAILER_BYTES:
        raise _error(name, f"cannot save {len(data):,} bytes of metadata (limit {MAX_TRAILER_BYTES:,})")
    return TRAILER_MAGIC + struct.pack("<I", len(data)) + data


def _json_safe(value):
    """Plain JSON values: NumPy scalars and arrays unwrapped, NaN and infinities as null."""
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"keys must be strings, not {key!r}")
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_safe(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a {type(value).__name__} is not a JSON value")


def _atomic_write(name, chunks):
    """Write atomically (see atomic_file); a failure becomes one line naming the file."""
    try:
        write_atomically(name, chunks)
    except OSError as e:
        raise _error(name, f"cannot save ({e.strerror or e})") from e


def check_writable(path):
    """Refuse, before any work, a save that cannot succeed: a folder as the path, a missing parent,
    a folder we may not write in (tried with a real temporary file: permissions, read-only disks)."""
    name = os.fspath(path)
    target = Path(path)
    if target.is_dir():
        raise _error(name, f"is a folder; give a file name such as {target / ('network' + DEFAULT_EXTENSION)}")
    if target.exists() and not target.is_file():
        raise _error(name, "exists and is not a regular file; choose another file name")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise _error(name, f"cannot save here: the folder {folder} does not exist")
    try:
        descriptor, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".check", dir=folder)
    except OSError as e:
        raise _error(name, f"cannot save in the folder {folder} ({e.strerror or e})") from e
    os.close(descriptor)
    os.unlink(probe)


# --- networks ------------------------------------------------------------------
def load_network(path):
    """A ``Network`` from a file; without a trailer, the original tools' sigmoid/quadratic network."""
    contents = read_network_file(path)
    n_weighted = len(contents.layer_sizes) - 1
    activations = contents.metadata.get("activations", ["sigmoid"] * n_weighted)
    loss = contents.metadata.get("loss", "quadratic")
    try:
        return Network.from_parameters(contents.weights, contents.biases, activations, loss=loss,
                                       metadata=contents.metadata)
    except MnistbenchError as e:
        raise _error(os.fspath(path), str(e)) from e


def save_network(net, path):
    """Save atomically, with a trailer holding activations, loss, the training record and more."""
    metadata = dict(net.metadata)
    metadata.update(format=FORMAT_NAME, version=FORMAT_VERSION, activations=list(net.activations),
                    loss=net.loss, program=f"mnistbench {__version__}",
                    created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    if "input_shape" not in metadata and net.layer_sizes[0] == 28 * 28:
        metadata["input_shape"] = [28, 28]
    write_network_file(path, net.layer_sizes, net.weights, net.biases, metadata)


# --- messages ------------------------------------------------------------------
def _error(name, message):
    return NetworkFileError(f"{name}: {message}")


def _not_a_network(name, head, message):
    """Name the kind of file when it is a well-known other kind, else say what is wrong."""
    for prefix, kind in _LOOKALIKES:
        if head.startswith(prefix):
            return _error(name, f"not a mnistbench network file (it looks like {kind})")
    return _error(name, f"not a mnistbench network file: {message}")


def _check_finite(name, what, array):
    bad = array.size - int(np.count_nonzero(np.isfinite(array)))
    if bad:
        raise _error(name, f"{what} hold non-finite values ({bad:,} NaN or infinity)")


def _describe(layer_sizes):
    sizes = [str(n) for n in layer_sizes]
    if len(sizes) > 6:
        sizes = sizes[:3] + ["..."] + sizes[-2:]
    return f"{len(layer_sizes)} layers {'-'.join(sizes)}"


def _bytes(count):
    return "1 byte" if count == 1 else f"{count:,} bytes"


def _short(value, limit=40):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
