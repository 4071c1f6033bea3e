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
