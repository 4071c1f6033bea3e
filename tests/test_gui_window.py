"""The workbench window: docks and layout, files and drops, training end to end, questions asked."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from idx_factory import write_synthetic_dataset  # noqa: E402
from mnistbench.gui.window import recovery  # noqa: E402
from mnistbench.gui.window.docks import DOCKS  # noqa: E402
from mnistbench.netfile import save_network  # noqa: E402
from window_helpers import answer, bring_to_front, drop, small_net, train_once  # noqa: E402

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[1]


def test_every_panel_is_a_named_dock_listed_in_the_view_menu(make_window):
    window = make_window()
    names = {dock.objectName() for dock in window.docks.values()}
    assert names == {f"dock_{spec.name}" for spec in DOCKS}
    log_toggle = window.actions.view["log"]
    log_toggle.trigger()
    assert not window.docks["log"].isVisible()
    log_toggle.trigger()
    assert window.docks["log"].isVisible()
    shortcuts = {a.toString() for a in window.actions.train.shortcuts()}
    assert shortcuts == {"Ctrl+T", "F5"}
    assert {a.toString() for a in window.actions.stop.shortcuts()} == {"Esc", "Ctrl+."}


def test_layout_geometry_and_recent_files_survive_a_restart(make_window, tmp_path):
    window = make_window()
    window.docks["confusion"].hide()
    window.docks["digit_pad"].setFloating(True)
    window.resize(1400, 1000)
    save_network(small_net(), tmp_path / "a.nn")
    assert window.files.open_network(tmp_path / "a.nn")
    window.close()
    geometry = bytes(window.saveGeometry())
    again = make_window()
    assert not again.docks["confusion"].isVisible() and again.docks["digit_pad"].isFloating()
    # offscreen, the 800x600 virtual screen clamps the size; the geometry itself is what we keep
    assert again.geometry_restored and bytes(again.settings.value("window/geometry")) == geometry
    assert again.state.recent == [str((tmp_path / "a.nn").resolve())]
    again.actions.reset_layout.trigger()
    assert not again.docks["digit_pad"].isFloating()
    assert all(not dock.isHidden() for dock in again.docks.values())


def test_first_start_loads_the_best_bundled_network(make_window, tmp_path):
    folder = tmp_path / "networks"
    folder.mkdir()
    save_network(small_net(0.91, hidden=12), folder / "better.nn")
    save_network(small_net(0.80), folder / "worse.nn")
    (folder / "README.md").write_text("not a network")
    window = make_window(networks_dir=folder)
    assert window.state.path.name == "better.nn" and not window.state.modified
    assert window.state.network.layer_sizes == (784, 12, 10)
    assert "loaded the bundled network better.nn" in window.log_panel.text()
    assert window.state.dataset.name == "digits" and not window.banner_bar.isVisible()


def test_without_a_training_set_the_banner_offers_download_or_folder(make_window, monkeypatch, tmp_path,
                                                                    logged_errors):
    logged_errors.expect("no training set")
    monkeypatch.setenv("MNISTBENCH_DATASETS", str(tmp_path / "empty"))
    window = make_window()
    assert window.banner_bar.isVisible()
    assert window.banner.download_button.text() == "Download MNIST (11 MB)"
    assert window.state.network is not None  # a fresh network: the inspector still works
    window.training.start(window.training_panel.training_form.config())
    assert "no training set" in window.log_panel.text()
    assert not window.controller.running


def test_training_in_the_window_feeds_curves_confusion_status_and_recovery(make_window, qtbot):
    window = make_window()
    train_once(window, qtbot)
    curves, confusion = window.curves_panel, window.confusion_panel
    if hasattr(curves, "current"):
        assert curves.current["train_loss"].size == 12  # 600 images / 50 per batch
        assert len(curves.curves["train_loss"].getData()[0]) == 12  # drawn: the run's end redraws
        assert curves.plots["loss"].vb.autoRangeEnabled()[0]  # and fits the finished curves
    if hasattr(confusion, "model"):
        assert confusion.model.total == 200 == int(np.sum(confusion.model.counts))
    assert "test accuracy" in window.status.accuracy_label.text()
    assert "epoch 1/1" in window.log_panel.text()
    assert window.state.modified and window.windowTitle().startswith("untitled *")
    assert window.state.network.metadata["training"]["epochs"] == 1
    assert recovery.recovery_path().is_file()
    assert window.training_panel.train_button.isEnabled()


def test_panels_out_of_view_get_only_the_latest_network_when_shown(make_window, qtbot):
    """While training sends a network per epoch, a tab behind another does no work."""
    window = make_window()
    bring_to_front(window, "inspector")
    imagine, inspector = window.imagine_panel, window.inspector_panel
    qtbot.waitUntil(lambda: not window.state.is_in_view("imagine"), timeout=2000)  # behind the digit pad
    before = imagine._net
    trained = [small_net(), small_net()]
    for net in trained:
        window.state.mark_trained(net)
        assert inspector.scene.net is net  # in view: follows every epoch
    assert imagine._net is before
    window.docks["imagine"].raise_()
    qtbot.waitUntil(lambda: imagine._net is trained[-1], timeout=2000)


def test_unsaved_work_is_asked_about_before_it_is_replaced(make_window, qtbot, tmp_path):
    window = make_window()
    train_once(window, qtbot)
    trained = window.state.network
    save_network(small_net(), tmp_path / "other.nn")
    asked = answer(window, QMessageBox.Cancel)
    assert not window.files.open_network(tmp_path / "other.nn")
    assert "not saved" in asked[0][1] and window.state.network is trained
    answer(window, QMessageBox.Discard)
    assert window.files.open_network(tmp_path / "other.nn")
    assert window.state.path.name == "other.nn" and not recovery.recovery_path().exists()


def test_a_dropped_network_opens_and_a_dropped_bad_file_is_refused(make_window, qtbot, tmp_path, logged_errors):
    logged_errors.expect("looks like a PNG image")
    window = make_window()
    save_network(small_net(hidden=5), tmp_path / "dropped.nn")
    drop(window, [tmp_path / "dropped.nn"])
    qtbot.waitUntil(lambda: window.state.path is not None and window.state.path.name == "dropped.nn")
    assert window.training_panel.network_form.hidden_sizes() == [5]  # the form shows what will train
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    drop(window.docks["inspector"], [tmp_path / "picture.png"])
    qtbot.waitUntil(lambda: "looks like a PNG image" in window.log_panel.text())
    assert "looks like a PNG image" in window.status.currentMessage()
    assert window.state.path.name == "dropped.nn" and window.isVisible()


def test_a_dropped_folder_becomes_the_dataset(make_window, qtbot, tmp_path, logged_errors):
    logged_errors.expect("no IDX dataset files")
    window = make_window()
    folder = write_synthetic_dataset(tmp_path / "more", n_train=50, n_test=30, seed=3)
    drop(window.docks["log"], [folder])
    qtbot.waitUntil(lambda: window.state.dataset.source == str(folder))
    assert window.state.dataset.n_test == 30
    drop(window, [tmp_path])  # a folder with no IDX files: one error line
    qtbot.waitUntil(lambda: "no IDX dataset files" in window.log_panel.text())
    assert window.state.dataset.source == str(folder)


def test_closing_during_training_asks_then_stops_the_thread(make_window, qtbot):
    window = make_window()
    window.training_panel.training_form.epochs.setValue(200)
    qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.status.progress.value() > 0, timeout=10000)
    asked = answer(window, QMessageBox.Cancel)
    window.close()
    assert window.isVisible() and window.controller.running and "Stop training" in asked[0][1]
    asked = answer(window, QMessageBox.Yes, QMessageBox.Discard)
    window.close()
    assert not window.isVisible() and not window.controller.running
    assert [text.split("\n")[0] for _, text in asked] == [
        "Stop training and close the workbench?", "The trained network is not saved."]


def test_the_next_start_offers_the_recovery_file(make_window):
    recovery.write_recovery(small_net(hidden=7))
    window = make_window(start=False)
    asked = answer(window, QMessageBox.Yes)
    window.session.start()
    assert "not saved" in asked[0][1]
    assert window.state.network.layer_sizes == (784, 7, 10) and window.state.modified


@pytest.mark.parametrize("command", [[str(ROOT / "main.py")], ["-m", "mnistbench", "gui"]])
def test_without_a_display_main_py_says_so_in_one_line(command):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, *command], env=env, capture_output=True,
                          text=True, timeout=60)
    if not sys.platform.startswith("linux"):
        pytest.skip("the no-display check is for Linux")
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "mnistbench --help" in done.stderr


def test_a_refused_setting_is_shown_in_the_panel_and_logged(make_window, logged_errors):
    logged_errors.expect("learning_rate")
    window = make_window()
    window.training_panel.training_form.learning_rate.setText("-1")
    window.actions.train.trigger()
    assert not window.controller.running
    assert "learning_rate" in window.training_panel.train_message.text()
    assert "learning_rate" in window.log_panel.text() and "learning_rate" in window.status.currentMessage()


def test_the_banner_downloads_mnist_and_the_window_uses_it(make_window, qtbot, monkeypatch, tmp_path):
    """Banner → download (progress in the training panel) → the new dataset is chosen and the banner goes."""
    monkeypatch.setenv("MNISTBENCH_DATASETS", str(tmp_path / "empty"))
    window = make_window()
    assert window.banner_bar.isVisible()
    folder = tmp_path / "downloaded"

    def download(progress, cancel):  # runs in the download thread, as download_mnist does
        progress(5_000_000, 11_594_722, "train-images-idx3-ubyte.gz")
        return write_synthetic_dataset(folder, n_train=100, n_test=40, seed=1)

    monkeypatch.setattr(window.downloader, "_download", download)
    with qtbot.waitSignal(window.downloader.sig_finished, timeout=10000):
        qtbot.mouseClick(window.banner.download_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.state.dataset is not None and window.state.dataset.n_test == 40)
    assert window.state.dataset_folder == str(folder) and not window.banner_bar.isVisible()
    assert "downloaded MNIST into" in window.log_panel.text()
    assert window.training_panel.download_bar.isHidden() and window.training_panel.download_button.isEnabled()
    assert window.image_browser_panel.images.shape == (40, 28, 28)
