"""Files that used to load and then break things, odd file types, and temporaries a killed save left behind."""

import json
import os
import struct
import time

import numpy as np
import pytest

from mnistbench.atomic_file import STALE_SECONDS, write_atomically
from mnistbench.cli import main
from mnistbench.engine.network import Network
from mnistbench.errors import NetworkFileError
from mnistbench.netfile import load_network, save_network
from mnistbench.trailer_schema import MAX_DEPTH


def tiny_network():
    return Network([4, 3, 2], activation="relu", output="softmax", loss="cross_entropy", seed=0)


def with_trailer(tmp_path, metadata, name="net.nn"):
    """A valid network file whose trailer is replaced by ``metadata`` (any JSON value, as text or object)."""
    path = tmp_path / name
    save_network(tiny_network(), path)
    data = path.read_bytes()
    payload = data[:data.index(b"MNBJ")]
    text = metadata if isinstance(metadata, str) else json.dumps(metadata)
    body = text.encode()
    path.write_bytes(payload + b"MNBJ" + struct.pack("<I", len(body)) + body)
    return path


GOOD = {"format": "mnistbench-network", "version": 1, "activations": ["relu", "softmax"],
        "loss": "cross_entropy"}


@pytest.mark.parametrize("training, complaint", [
    ("not an object", "training must be an object"),
    ({"epochs": "ten"}, "training.epochs must be a whole number"),
    ({"held_out_accuracy": "98 %"}, "training.held_out_accuracy must be a number from 0 to 1"),
    ({"held_out_accuracy": 7}, "training.held_out_accuracy must be a number from 0 to 1"),
    ({"runs": [1, 2]}, "training.runs must be a list of objects"),
    ({"runs": [{"config": "adam"}]}, "training.runs[0].config must be an object"),
    ({"history": {"train_loss": ["x"]}}, "training.history must be an object of lists of numbers"),
    ({"dataset": {"name": 5}}, "training.dataset.name must be a string"),
])
def test_a_trailer_with_wrong_types_is_a_one_line_load_error(tmp_path, training, complaint):
    path = with_trailer(tmp_path, {**GOOD, "training": training})
    with pytest.raises(NetworkFileError) as error:
        load_network(path)
    message = str(error.value)
    assert message.startswith(str(path)) and complaint in message and "\n" not in message


def test_a_deeply_nested_trailer_is_refused_without_recursion(tmp_path):
    deep = "[" * 500 + "]" * 500
    path = with_trailer(tmp_path, json.dumps(GOOD)[:-1] + ', "extra": ' + deep + "}")
    with pytest.raises(NetworkFileError, match=f"more than {MAX_DEPTH} deep"):
        load_network(path)


def test_unknown_plain_keys_are_kept_through_a_save(tmp_path):
    extra = {"notes": {"by": "a teacher", "tags": ["demo", 3, None, True]}}
    path = with_trailer(tmp_path, {**GOOD, **extra, "training": {"dataset": "mnist", "epochs": 2}})
    net = load_network(path)
    save_network(net, tmp_path / "again.nn")
    again = load_network(tmp_path / "again.nn")
    assert again.metadata["notes"] == extra["notes"] and again.metadata["training"]["epochs"] == 2


@pytest.mark.parametrize("command", [["info"], ["test"], ["predict"]])
def test_cli_says_one_line_for_a_bad_trailer(tmp_path, capsys, command):
    path = with_trailer(tmp_path, {**GOOD, "training": {"runs": "all of them"}})
    image = tmp_path / "digit.png"
    image.write_bytes(b"")  # never reached: the network fails first
    extra = [str(image)] if command == ["predict"] else []
    assert main([*command, str(path), *extra]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "training.runs must be a list of objects" in err


def test_a_fifo_named_nn_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.nn"
    os.mkfifo(fifo)
    with pytest.raises(NetworkFileError, match="is a FIFO, not a network file"):
        load_network(fifo)  # before: blocked until something wrote to the pipe


@pytest.mark.parametrize("make, kind", [
    (lambda p: p.mkdir(), "is a folder"),
])
def test_a_folder_named_nn_is_refused(tmp_path, make, kind):
    path = tmp_path / "folder.nn"
    make(path)
    with pytest.raises(NetworkFileError, match=kind):
        load_network(path)


def test_a_device_is_refused():
    with pytest.raises(NetworkFileError, match="is a device, not a network file"):
        load_network("/dev/zero")  # before: read 1 GB of zeros' worth of header riddles, or hung


def test_a_stale_temporary_from_a_killed_save_is_removed_on_the_next_save(tmp_path):
    target = tmp_path / "net.nn"
    stale = tmp_path / ".net.nn.0badc0de.tmp"
    fresh = tmp_path / ".net.nn.12345678.tmp"  # another process may be writing this one right now
    other = tmp_path / ".other.nn.0badc0de.tmp"  # not ours to judge: another file's temporary
    for path in (stale, fresh, other):
        path.write_bytes(b"x" * 1000)
    old = time.time() - STALE_SECONDS - 5
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_atomically(target, [b"new contents"])
    assert target.read_bytes() == b"new contents"
    assert not stale.exists() and fresh.exists() and other.exists()


def test_a_saved_network_still_loads_and_predicts(tmp_path):
    net = tiny_network()
    save_network(net, tmp_path / "n.nn")
    x = np.random.default_rng(0).random((3, 4), dtype=np.float32)
    np.testing.assert_array_equal(load_network(tmp_path / "n.nn").predict(x), net.predict(x))
