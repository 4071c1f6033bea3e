"""Issue 9 in the window: bundled networks stay as shipped, a network brings its settings and its data,
and figures say when the network trained on the images they count."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QFileDialog  # noqa: E402

from idx_factory import synthetic_digits, write_synthetic_dataset  # noqa: E402
from mnistbench import bundled  # noqa: E402
from mnistbench.data import FASHION_CLASSES, load_dataset  # noqa: E402
from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.gui.panels.confusion.confusion_panel import ConfusionPanel  # noqa: E402
from mnistbench.gui.panels.own_digits.own_digits_panel import OwnDigitsPanel  # noqa: E402
from mnistbench.netfile import load_network, save_network  # noqa: E402
from mnistbench.workflows.evaluation import evaluate_test_set  # noqa: E402
from mnistbench.workflows.fine_tuning import fine_tune  # noqa: E402
from mnistbench.workflows.training_run import train_and_record  # noqa: E402
from window_helpers import small_net, train_once  # noqa: E402

pytestmark = pytest.mark.gui
QUICK = TrainingConfig(epochs=1, batch_size=50, learning_rate=0.01)


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """A bundled folder (in tmp) holding one small network, ``shipped.nn``."""
    folder = tmp_path / "package-networks"
    folder.mkdir()
    save_network(small_net(0.5), folder / "shipped.nn")
    monkeypatch.setattr(bundled, "bundled_folder", lambda: folder)
    return folder / "shipped.nn"


def test_training_a_bundled_network_never_saves_over_it(make_window, qtbot, shipped, tmp_path, monkeypatch):
    before = shipped.read_bytes()
    window = make_window()
    assert window.files.open_network(shipped)
    train_once(window, qtbot)
    assert window.state.path is None and window.windowTitle().startswith("untitled *")
    record = window.state.network.metadata["training"]
    assert record["started_from"] == "bundled network shipped"
    asked, chosen = [], tmp_path / "mine.nn"

    def save_dialog(parent, caption, start, *rest):
        asked.append(start)
        return str(chosen), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    assert window.files.save()
    assert asked and "shipped-trained.nn" not in asked[0] and asked[0].endswith("network.nn")
    assert shipped.read_bytes() == before and load_network(chosen).metadata["training"]["epochs"] == 1


def test_save_as_from_a_bundled_file_starts_in_documents_and_refuses_the_bundled_folder(
        make_window, shipped, logged_errors):
    window = make_window()
    window.files.open_network(shipped)
    suggested = window.files.suggested_path()
    assert suggested.name == "shipped-trained.nn" and suggested.parent != shipped.parent
    before = shipped.read_bytes()
    window.state.modified = True
    logged_errors.expect("is a bundled network and is never overwritten")
    assert not window.files._save_to(shipped.parent / "other")  # a new file in that folder too
    assert window.files._save_to(shipped) is False and shipped.read_bytes() == before
    window.state.modified = False


def test_opening_a_network_fills_the_training_form_with_its_last_run(make_window, tmp_path):
    net = small_net()
    train_and_record(net, load_dataset(write_synthetic_dataset(tmp_path / "d", 100, 20)),
                     TrainingConfig(epochs=1, batch_size=37, learning_rate=0.05, dropout=0.25, seed=11))
    save_network(net, tmp_path / "made.nn")
    window = make_window()
    assert window.training_panel.training_form.config().batch_size != 37
    window.files.open_network(tmp_path / "made.nn")
    config = window.training_panel.training_form.config()
    assert (config.batch_size, config.learning_rate, config.dropout, config.seed) == (37, 0.05, 0.25, 11)


def test_a_network_of_other_classes_brings_its_dataset(make_window, tmp_path, data_root, caplog):
    fashion = write_synthetic_dataset(data_root / "fashion-like", n_train=100, n_test=30, seed=4)
    net = small_net()
    train_and_record(net, load_dataset(fashion), QUICK)
    save_network(net, tmp_path / "clothes.nn")
    window = make_window()
    window.session.use_dataset_folder(data_root / "digits")
    assert window.state.dataset.name == "digits"
    window.files.open_network(tmp_path / "clothes.nn")
    assert window.state.dataset.name == "fashion-like"
    assert window.state.dataset.class_names == FASHION_CLASSES
    assert "switched to fashion-like, the dataset this network was trained on" in caplog.text


def test_a_network_whose_dataset_is_gone_is_said_not_to_match(make_window, tmp_path, data_root, caplog):
    gone = write_synthetic_dataset(tmp_path / "fashion-gone", n_train=100, n_test=30, seed=4)
    net = small_net()
    train_and_record(net, load_dataset(gone), QUICK)
    net.metadata["training"]["dataset"]["source"] = str(tmp_path / "deleted")
    net.metadata["training"]["dataset"]["name"] = "fashion-gone"
    net.metadata["training"]["test_dataset"] = {"name": "fashion-gone", "source": str(tmp_path / "deleted")}
    save_network(net, tmp_path / "clothes.nn")
    window = make_window()
    window.session.use_dataset_folder(data_root / "digits")
    window.status.set_accuracy("digits test accuracy 90.00 %")
    window.files.open_network(tmp_path / "clothes.nn")
    assert window.state.dataset.name == "digits"
    assert "not on digits's classes" in caplog.text and "its figures do not apply to digits" in caplog.text
    assert window.status.accuracy_label.text() == ""  # the figure was the last network's
    summary = window.training_panel.network_summary.text()
    assert "% on the fashion-gone test set (30 images)" in summary  # the figure names its data


def test_the_confusion_panel_can_count_only_images_not_trained_on(qtbot, tmp_path):
    folder = write_synthetic_dataset(tmp_path / "d", n_train=100, n_test=40, seed=2)
    dataset = load_dataset(folder)
    net = small_net()
    mixed = load_dataset(folder)
    train_and_record(net, dataset, QUICK)
    object.__setattr__(mixed, "test_images", np.concatenate([dataset.train_images[:10], dataset.test_images]))
    object.__setattr__(mixed, "test_labels", np.concatenate([dataset.train_labels[:10], dataset.test_labels]))
    evaluation = evaluate_test_set(net, mixed)
    panel = ConfusionPanel()
    qtbot.addWidget(panel)
    panel.show_evaluation(evaluation)
    assert panel.model.total == 50 and panel.unseen_only.isEnabled()
    assert "10 of these 50 images were in this network's training set" in panel.accuracy_label.text()
    panel.unseen_only.setChecked(True)
    assert panel.model.total == 40 and "test images it did not train on" in panel.accuracy_label.text()
    assert panel.test_numbers[0] == 10  # the gallery still numbers images as the test set does


def test_own_digits_accuracy_is_on_digits_held_out_of_fine_tuning(qtbot, tmp_path):
    images, labels = synthetic_digits(20, seed=9)
    panel = OwnDigitsPanel()
    qtbot.addWidget(panel)
    for image, label in zip(images, labels):
        panel.add_digit(image, int(label))
    base = load_dataset(write_synthetic_dataset(tmp_path / "d", n_train=50, n_test=20, seed=2))
    net = small_net()
    fine_tune(net, images, labels, base, QUICK)
    panel.set_network(net)
    held = np.arange(4, 20, 5)
    right = int(np.sum(net.predict(images[held].reshape(4, 784) / 255.0) == labels[held]))
    assert panel.accuracy_label.text().startswith(
        f"Accuracy on the 4 of your digits held out of fine-tuning: {100 * right / 4:.1f}% ({right} right); "
        f"it trained on the other 16")
    assert panel.accuracy() == right / 4


def test_the_first_start_prefers_a_bundled_network_that_fits_the_dataset(make_window, tmp_path):
    folder = tmp_path / "networks"
    folder.mkdir()
    clothes = small_net(0.99)
    clothes.metadata["class_names"] = list(FASHION_CLASSES)  # a better figure, on other data
    save_network(clothes, folder / "clothes.nn")
    save_network(small_net(0.80), folder / "digits.nn")
    window = make_window(networks_dir=folder)
    assert window.state.path.name == "digits.nn" and window.state.dataset.name == "digits"


def test_evaluate_in_the_window_says_how_many_test_images_were_trained_on(make_window, qtbot, tmp_path,
                                                                          data_root, caplog):
    digits = load_dataset(data_root / "digits")
    net = small_net()
    train_and_record(net, digits, QUICK)
    save_network(net, tmp_path / "net.nn")
    from idx_factory import write_dataset
    write_dataset(data_root / "reused", train=None,
                  test=(np.concatenate([digits.train_images[:30], digits.test_images[:20]]),
                        np.concatenate([digits.train_labels[:30], digits.test_labels[:20]])))
    window = make_window()
    window.files.open_network(tmp_path / "net.nn")
    window.session.use_dataset_folder(data_root / "reused")
    with qtbot.waitSignal(window.controller.sig_evaluated, timeout=30000):
        window.training.evaluate()
    assert "30 of these 50 images were in this network's training set; on the 20 others:" in caplog.text
    assert window.status.accuracy_label.text().startswith("reused test accuracy")
    assert "on the 20 not trained on" in window.status.accuracy_label.text()


def test_a_restored_network_brings_its_dataset_and_settings(make_window, data_root):
    from PySide6.QtWidgets import QMessageBox

    from mnistbench.gui.window import recovery
    from window_helpers import answer

    fashion = write_synthetic_dataset(data_root / "fashion-like", n_train=100, n_test=30, seed=4)
    net = small_net()
    train_and_record(net, load_dataset(fashion), TrainingConfig(epochs=1, batch_size=33, learning_rate=0.02))
    recovery.write_recovery(net)
    window = make_window(start=False)
    window.settings.setValue("data/folder", str(data_root / "digits"))
    answer(window, QMessageBox.Yes)
    window.session.start()
    assert window.state.modified and window.state.dataset.name == "fashion-like"
    assert window.training_panel.training_form.config().batch_size == 33
