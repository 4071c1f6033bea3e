"""Fixtures shared by the whole suite.

Qt runs offscreen; every test gets its own empty per-user cache and settings,
so nothing a test does touches the real user's files; real-data tests find
../shared/datasets through MNISTBENCH_DATASETS and skip with a reason where
it is absent.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NO_SHARED_DATA = "MNISTBENCH_DATASETS not set: real-data test needs ../shared/datasets"


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path_factory, monkeypatch):
    """A fresh cache and settings folder for each test."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("MNISTBENCH_CACHE", str(home / "cache"))
    monkeypatch.setenv("MNISTBENCH_CONFIG", str(home / "config"))
    return home


@pytest.fixture
def shared_datasets():
    """The folder of real datasets (mnist/, mnist-10k-split/, fashion-mnist/), or skip."""
    folder = os.environ.get("MNISTBENCH_DATASETS")
    if not folder or not Path(folder).is_dir():
        pytest.skip(NO_SHARED_DATA)
    return Path(folder)


@pytest.fixture
def shared_idx(shared_datasets):
    """``shared_idx("mnist", "t10k-images-idx3-ubyte.gz")`` reads one shared IDX file, or skips."""
    from mnistbench.data import read_idx

    def read(folder, name):
        path = shared_datasets / folder / name
        if not path.is_file():
            pytest.skip(f"{path} not found: real-data test needs ../shared/datasets")
        return read_idx(path)
    return read
