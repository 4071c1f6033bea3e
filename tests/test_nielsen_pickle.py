"""Nielsen's mnist.pkl.gz read without unpickling: the real structure loads, nothing else runs or loads."""

import gzip
import os
import pickle
import struct

import numpy as np
import pytest

from mnistbench.cli import main
from mnistbench.data import load_data_wrapper, load_dataset
from mnistbench.data.nielsen_pickle import load_data, to_images
from mnistbench.data.numpy_pickle import read_pickled_arrays
from mnistbench.errors import DatasetError
from python2_pickle import Python2Pickler, mnist_like, python2_pickle, write_mnist_pkl_gz


@pytest.fixture
def parts():
    return mnist_like()


@pytest.fixture
def pkl(tmp_path, parts):
    return write_mnist_pkl_gz(tmp_path / "mnist.pkl.gz", parts)


def test_the_test_file_is_what_python_reads_as_nielsens_file(parts):
    """The hand-written bytes are a real Python 2 pickle: Python 3 reads them as mnist_loader did."""
    back = pickle.loads(python2_pickle(parts), encoding="latin1")
    for (images, labels), (read_images, read_labels) in zip(parts, back):
        assert read_images.dtype == np.float32 and read_labels.dtype == np.int64
        np.testing.assert_array_equal(read_images, images)
        np.testing.assert_array_equal(read_labels, labels)


def test_load_data_returns_the_three_parts_unchanged(pkl, parts):
    for (images, labels), (read_images, read_labels) in zip(parts, load_data(pkl)):
        assert read_images.dtype == np.float32 and read_images.flags.writeable and read_labels.flags.writeable
        np.testing.assert_array_equal(read_images, images)
        np.testing.assert_array_equal(read_labels, labels)


def test_an_uncompressed_pickle_reads_too(tmp_path, parts):
    path = tmp_path / "mnist.pkl"
    path.write_bytes(python2_pickle(parts))
    np.testing.assert_array_equal(load_data(path)[2][0], parts[2][0])


def test_big_endian_and_byte_arrays_read_as_native_values(tmp_path):
    arrays = (np.arange(6, dtype=">f4").reshape(2, 3) / 7, np.arange(300, dtype=np.uint8).reshape(3, 100) % 251)
    path = tmp_path / "arrays.pkl"
    path.write_bytes(python2_pickle(arrays))
    for read, written in zip(read_pickled_arrays(path), arrays):
        assert read.dtype.isnative and read.shape == written.shape
        np.testing.assert_array_equal(read, written)


def test_load_data_wrapper_gives_the_books_shapes(pkl, parts):
    training, validation, test = load_data_wrapper(pkl)
    assert (len(training), len(validation), len(test)) == (50, 20, 30)
    x, y = training[7]
    assert x.shape == (784, 1) and y.shape == (10, 1)
    assert y[parts[0][1][7], 0] == 1.0 and y.sum() == 1.0
    np.testing.assert_array_equal(x[:, 0], parts[0][0][7])
    x, label = test[3]
    assert x.shape == (784, 1) and int(label) == parts[2][1][3]


def test_load_data_wrapper_looks_where_the_books_code_keeps_the_file(tmp_path, parts, monkeypatch):
    (tmp_path / "data").mkdir()
    write_mnist_pkl_gz(tmp_path / "data" / "mnist.pkl.gz", parts)
    monkeypatch.chdir(tmp_path)
    assert len(load_data_wrapper()[0]) == 50
    monkeypatch.chdir(tmp_path / "data" / "..")
    os.remove(tmp_path / "data" / "mnist.pkl.gz")
    with pytest.raises(DatasetError, match="mnist.pkl.gz not found"):
        load_data_wrapper()


def test_pixels_of_v_over_256_come_back_as_the_original_bytes(parts):
    images = to_images(parts[0][0])
    assert images.dtype == np.uint8 and images.shape == (50, 28, 28)
    np.testing.assert_array_equal(images.reshape(50, -1) / 256, parts[0][0])


def hostile_call(module, name, argument):
    """A pickle that calls module.name(argument) when unpickled."""
    text = argument.encode()
    return (b"\x80\x02c" + module + b"\n" + name + b"\n" + b"U" + bytes([len(text)]) + text
            + b"\x85R.")


def test_a_pickle_that_would_make_a_folder_does_when_unpickled_and_not_here(tmp_path):
    made = tmp_path / "made-by-pickle"
    payload = hostile_call(b"posix" if os.name == "posix" else b"nt", b"mkdir", str(made))
    pickle.loads(payload)  # the payload is live: real unpickling runs it
    assert made.is_dir()
    made.rmdir()
    path = tmp_path / "evil.pkl.gz"
    path.write_bytes(gzip.compress(payload))
    with pytest.raises(DatasetError) as refused:
        load_data(path)
    assert not made.exists()
    message = str(refused.value)
    assert "\n" not in message and str(path) in message and "posix.mkdir" in message


@pytest.mark.parametrize("module, name", [(b"os", b"system"), (b"builtins", b"exec"), (b"__builtin__", b"eval"),
                                          (b"numpy", b"load"), (b"subprocess", b"Popen")])
def test_code_named_anywhere_is_refused_before_anything_runs(tmp_path, parts, module, name):
    marker = tmp_path / "ran"
    call = hostile_call(module, name, f"touch {marker}")[2:-1]  # without PROTO and STOP
    pickler = Python2Pickler()
    pickler.save(parts[0])
    payload = bytes(pickler.out) + call + b"\x86."  # (training part, the call's result)
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(payload))
    with pytest.raises(DatasetError, match=f"names {module.decode()}.{name.decode()}"):
        load_data(path)
    assert not marker.exists()


@pytest.mark.parametrize("payload, reason", [
    (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93.", "not a protocol-2 pickle"),
    (b"cos\nsystem\n.", "not a protocol-2 pickle"),  # protocol 0: no PROTO opcode
    (b"\x80\x02cnumpy\ndtype\nU\x01O K\x00K\x01\x87R.".replace(b" ", b""), "REDUCE of something other"),
    (b"\x80\x02cnumpy\nndarray\n(K\x01t\x62.", "BUILD of something other"),
    (b"\x80\x02cnumpy\ndtype\nU\x02f4K\x00K\x01\x87R(K\x03U\x01<NU\x01a\x85NJ\xff\xff\xff\xff"
     b"J\xff\xff\xff\xffK\x00tb.", "a dtype state other than a plain number"),  # a record dtype's names
    (b"\x80\x02cnumpy\nndarray\nK\x00\x85R.", "REDUCE of something other"),
    (b"\x80\x02]q\x00.", "opcode EMPTY_LIST"),
    (b"\x80\x02X\x02\x00\x00\x00hi.", "opcode BINUNICODE"),
    (b"\x80\x02T\x00\x00\x10\x00short", "truncated"),  # a 1 MiB string promised in a few bytes
    (b"\x80\x02h\x05.", "memo entry 5"),
    (b"\x80\x02t.", "TUPLE without a MARK"),
    (b"\x80\x02K\x01K\x02.", "STOP with 2 values"),
])
def test_anything_but_pickled_arrays_is_refused_in_one_line(tmp_path, payload, reason):
    path = tmp_path / "odd.pkl"
    path.write_bytes(payload)
    with pytest.raises(DatasetError, match=reason) as refused:
        read_pickled_arrays(path)
    assert "\n" not in str(refused.value) and str(path) in str(refused.value)


def test_a_gzip_bomb_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    from mnistbench.data import numpy_pickle

    path = tmp_path / "bomb.pkl.gz"
    path.write_bytes(gzip.compress(b"\x80\x02T" + struct.pack("<i", 2**31 - 1) + bytes(1 << 20)))
    with pytest.raises(DatasetError, match="a string of 2,147,483,647 bytes"):
        read_pickled_arrays(path)
    monkeypatch.setattr(numpy_pickle, "MAX_TOTAL_BYTES", 1 << 20)
    path.write_bytes(gzip.compress(b"\x80\x02T" + struct.pack("<i", 2 << 20) + bytes(2 << 20) + b"."))
    with pytest.raises(DatasetError, match="more than 1 MiB of pickle"):
        read_pickled_arrays(path)


def test_an_array_whose_data_does_not_fit_its_shape_is_refused(tmp_path, parts):
    data = bytearray(python2_pickle(parts[0][1]))
    at = data.index(b"T" + struct.pack("<i", parts[0][1].nbytes))  # the data string's length
    data[at + 1:at + 5] = struct.pack("<i", parts[0][1].nbytes - 8)
    del data[at + 5:at + 13]
    path = tmp_path / "short.pkl"
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="bytes of data"):
        read_pickled_arrays(path)


def test_a_pickle_of_other_arrays_is_not_mnist(tmp_path):
    path = tmp_path / "other.pkl.gz"
    path.write_bytes(gzip.compress(python2_pickle((np.zeros((3, 5), np.float32), np.zeros(3, np.int64)))))
    with pytest.raises(DatasetError, match="not mnist.pkl.gz's three"):
        load_data(path)
    path.write_bytes(gzip.compress(python2_pickle(tuple((np.zeros((3, 5), np.float32), np.zeros(3, np.int64))
                                                       for _ in range(3)))))
    with pytest.raises(DatasetError, match=r"training images are float32 \(3, 5\)"):
        load_data(path)


def test_a_file_that_is_not_gzip_or_pickle_says_so(tmp_path):
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    with pytest.raises(DatasetError, match="cannot read"):
        load_data(path)


def test_data_import_turns_the_pickle_into_an_idx_dataset(pkl, parts, capsys):
    assert main(["data", "import", str(pkl)]) == 0
    assert "imported 'mnist': 70 training + 30 test images" in capsys.readouterr().out
    dataset = load_dataset("mnist")
    np.testing.assert_array_equal(dataset.train_labels, np.concatenate([parts[0][1], parts[1][1]]))
    np.testing.assert_array_equal(dataset.test_images.reshape(30, -1) / 256, parts[2][0])


def test_data_import_of_a_hostile_pickle_is_one_line_and_exit_1(tmp_path, capsys):
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(hostile_call(b"os", b"system", "true")))
    assert main(["data", "import", str(path), "--name", "evil"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("mnistbench: ") and "os.system" in err and "\n" not in err
