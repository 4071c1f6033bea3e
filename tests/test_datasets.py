"""Datasets: loading folders and names, where names are looked up, listing and importing."""

import argparse
import json
import re
from pathlib import Path

import numpy as np
import pytest

from idx_factory import synthetic_digits, write_dataset, write_synthetic_dataset
from mnistbench.data import datasets
from mnistbench.data.datasets import (
    DIGIT_CLASSES,
    FASHION_CLASSES,
    KNOWN_DATASETS,
    available_datasets,
    import_folder,
    load_dataset,
    to_inputs,
)
from mnistbench.commands.data import add_data_parser, data_command
from mnistbench.errors import DatasetError


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No real datasets and no Debian folder: only what the test writes is visible."""
    monkeypatch.setenv("MNISTBENCH_DATASETS", str(tmp_path / "shared"))
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_MNIST", tmp_path / "debian" / "fashion-mnist")
    return tmp_path


def one_line(excinfo, *fragments):
    message = str(excinfo.value)
    assert "\n" not in message
    for fragment in fragments:
        assert str(fragment) in message, message
    return message


def test_to_inputs_scales_to_float32_rows():
    images = np.zeros((2, 28, 28), np.uint8)
    images[0, 0, 0], images[1, 27, 27] = 255, 51
    inputs = to_inputs(images)
    assert inputs.dtype == np.float32 and inputs.shape == (2, 784)
    assert inputs[0, 0] == 1.0 and inputs[1, 783] == pytest.approx(0.2) and inputs.sum() == pytest.approx(1.2)
    assert to_inputs(np.zeros((0, 28, 28), np.uint8)).shape == (0, 784)
    with pytest.raises(ValueError):
        to_inputs(images.astype(np.float32))


@pytest.mark.parametrize("gzip", [True, False])
def test_load_folder_with_all_four_files(isolated, gzip):
    folder = write_synthetic_dataset(isolated / "digits", n_train=50, n_test=20, seed=3, gzip=gzip)
    dataset = load_dataset(str(folder))
    expected_train = synthetic_digits(50, seed=3)
    assert dataset.name == "digits" and dataset.source == str(folder)
    assert dataset.train_images.shape == (50, 28, 28) and dataset.train_images.dtype == np.uint8
    assert dataset.train_labels.dtype == np.int64 and dataset.test_labels.shape == (20,)
    np.testing.assert_array_equal(dataset.train_images, expected_train[0])
    np.testing.assert_array_equal(dataset.train_labels, expected_train[1])
    assert dataset.class_names == DIGIT_CLASSES
    assert "50 training + 20 test images from" in dataset.describe()
    dataset.require_train()
    dataset.require_test()


def test_test_only_folder_loads_and_says_so(isolated):
    folder = write_dataset(isolated / "mnist", test=synthetic_digits(30))
    dataset = load_dataset(folder)
    assert dataset.n_train == 0 and dataset.n_test == 30 and "(test set only)" in dataset.describe()
    for refuse in (dataset.require_train, lambda: dataset.train_images, lambda: dataset.train_labels):
        with pytest.raises(DatasetError) as excinfo:
            refuse()
        one_line(excinfo, folder, "no training set (train-* files)", "mnistbench data download")


def readme_snippet():
    """The README's Python block and the dataset names its load_dataset line offers."""
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    (code,) = [block for block in re.findall(r"```python\n(.*?)```", text, flags=re.S) if "load_dataset(" in block]
    (line,) = [line for line in code.splitlines() if "load_dataset(" in line and "import" not in line]
    names = [name for name in re.findall(r'"([^"]+)"', line) if name in KNOWN_DATASETS]
    return code, line, names


def test_readme_snippet_runs_on_every_dataset_it_names(isolated, monkeypatch, capsys):
    code, line, names = readme_snippet()
    assert sorted(names) == sorted(KNOWN_DATASETS), line
    monkeypatch.chdir(isolated)
    for name in names:
        write_synthetic_dataset(isolated / "shared" / name, n_train=200, n_test=50, seed=1)
        exec(code.replace(line, line.replace('"mnist"', f'"{name}"', 1)), {})
        assert float(capsys.readouterr().out.split()[-1]) > 0.8, name  # the printed test accuracy
        assert (isolated / "classic.nn").stat().st_size > 784 * 30 * 4


def test_readme_snippet_on_a_test_only_dataset_says_what_is_missing(isolated, monkeypatch):
    code, _, _ = readme_snippet()
    write_dataset(isolated / "shared" / "mnist", test=synthetic_digits(30))  # like the shared mnist folder
    monkeypatch.chdir(isolated)
    with pytest.raises(DatasetError) as excinfo:  # not NumPy's "cannot reshape array of size 0"
        exec(code, {})
    one_line(excinfo, "dataset 'mnist'", "has no training set", "`mnistbench data download`")


def test_kaggle_style_dotted_names_are_found(isolated):
    folder = write_synthetic_dataset(isolated / "kaggle", n_train=10, n_test=10, gzip=False)
    for path in folder.iterdir():
        path.rename(folder / path.name.replace("-idx", ".idx"))
    assert load_dataset(folder).n_train == 10


def test_label_out_of_range(isolated):
    images, labels = synthetic_digits(20)
    labels[7] = 10
    folder = write_dataset(isolated / "bad", train=(images, labels), test=synthetic_digits(5))
    with pytest.raises(DatasetError) as excinfo:
        load_dataset(folder)
    one_line(excinfo, folder / "train-labels-idx1-ubyte.gz", "label 10 at index 7", "outside 0..9")


@pytest.mark.parametrize("train, fragment", [
    ((np.zeros((5, 28, 28), np.uint8), np.zeros(4, np.uint8)), "4 labels for 5 images"),
    ((np.zeros((5, 32, 32), np.uint8), np.zeros(5, np.uint8)), "expected uint8 images of 28x28"),
    ((np.zeros((5, 28, 28), np.float32), np.zeros(5, np.uint8)), "expected uint8 images"),
    ((np.zeros((5, 28, 28), np.uint8), np.zeros((5, 1), np.uint8)), "expected a list of unsigned-byte labels"),
    ((np.zeros((5, 28, 28), np.uint8), np.zeros(5, ">i4")), "found int32"),  # issue 10 class 9
    ((np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.int8)), "found int8"),
    ((np.zeros((5, 28, 28), np.uint8), np.zeros(5, ">f4")), "(IDX type 0x08), found float32"),
])
def test_inconsistent_files_are_refused(isolated, train, fragment):
    folder = write_dataset(isolated / "bad", train=train)
    with pytest.raises(DatasetError) as excinfo:
        load_dataset(folder)
    one_line(excinfo, folder, fragment)


def test_half_a_pair_is_refused(isolated):
    folder = write_synthetic_dataset(isolated / "half", n_train=10, n_test=10)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError) as excinfo:
        load_dataset(folder)
    one_line(excinfo, "t10k-images-idx3-ubyte.gz", "test labels file is missing")


def test_missing_folders_and_names(isolated):
    with pytest.raises(DatasetError) as excinfo:
        load_dataset(isolated / "nowhere")
    one_line(excinfo, isolated / "nowhere", "no such dataset folder")
    (isolated / "empty").mkdir()
    with pytest.raises(DatasetError) as excinfo:
        load_dataset(isolated / "empty")
    one_line(excinfo, isolated / "empty", "no IDX dataset files")
    with pytest.raises(DatasetError) as excinfo:
        load_dataset("mnist")
    one_line(excinfo, "dataset 'mnist' not found", isolated / "shared" / "mnist",
             datasets.cache_dir() / "datasets" / "mnist", "mnistbench data download")


def test_named_lookup_order(isolated):
    shared, cache = isolated / "shared", datasets.cache_dir() / "datasets"
    write_dataset(shared / "mnist", test=synthetic_digits(10))
    assert load_dataset("mnist").source == str(shared / "mnist")
    write_synthetic_dataset(cache / "mnist", n_train=20, n_test=10)
    assert load_dataset("mnist").source == str(cache / "mnist"), "a complete dataset beats a test-only one"
    write_synthetic_dataset(shared / "mnist", n_train=30, n_test=10)
    assert load_dataset("mnist").n_train == 30, "$MNISTBENCH_DATASETS comes first"


def test_fashion_names_and_debian_location(isolated):
    write_synthetic_dataset(datasets.DEBIAN_FASHION_MNIST, n_train=10, n_test=10)
    dataset = load_dataset("fashion-mnist")
    assert dataset.source == str(datasets.DEBIAN_FASHION_MNIST)
    assert dataset.class_names == FASHION_CLASSES and dataset.class_names[0] == "T-shirt/top"
    names = [location.name for location in available_datasets()]
    assert names == ["fashion-mnist"]


def test_available_datasets_reads_headers_only(isolated):
    shared = isolated / "shared"
    write_synthetic_dataset(shared / "mnist-10k-split", n_train=40, n_test=10)
    write_dataset(shared / "mnist", test=synthetic_digits(10))
    write_dataset(shared / "broken", train=(np.zeros((3, 28, 28), np.uint8), np.zeros(2, np.uint8)))
    # A payload cut short is invisible to a header-only listing (and costs no decompression).
    truncated = write_synthetic_dataset(shared / "truncated", n_train=200, n_test=10, gzip=False)
    images = truncated / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:1000])
    listed = {location.name: location for location in available_datasets()}
    assert sorted(listed) == ["broken", "mnist", "mnist-10k-split", "truncated"]
    split = listed["mnist-10k-split"]
    assert (split.has_train, split.has_test, split.n_train, split.n_test) == (True, True, 40, 10)
    assert (listed["mnist"].has_train, listed["mnist"].n_test) == (False, 10)
    assert "2 labels for 3 images" in listed["broken"].problem and not split.problem
    assert listed["truncated"].n_train == 200 and not listed["truncated"].problem
    with pytest.raises(DatasetError):
        load_dataset(truncated)


def test_import_folder_copies_into_the_cache(isolated):
    source = write_synthetic_dataset(isolated / "mnist", n_train=30, n_test=10, seed=5)
    location = import_folder(source)
    target = datasets.cache_dir() / "datasets" / "mnist"
    assert location.folder == target and location.name == "mnist" and location.n_train == 30
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in source.iterdir())
    dataset = load_dataset("mnist")
    assert dataset.source == str(target)
    np.testing.assert_array_equal(dataset.train_images, synthetic_digits(30, seed=5)[0])
    with pytest.raises(DatasetError) as excinfo:
        import_folder(source, "mnist")
    one_line(excinfo, "already exists", target)
    write_synthetic_dataset(source, n_train=12, n_test=10)
    assert import_folder(source, "mnist", replace=True).n_train == 12
    assert [p.name for p in target.parent.iterdir()] == ["mnist"]  # no staging folder left


def test_import_refuses_bad_folders_and_names(isolated):
    images, labels = synthetic_digits(10)
    labels[0] = 42
    bad = write_dataset(isolated / "bad", train=(images, labels))
    with pytest.raises(DatasetError) as excinfo:
        import_folder(bad, "mine")
    one_line(excinfo, "label 42")
    assert not (datasets.cache_dir() / "datasets" / "mine").exists()
    good = write_synthetic_dataset(isolated / "good", n_train=10, n_test=10)
    with pytest.raises(DatasetError) as excinfo:
        import_folder(good, "../escape")
    one_line(excinfo, "dataset name '../escape'")
    assert import_folder(good, "my-digits").name == "my-digits"
    assert load_dataset("my-digits").n_train == 10


def test_import_names_the_dataset_after_the_folder_as_its_help_says(isolated):
    source = write_synthetic_dataset(isolated / "fashion-by-hand", n_train=20, n_test=10)
    location = import_folder(source)
    assert location.name == "fashion-by-hand"
    assert location.folder == datasets.cache_dir() / "datasets" / "fashion-by-hand"
    assert load_dataset("fashion-by-hand").n_train == 20
    with pytest.raises(DatasetError) as excinfo:
        import_folder(isolated / "missing")
    one_line(excinfo, "missing: no such folder")
    spaced = write_synthetic_dataset(isolated / "my digits", n_train=5, n_test=5)
    with pytest.raises(DatasetError) as excinfo:
        import_folder(spaced)
    one_line(excinfo, "dataset name 'my digits'", "--name")


@pytest.mark.realdata
def test_real_mnist_test_set(shared_datasets, monkeypatch):
    monkeypatch.setenv("MNISTBENCH_DATASETS", str(shared_datasets))
    dataset = load_dataset("mnist")
    assert dataset.n_test == 10_000 and dataset.test_labels[0] == 7  # MNIST's first test digit
    assert np.bincount(dataset.test_labels).tolist()[:2] == [980, 1135]
    assert 33 < dataset.test_images.mean() < 34.5
    listed = {(loc.name, loc.n_train, loc.n_test) for loc in available_datasets()}
    assert {("mnist-10k-split", 8000, 2000), ("fashion-mnist", 60000, 10000)} <= listed


@pytest.mark.realdata
def test_real_mnist_split(shared_datasets, monkeypatch):
    monkeypatch.setenv("MNISTBENCH_DATASETS", str(shared_datasets))
    dataset = load_dataset("mnist-10k-split")
    assert (dataset.n_train, dataset.n_test) == (8000, 2000)
    assert set(np.unique(dataset.train_labels)) == set(range(10))


def test_synthetic_digits_are_balanced_reproducible_and_separable():
    """The shared test data must be learnable: nearest class mean already gets most right."""
    images, labels = synthetic_digits(500, seed=1)
    assert images.dtype == np.uint8 and images.shape == (500, 28, 28)
    assert np.bincount(labels).tolist() == [50] * 10
    np.testing.assert_array_equal(synthetic_digits(500, seed=1)[0], images)
    held_out, truth = synthetic_digits(200, seed=2)
    means = np.stack([to_inputs(images[labels == k]).mean(axis=0) for k in range(10)])
    distances = ((to_inputs(held_out)[:, None, :] - means[None]) ** 2).sum(axis=2)
    assert (distances.argmin(axis=1) == truth).mean() > 0.85


def run_data(*argv):
    parser = argparse.ArgumentParser(prog="mnistbench")
    add_data_parser(parser.add_subparsers(dest="command"))
    return data_command(parser.parse_args(["data", *argv]))


def test_data_list_json_and_import_by_folder_name(isolated, capsys):
    assert run_data("list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    source = write_synthetic_dataset(isolated / "digits-by-hand", n_train=40, n_test=10)
    assert run_data("import", str(source)) == 0
    assert "imported 'digits-by-hand': 40 training + 10 test images" in capsys.readouterr().out
    write_dataset(isolated / "shared" / "mnist", test=synthetic_digits(30))
    assert run_data("list", "--json") == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["digits-by-hand"] == {
        "name": "digits-by-hand", "folder": str(datasets.cache_dir() / "datasets" / "digits-by-hand"),
        "train_images": 40, "test_images": 10, "problem": None}
    assert rows["mnist"]["train_images"] == 0 and rows["mnist"]["test_images"] == 30
    assert run_data("list") == 0
    text = capsys.readouterr().out
    assert "digits-by-hand" in text and "`mnistbench data import FOLDER --name mnist`" in text


def test_an_unknown_name_suggests_the_nearest(isolated):
    with pytest.raises(DatasetError, match="dataset 'mnsit' not found; did you mean 'mnist'"):
        load_dataset("mnsit")
    with pytest.raises(DatasetError) as excinfo:
        load_dataset("qqqq")
    assert "did you mean" not in str(excinfo.value)
