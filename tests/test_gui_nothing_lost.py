"""Issue 10 in the window: what could not be read is kept, odd files are refused, a failed save loses nothing."""

import os

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QMessageBox  # noqa: E402

from mnistbench.data import to_inputs  # noqa: E402
from mnistbench.errors import NetworkFileError  # noqa: E402
from mnistbench.gui.panels.own_digits.own_digits_panel import OwnDigitsPanel  # noqa: E402
from mnistbench.gui.window import recovery  # noqa: E402
from mnistbench.netfile import load_network, save_network, write_network_file  # noqa: E402
from mnistbench.own_digits import IMAGES, load_own_digits, own_digits_dir, save_own_digits  # noqa: E402
from window_helpers import answer, drop, small_net  # noqa: E402

pytestmark = pytest.mark.gui


def newer_version_file(path):
    net = small_net(hidden=5)
    write_network_file(path, net.layer_sizes, net.weights, net.biases,
                       {"format": "mnistbench-network", "version": 99, "activations": net.activations,
                        "loss": net.loss})


def recovery_files():
    return sorted(p.name for p in recovery.config_dir().iterdir() if p.name.startswith("recovery"))


# --- class 3: the recovery file --------------------------------------------------------
def test_a_recovery_file_from_a_newer_version_is_kept_not_deleted(make_window, caplog):
    newer_version_file(recovery.recovery_path())
    before = recovery.recovery_path().read_bytes()
    window = make_window()
    kept = [p for p in recovery.config_dir().iterdir() if p.name.startswith("recovery-unreadable-")]
    assert len(kept) == 1 and kept[0].read_bytes() == before
    assert any("could not be read" in r.getMessage() and str(kept[0]) in r.getMessage() for r in caplog.records)
    assert window.state.network is not None  # the session goes on with a network of its own


def test_a_transient_permission_error_keeps_the_recovery_file(make_window, monkeypatch):
    save_network(small_net(hidden=7), recovery.recovery_path())
    before = recovery.recovery_path().read_bytes()

    def denied(path):
        raise NetworkFileError(f"{path}: cannot read (Permission denied)")

    with monkeypatch.context() as patch:
        patch.setattr(recovery, "load_network", denied)
        make_window()
    kept = [p for p in recovery.config_dir().iterdir() if p.name.startswith("recovery-unreadable-")]
    assert len(kept) == 1 and kept[0].read_bytes() == before
    assert load_network(kept[0]).layer_sizes == (784, 7, 10)


def refuse_renames(patch):
    """Within ``patch`` (a monkeypatch context), moving the recovery file fails as in a read-only folder."""
    def refuse(source, target):
        raise PermissionError(13, "Permission denied")

    patch.setattr(recovery.os, "rename", refuse)


def test_an_unreadable_recovery_file_that_cannot_be_moved_is_worked_beside(make_window, monkeypatch):
    newer_version_file(recovery.recovery_path())
    before = recovery.recovery_path().read_bytes()
    with monkeypatch.context() as patch:
        refuse_renames(patch)
        window = make_window()
    recovery.write_recovery(window.state.network)  # what the next epoch would do
    recovery.clear_recovery()  # what a save would do
    assert recovery.recovery_path().name == recovery.BESIDE_FILE
    assert (recovery.config_dir() / recovery.RECOVERY_FILE).read_bytes() == before


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_folder_or_fifo_named_recovery_nn_is_refused_at_once(make_window, kind):
    path = recovery.recovery_path()
    path.mkdir() if kind == "folder" else os.mkfifo(path)
    window = make_window()  # would block forever on a FIFO opened the usual way
    assert window.state.network is not None
    assert not os.path.lexists(path) and len(recovery_files()) == 1  # moved aside, not deleted


# --- class 3: own digits ---------------------------------------------------------------
def five_digits():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (5, 28, 28), dtype=np.uint8), np.arange(5, dtype=np.int64)


def test_unreadable_own_digits_are_not_replaced_by_the_next_keep(qtbot):
    images, labels = five_digits()
    save_own_digits(images, labels)
    (own_digits_dir() / IMAGES).write_bytes(b"\x00\x00\x08\x03 damaged")
    panel = OwnDigitsPanel()
    qtbot.addWidget(panel)
    assert "Could not read your saved digits" in panel.status.text()
    panel.add_digit(to_inputs(images[:1])[0], 7)
    kept = [p for p in own_digits_dir().parent.iterdir() if ".unreadable-" in p.name]
    assert len(kept) == 1 and (kept[0] / IMAGES).read_bytes() == b"\x00\x00\x08\x03 damaged"
    assert len(load_own_digits()[1]) == 1  # the new set, beside the old one


def test_own_digits_that_can_be_neither_read_nor_moved_stay_untouched(qtbot, monkeypatch):
    images, labels = five_digits()
    save_own_digits(images, labels)
    (own_digits_dir() / IMAGES).write_bytes(b"damaged")
    monkeypatch.setattr("mnistbench.own_digits.os.rename", lambda a, b: (_ for _ in ()).throw(
        PermissionError(13, "Permission denied")))
    panel = OwnDigitsPanel()
    qtbot.addWidget(panel)
    panel.add_digit(to_inputs(images[:1])[0], 7)
    assert "not saved" in panel.status.text() and panel.gallery.count() == 1
    assert (own_digits_dir() / IMAGES).read_bytes() == b"damaged"


# --- class 2 in the window: a save that fails ---------------------------------------------
@pytest.mark.parametrize("where", ["under a file", "a folder"])
def test_a_failed_save_keeps_the_network_open_unsaved_and_in_the_recovery_file(make_window, tmp_path,
                                                                                 logged_errors, where):
    window = make_window()
    window.state.mark_trained(small_net(hidden=9))
    (tmp_path / "plain.txt").write_text("not a folder")
    (tmp_path / "taken.nn").mkdir()
    target = tmp_path / "plain.txt" / "net.nn" if where == "under a file" else tmp_path / "taken.nn"
    logged_errors.expect("Save As")
    assert not window.files._save_to(target)
    assert window.state.modified and window.state.network.layer_sizes == (784, 9, 10)
    assert load_network(recovery.recovery_path()).layer_sizes == (784, 9, 10)
    message = logged_errors.records[-1].getMessage()
    assert str(target) in message and str(recovery.recovery_path()) in message
    asked = answer(window, QMessageBox.Save)  # a failed save inside "save before…" keeps the work
    window.files.save_as = lambda: window.files._save_to(target)
    logged_errors.expect("Save As")
    assert not window.files.open_network(tmp_path / "other.nn") and asked
    assert window.state.network.layer_sizes == (784, 9, 10) and window.state.modified


# --- class 8: a FIFO, a device or a folder named *.nn --------------------------------------
def odd_file(tmp_path, kind):
    path = tmp_path / f"{kind}.nn"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    return path


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
@pytest.mark.parametrize("way", ["dialog", "drop", "recent"])
def test_a_fifo_device_or_folder_named_nn_is_refused_in_one_line(make_window, qtbot, tmp_path, monkeypatch,
                                                                 logged_errors, kind, way):
    window = make_window()
    before = window.state.network
    path = odd_file(tmp_path, kind)
    refusal = {"fifo": "is a FIFO", "device": "is a device", "folder": "is a folder"}[kind]
    logged_errors.expect(refusal)
    if way == "dialog":
        monkeypatch.setattr("mnistbench.gui.window.files.QFileDialog.getOpenFileName",
                            lambda *args: (str(path), ""))
        window.files.open_dialog()
    elif way == "drop":
        drop(window.inspector_panel, [path])
        qtbot.waitUntil(lambda: bool(logged_errors.records))
    else:
        window.state.set_recent([str(path)])
        window.files.fill_recent_menu()
        window.actions.recent_menu.actions()[0].trigger()
    messages = [r.getMessage() for r in logged_errors.records]
    assert len(messages) == 1 and str(path) in messages[0] and "\n" not in messages[0]
    assert window.state.network is before


def test_the_file_written_beside_an_unmovable_one_is_offered_at_the_next_start(make_window, monkeypatch):
    newer_version_file(recovery.recovery_path())
    before = recovery.recovery_path().read_bytes()
    with monkeypatch.context() as patch:
        refuse_renames(patch)
        window = make_window()
        recovery.write_recovery(small_net(hidden=6))  # the epoch of a session that then crashed
        again = make_window(start=False)
        asked = answer(again, QMessageBox.Yes)
        again.session.start()
    assert asked and "not saved" in asked[0][1] and again.state.network.layer_sizes == (784, 6, 10)
    assert (recovery.config_dir() / recovery.RECOVERY_FILE).read_bytes() == before
    assert window.state.network is not None


def test_an_unreadable_backup_set_is_kept_too(qtbot):
    images, labels = five_digits()
    save_own_digits(images, labels)
    backup = own_digits_dir().with_name("own-digits.old")
    os.rename(own_digits_dir(), backup)  # a save interrupted between its two renames
    own_digits_dir().mkdir()
    (backup / IMAGES).write_bytes(b"damaged")
    panel = OwnDigitsPanel()
    qtbot.addWidget(panel)
    panel.add_digit(to_inputs(images[:1])[0], 7)
    kept = [p for p in own_digits_dir().parent.iterdir() if ".unreadable-" in p.name and p.name.endswith(".old")]
    assert len(kept) == 1 and (kept[0] / IMAGES).read_bytes() == b"damaged"
