"""At start-up the window loads only a dataset the user chose or set up, never a huge one unasked."""

import gzip
import struct

import pytest

pytest.importorskip("pytestqt")

from idx_factory import write_synthetic_dataset  # noqa: E402

pytestmark = pytest.mark.gui


def write_promising_folder(folder, n_images):
    """A dataset folder whose headers promise ``n_images`` training images, with 1 MB of them present."""
    folder.mkdir(parents=True)
    images = struct.pack(">4B3I", 0, 0, 8, 3, n_images, 28, 28) + bytes(1 << 20)
    labels = struct.pack(">4BI", 0, 0, 8, 1, n_images) + bytes(1 << 10)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(images))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels))
    return folder


def test_a_folder_promising_a_huge_dataset_is_not_loaded_at_start(make_window, data_root, monkeypatch, tmp_path):
    """Before: the window loaded it at start (seconds of decompression) and logged the failure."""
    root = tmp_path / "only-huge"
    write_promising_folder(root / "huge", 500_000)
    monkeypatch.setenv("MNISTBENCH_DATASETS", str(root))
    window = make_window()
    assert window.state.dataset is None
    assert [loc.name for loc in window.session.locations] == ["huge"]  # still listed, for the user to choose


def test_the_remembered_folder_is_used_wherever_it_is(make_window, tmp_path):
    chosen = write_synthetic_dataset(tmp_path / "elsewhere" / "mine", n_train=80, n_test=20, seed=2)
    window = make_window(start=False)
    window.settings.setValue("data/folder", str(chosen))
    window.session.start()
    assert window.state.dataset_folder == str(chosen) and window.state.dataset.n_train == 80


def test_a_remembered_folder_now_refused_is_not_loaded(make_window, tmp_path):
    bomb = write_promising_folder(tmp_path / "elsewhere" / "bomb", 1_100_000)  # 862 MB: above the limit
    window = make_window(start=False)
    window.settings.setValue("data/folder", str(bomb))
    window.session.start()
    assert window.state.dataset is None
    assert "the dataset used last time is not loaded" in window.log_panel.text()


def test_a_first_start_picks_the_set_up_digits(make_window):
    window = make_window()
    assert window.state.dataset.name == "digits"
