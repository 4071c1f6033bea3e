"""Network files: golden bytes written by hand, malformed files, atomic saves, Network round trips."""

import gzip
import json
import math
import os
import struct
import tracemalloc
from datetime import datetime

import numpy as np
import pytest

from mnistbench import atomic_file
from mnistbench.engine.network import Network
from mnistbench.errors import NetworkFileError
from mnistbench.netfile import (DEFAULT_EXTENSION, load_network, payload_size, read_network_file,
                                save_network, write_network_file)

# A 3-2-2 network whose values are exact in float32.
SIZES = (3, 2, 2)
W1 = [[0.5, -1.0, 0.25], [2.0, 0.0, -0.5]]
B1 = [0.125, -2.0]
W2 = [[1.0, -0.75], [-1.5, 4.0]]
B2 = [0.0, 0.5]
GOLDEN = (b"\x03" b"\x03\x00" b"\x02\x00" b"\x02\x00"  # N = 3, then sizes 3, 2, 2 as uint16 LE
          + struct.pack("<6f", 0.5, -1.0, 0.25, 2.0, 0.0, -0.5)  # layer 1 weights, row j = neuron j
          + struct.pack("<2f", 0.125, -2.0)  # layer 1 biases
          + struct.pack("<4f", 1.0, -0.75, -1.5, 4.0)  # layer 2 weights
          + struct.pack("<2f", 0.0, 0.5))  # layer 2 biases


def small_parameters(dtype=np.float32):
    return ([np.array(W1, dtype), np.array(W2, dtype)], [np.array(B1, dtype), np.array(B2, dtype)])


def trailer(json_bytes, length=None, magic=b"MNBJ"):
    return magic + struct.pack("<I", len(json_bytes) if length is None else length) + json_bytes


def nan_at(data, offset):
    return data[:offset] + struct.pack("<f", math.nan) + data[offset + 4:]


def test_golden_bytes_without_trailer(tmp_path):
    assert struct.pack("<f", 0.5) == b"\x00\x00\x00\x3f" and len(GOLDEN) == 63 == payload_size(SIZES)
    path = tmp_path / "net.nn"
    write_network_file(path, SIZES, *small_parameters())
    assert path.read_bytes() == GOLDEN
    contents = read_network_file(path)
    assert contents.layer_sizes == SIZES and contents.metadata == {}
    for got, expected in zip(contents.weights + contents.biases, [W1, W2, B1, B2]):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, np.array(expected, np.float32))


def test_golden_bytes_with_trailer(tmp_path):
    metadata = {"version": 1, "format": "mnistbench-network", "loss": "cross_entropy",
                "activations": ["relu", "softmax"], "class_names": ["zéro", "un"], "input_shape": [3]}
    json_bytes = ('{"activations":["relu","softmax"],"class_names":["zéro","un"],'
                  '"format":"mnistbench-network","input_shape":[3],"loss":"cross_entropy","version":1}'
                  ).encode("utf-8")
    path = tmp_path / "net.nn"
    write_network_file(path, SIZES, *small_parameters(np.float64), metadata=metadata)
    assert path.read_bytes() == GOLDEN + b"MNBJ" + struct.pack("<I", 146) + json_bytes
    assert len(json_bytes) == 146  # UTF-8 bytes, not characters: "é" counts twice
    assert read_network_file(path).metadata == metadata


def test_round_trip_keeps_unknown_keys_and_sorts_deterministically(tmp_path):
    metadata = {"training": {"dataset": "mnist", "epochs": 3, "history": {"loss": [0.5, 0.25]}},
                "from_the_future": {"nested": [1, None, True, "ü"]}, "activations": ["tanh", "sigmoid"]}
    reordered = dict(reversed(list(metadata.items())))
    first, second = tmp_path / "a.nn", tmp_path / "b.nn"
    write_network_file(first, SIZES, *small_parameters(), metadata=metadata)
    write_network_file(second, SIZES, *small_parameters(), metadata=reordered)
    assert first.read_bytes() == second.read_bytes()
    assert read_network_file(first).metadata == metadata


def test_metadata_is_made_json_safe(tmp_path):
    path = tmp_path / "net.nn"
    metadata = {"history": [np.float32(0.5), float("nan"), np.inf], "accuracy": np.float64(0.97),
                "counts": np.array([1, 2], np.int64), "ok": np.bool_(True)}
    write_network_file(path, SIZES, *small_parameters(), metadata=metadata)
    assert read_network_file(path).metadata == {"history": [0.5, None, None], "accuracy": 0.97,
                                                "counts": [1, 2], "ok": True}
    with pytest.raises(NetworkFileError, match=r"net\.nn: cannot save the metadata: a set is not"):
        write_network_file(path, SIZES, *small_parameters(), metadata={"bad": {1, 2}})


def test_old_readers_see_the_payload_of_a_file_with_a_trailer(tmp_path):
    path = tmp_path / "net.nn"
    write_network_file(path, SIZES, *small_parameters(), metadata={"note": "kept"})
    assert path.read_bytes()[:payload_size(SIZES)] == GOLDEN


# --- malformed files: each refused with one line naming the file ----------------------------
def meta(obj):
    return GOLDEN + trailer(json.dumps(obj).encode())


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
IDX = b"\x00\x00\x08\x03" + struct.pack(">3I", 10, 28, 28) + bytes(10 * 28 * 28)
MALFORMED = {
    "empty": (b"", "file is empty"),
    "one layer": (b"\x01\x03\x00" + bytes(12), "header gives N = 1; a network has 2 to 255 layers"),
    "png": (PNG, "not a mnistbench network file (it looks like a PNG image)"),
    "idx": (IDX, "not a mnistbench network file (it looks like an IDX dataset file)"),
    "gzip": (gzip.compress(GOLDEN), "not a mnistbench network file (it looks like a gzip file)"),
    "short header": (b"\x03\x03\x00", "file is 3 bytes but a header of 3 layers needs 7 bytes"),
    "no neurons": (b"\x02\x00\x00\x02\x00" + bytes(8), "header gives layer 0 no neurons"),
    "truncated": (GOLDEN[:-1], "file is 62 bytes but its header (3 layers 3-2-2) needs 63"),
    "extra byte": (GOLDEN + b"\n", "found 1 byte after the network payload, not an MNBJ trailer"),
    "short trailer": (GOLDEN + b"MNBJ\x02\x00", "found 6 bytes after the network payload"),
    "wrong magic": (GOLDEN + trailer(b"{}", magic=b"MNBX"), "not an MNBJ trailer"),
    "length past EOF": (GOLDEN + trailer(b"{}", length=10), "claims 10 bytes of JSON but only 2 remain"),
    "absurd length": (GOLDEN + trailer(b"{}", length=2**32 - 1),
                      "claims 4,294,967,295 bytes of JSON (limit"),
    "bytes after trailer": (GOLDEN + trailer(b"{}") + b"\x00", "found 1 byte after the trailer"),
    "two trailers": (GOLDEN + trailer(b"{}") * 2, "found 10 bytes after the trailer"),
    "bad UTF-8": (GOLDEN + trailer(b'{"a":"\xff"}'), "trailer is not valid UTF-8 (byte 6"),
    "bad JSON": (GOLDEN + trailer(b'{"a":'), "trailer is not valid JSON (Expecting value"),
    "NaN in JSON": (GOLDEN + trailer(b'{"a":NaN}'), "trailer is not valid JSON (NaN is not JSON)"),
    "BOM": (GOLDEN + trailer(b'\xef\xbb\xbf{}'), "trailer is not valid JSON"),
    "deep nesting": (GOLDEN + trailer(b"[" * 100_000 + b"]" * 100_000),
                     "trailer is not valid JSON (maximum recursion"),
    "JSON array": (GOLDEN + trailer(b"[1,2]"), "trailer JSON is an array, not an object"),
    "JSON string": (GOLDEN + trailer(b'"hi"'), "trailer JSON is a string, not an object"),
    "too few activations": (meta({"activations": ["sigmoid"]}), "one per weighted layer"),
    "activations not a list": (meta({"activations": "sigmoid"}), "one per weighted layer"),
    "code as activation": (meta({"activations": ["relu", "__import__('os')"]}),
                           "trailer names an unknown activation \"__import__('os')\""),
    "number as activation": (meta({"activations": ["relu", 3]}), "unknown activation 3"),
    "unknown loss": (meta({"loss": "hinge"}), "trailer names an unknown loss 'hinge'"),
    "null loss": (meta({"loss": None}), "unknown loss None"),
    "other format": (meta({"format": "keras"}), "trailer format is 'keras', not 'mnistbench-network'"),
    "future version": (meta({"version": 2}), "trailer version 2 is not one this mnistbench reads"),
    "boolean version": (meta({"version": True}), "trailer version True"),
    "class names": (meta({"class_names": ["a"]}), "class_names ['a'] are not 2 strings"),
    "input shape": (meta({"input_shape": [28, 28]}), "input_shape [28, 28] does not hold the 3 inputs"),
    "NaN weight": (nan_at(GOLDEN, 7), "layer 1 weights hold non-finite values (1 NaN or infinity)"),
    "NaN bias": (nan_at(GOLDEN, 59), "layer 2 biases hold non-finite values (1 NaN"),
}


@pytest.mark.parametrize("data, expected", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_files_are_refused_with_one_line_naming_the_file(tmp_path, data, expected):
    path = tmp_path / "bad.nn"
    path.write_bytes(data)
    with pytest.raises(NetworkFileError) as caught:
        read_network_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert expected in message


def test_unreadable_paths(tmp_path):
    with pytest.raises(NetworkFileError, match=r"missing\.nn: cannot read \(No such file"):
        read_network_file(tmp_path / "missing.nn")
    with pytest.raises(NetworkFileError, match=r": is a folder, not a network file"):
        load_network(tmp_path)


def test_a_huge_header_is_refused_before_any_allocation(tmp_path):
    path = tmp_path / "huge.nn"
    path.write_bytes(bytes([255]) + struct.pack("<255H", *[65535] * 255) + bytes(1000))
    tracemalloc.start()
    try:
        with pytest.raises(NetworkFileError) as caught:
            read_network_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert "file is 1,511 bytes but its header (255 layers 65535-65535-65535-...-65535-65535) " \
           f"needs {payload_size([65535] * 255):,}" in str(caught.value)


# --- writing: validation and atomic saves ------------------------------------------------
def test_write_refuses_what_the_format_cannot_hold(tmp_path):
    path = tmp_path / "net.nn"
    weights, biases = small_parameters()
    wrong_shape = r"net\.nn: cannot save: layer 2 weights have shape \(2, 3\), expected \(2, 2\)"
    with pytest.raises(NetworkFileError, match=wrong_shape):
        write_network_file(path, SIZES, [weights[0], weights[0]], biases)
    weights[1][0, 0] = np.inf
    with pytest.raises(NetworkFileError, match=r"cannot save: layer 2 weights hold non-finite values \(1 NaN"):
        write_network_file(path, SIZES, weights, biases)
    with pytest.raises(NetworkFileError, match="cannot save 2 layers 3-70000"):
        write_network_file(path, (3, 70000), [np.zeros((70000, 3))], [np.zeros(70000)])
    with pytest.raises(NetworkFileError, match=r"nowhere[/\\]net\.nn: cannot save \(No such file"):
        write_network_file(tmp_path / "nowhere" / "net.nn", SIZES, *small_parameters())
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, step):
    path = tmp_path / "net.nn"
    path.write_bytes(b"the old file")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_file.os, step, disk_full)
    with pytest.raises(NetworkFileError) as caught:
        write_network_file(path, SIZES, *small_parameters())
    assert str(caught.value) == f"{path}: cannot save (No space left on device)"
    assert path.read_bytes() == b"the old file"
    assert os.listdir(tmp_path) == ["net.nn"]


def test_a_save_interrupted_mid_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "net.nn"
    path.write_bytes(b"the old file")
    real_open, written = open, []

    class InterruptedFile:  # Ctrl-C after the header and the first weights reached the disk
        def __init__(self, *args, **kwargs):
            self.f = real_open(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            if len(written) == 2:
                raise KeyboardInterrupt
            written.append(self.f.write(data))

    monkeypatch.setattr(atomic_file, "open", InterruptedFile, raising=False)
    with pytest.raises(KeyboardInterrupt):
        write_network_file(path, SIZES, *small_parameters())
    assert written == [7, 24]
    assert path.read_bytes() == b"the old file"
    assert os.listdir(tmp_path) == ["net.nn"]


# --- networks ----------------------------------------------------------------------------
def reference_forward(weights, biases, x):
    """The original tools: a = sigmoid(W a + b) in float32, one example, layer by layer."""
    a = x.astype(np.float32)
    for W, b in zip(weights, biases):
        z = W @ a + b
        a = np.float32(1) / (np.float32(1) + np.exp(-z))
        assert a.dtype == np.float32
    return a


def test_a_file_without_trailer_is_the_original_sigmoid_network(tmp_path):
    rng = np.random.default_rng(0)
    sizes = (784, 30, 10)
    weights = [(rng.standard_normal((o, i)) / np.sqrt(i)).astype("<f4") for i, o in zip(sizes, sizes[1:])]
    biases = [rng.standard_normal(o).astype("<f4") for o in sizes[1:]]
    parameters = b"".join(W.tobytes() + b.tobytes() for W, b in zip(weights, biases))
    data = struct.pack("<B3H", 3, *sizes) + parameters
    path = tmp_path / "classic"  # no extension: files load by content
    path.write_bytes(data)
    net = load_network(path)
    assert net.layer_sizes == sizes and net.activations == ["sigmoid", "sigmoid"]
    assert net.loss == "quadratic" and net.dtype == np.float32 and net.metadata == {}
    X = rng.random((200, 784), dtype=np.float32)
    expected = np.stack([reference_forward(weights, biases, x) for x in X])
    got = net.forward(X)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got.argmax(axis=1), expected.argmax(axis=1))


def test_save_and_load_a_network_keeps_everything(tmp_path):
    net = Network([5, 4, 3], activation="relu", output="softmax", loss="cross_entropy", init="he", seed=3)
    net.metadata["training"] = {"dataset": "mnist", "history": {"loss": [1.0, 0.5]}, "accuracy": 0.9}
    net.metadata["unknown_future_key"] = {"x": [1, 2]}
    path = tmp_path / f"net{DEFAULT_EXTENSION}"
    save_network(net, path)
    loaded = load_network(path)
    assert (loaded.layer_sizes, loaded.activations, loaded.loss) == ((5, 4, 3), ["relu", "softmax"],
                                                                    "cross_entropy")
    for got, expected in zip(loaded.weights + loaded.biases, net.weights + net.biases):
        np.testing.assert_array_equal(got, expected)
    assert loaded.metadata["training"] == net.metadata["training"]
    assert loaded.metadata["unknown_future_key"] == {"x": [1, 2]}
    assert loaded.metadata["format"] == "mnistbench-network" and loaded.metadata["version"] == 1
    assert loaded.metadata["program"].startswith("mnistbench ")
    assert datetime.fromisoformat(loaded.metadata["created"]).tzinfo is not None
    assert "input_shape" not in loaded.metadata  # only a 784-input network is 28x28
    save_network(loaded, tmp_path / "again.nn")
    assert load_network(tmp_path / "again.nn").metadata["unknown_future_key"] == {"x": [1, 2]}


def test_save_a_float64_network_and_default_input_shape(tmp_path):
    net = Network([784, 3, 2], seed=1, dtype="float64")
    path = tmp_path / "net.nn"
    save_network(net, path)
    contents = read_network_file(path)
    assert contents.metadata["input_shape"] == [28, 28]
    np.testing.assert_array_equal(contents.weights[0], net.weights[0].astype(np.float32))


def test_a_readable_file_the_engine_refuses_names_the_file(tmp_path):
    path = tmp_path / "net.nn"
    write_network_file(path, SIZES, *small_parameters(),
                       metadata={"activations": ["relu", "relu"], "loss": "cross_entropy"})
    assert read_network_file(path).metadata["loss"] == "cross_entropy"
    with pytest.raises(NetworkFileError) as caught:
        load_network(path)
    assert str(caught.value).startswith(f"{path}: output with cross_entropy loss must be one of")


# --- limits and checks before work (issue 9, issue 10 class 10) ------------------------------
def test_a_text_file_is_named_not_a_network_before_any_header_arithmetic(tmp_path):
    path = tmp_path / "notes.nn"
    path.write_text("hello, these are my notes\n")
    with pytest.raises(NetworkFileError) as caught:
        read_network_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a mnistbench network file")
    assert message.index("not a mnistbench network file") < message.index("bytes")


def test_a_network_above_the_documented_limit_is_refused_in_one_line(tmp_path, monkeypatch):
    from mnistbench import netfile

    path = tmp_path / "big.nn"
    save_network(Network((784, 30, 10), seed=0), path)
    monkeypatch.setattr(netfile, "MAX_NETWORK_BYTES", 50_000)
    with pytest.raises(NetworkFileError, match=r"big\.nn: 3 layers 784-30-10 has 23,860 parameters .*"
                                               r"more than the largest network mnistbench works with"):
        read_network_file(path)
    with pytest.raises(NetworkFileError, match="more than the largest network"):
        save_network(Network((784, 30, 10), seed=0), tmp_path / "other.nn")
    assert not (tmp_path / "other.nn").exists()


def test_the_network_limit_is_the_one_docs_limits_md_gives():
    from pathlib import Path
    from mnistbench import netfile

    limits = (Path(__file__).resolve().parents[1] / "docs" / "limits.md").read_text()
    assert f"{netfile.MAX_NETWORK_BYTES // 2**20} MiB" in limits


@pytest.mark.parametrize("case", ["folder as the path", "missing parent", "read-only folder"])
def test_check_writable_refuses_what_a_save_could_not_do(tmp_path, case):
    from mnistbench.netfile import check_writable

    path, fragment = {
        "folder as the path": (tmp_path, "is a folder; give a file name"),
        "missing parent": (tmp_path / "nowhere" / "net.nn", "does not exist"),
        "read-only folder": ("/sys/net.nn", "cannot save in the folder /sys"),  # read-only even for root
    }[case]
    with pytest.raises(NetworkFileError, match=fragment):
        check_writable(path)
    assert not any(name.endswith(".check") for name in os.listdir(tmp_path))


def test_check_writable_leaves_nothing_behind_where_it_may_write(tmp_path):
    from mnistbench.netfile import check_writable

    check_writable(tmp_path / "net.nn")
    assert os.listdir(tmp_path) == []
