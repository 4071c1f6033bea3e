"""Fixtures shared by the whole suite.

Qt runs offscreen; every test gets its own empty per-user cache and settings,
so nothing a test does touches the real user's files; real-data tests find
../shared/datasets through MNISTBENCH_DATASETS and skip with a reason where
it is absent. An ERROR logged on the ``mnistbench`` logger fails the test
unless the test said it expects it (``logged_errors.expect("text")``); an
exception in a Qt slot or event handler fails it through pytest-qt.
"""

import logging
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# numba's compiled kernels go to a folder of this test session, never the user's cache.
os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="mnistbench-tests-numba-"))

NO_SHARED_DATA = "MNISTBENCH_DATASETS not set: real-data test needs ../shared/datasets"


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path_factory, monkeypatch):
    """A fresh cache and settings folder for each test."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("MNISTBENCH_CACHE", str(home / "cache"))
    monkeypatch.setenv("MNISTBENCH_CONFIG", str(home / "config"))
    return home


class LoggedErrors(logging.Handler):
    """Collects the ERROR records of the ``mnistbench`` logger during one test."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records, self.expected = [], []

    def emit(self, record):
        self.records.append(record)

    def expect(self, text: str) -> None:
        """This test logs an error containing ``text`` (a refused file, say); it must appear."""
        self.expected.append(text)

    def problems(self) -> list:
        messages = [record.getMessage() for record in self.records]
        unexpected = [m for m in messages if not any(text in m for text in self.expected)]
        missing = [text for text in self.expected if not any(text in m for m in messages)]
        return [f"unexpected ERROR logged: {m}" for m in unexpected] + \
               [f"expected an ERROR containing {text!r}; none was logged" for text in missing]


@pytest.fixture(autouse=True)
def logged_errors():
    """Fails the test on an ERROR record it did not expect (see LoggedErrors.expect)."""
    handler = LoggedErrors()
    logger = logging.getLogger("mnistbench")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    problems = handler.problems()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture(autouse=True)
def unanswered_dialogs(monkeypatch):
    """A modal dialog nobody answers fails its test after 20 s, instead of hanging the suite.

    Tests answer questions with ``window_helpers.answer``; one they did not
    expect would otherwise block ``exec()`` until CI's timeout, with no word
    about which question it was.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog, QMessageBox

    left_open = []

    def guarded(original):
        def exec_(dialog):
            def give_up():
                left_open.append(dialog.text() if isinstance(dialog, QMessageBox) else dialog.windowTitle())
                dialog.done(QDialog.Rejected)
            QTimer.singleShot(20000, dialog, give_up)
            return original(dialog)
        return exec_

    for dialog_class in (QDialog, QMessageBox):
        if "exec" in vars(dialog_class):  # its own exec, not one inherited (and already guarded)
            monkeypatch.setattr(dialog_class, "exec", guarded(vars(dialog_class)["exec"]))
    yield
    if left_open:
        pytest.fail("a modal dialog was left unanswered for 20 s: " + " | ".join(left_open), pytrace=False)


@pytest.fixture
def kernels(monkeypatch):
    """The compiled kernels of the fast path (tests that take them skip without numba)."""
    pytest.importorskip("numba")
    from mnistbench.engine import fast_kernels

    monkeypatch.delenv(fast_kernels.ENGINE_VARIABLE, raising=False)
    loaded = fast_kernels.load()
    assert loaded is not None, fast_kernels.engine_description()
    return loaded


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


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    """MNISTBENCH_DATASETS holds one small synthetic dataset, ``digits`` (600 train, 200 test)."""
    from idx_factory import write_synthetic_dataset
    from mnistbench.data import datasets

    root = tmp_path / "datasets"
    write_synthetic_dataset(root / "digits", n_train=600, n_test=200, seed=0)
    monkeypatch.setenv("MNISTBENCH_DATASETS", str(root))
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_MNIST", tmp_path / "no-debian-data")
    return root


@pytest.fixture
def make_window(qtbot, tmp_path, data_root):
    """Builds shown, started main windows; at teardown nothing is left unsaved or running."""
    from mnistbench.gui.window.main_window import MainWindow

    windows = []

    def make(networks_dir=None, start=True):
        window = MainWindow(networks_dir=networks_dir or tmp_path / "no-networks")
        window.show()
        if start:
            window.session.start()
        windows.append(window)
        return window

    yield make
    for window in windows:  # qtbot would close them before this runs, and be asked to save
        window.controller.shutdown()
        window.state.modified = False
        window.close()
        window.deleteLater()
    qtbot.wait(10)
