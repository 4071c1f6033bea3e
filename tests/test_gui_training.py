"""The training panel, the log, the status bar and the download relay, driven as a user would."""

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QApplication, QComboBox,  # noqa: E402
                               QFormLayout, QLineEdit, QListWidget)

from mnistbench.data.datasets import DatasetLocation  # noqa: E402
from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.engine.training import BatchReport  # noqa: E402
from mnistbench.errors import DownloadError  # noqa: E402
from mnistbench.gui.jobs.download_job import DownloadController  # noqa: E402
from mnistbench.gui.panels.log.log_panel import LogPanel  # noqa: E402
from mnistbench.gui.window.status_bar import TrainingStatusBar, format_duration  # noqa: E402
from mnistbench.gui.panels.training.training_form import BASIC_FIELDS  # noqa: E402
from mnistbench.gui.panels.training.training_panel import TrainingPanel  # noqa: E402
from mnistbench.workflows.recipes import recipe_architecture, recipe_config  # noqa: E402
from mnistbench.workflows.settings import TRAINING_SETTINGS  # noqa: E402
from window_helpers import shown  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot):
    widget = TrainingPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_defaults_make_the_quick_good_network(panel, qtbot):
    assert panel.network_form.architecture() == {**recipe_architecture("quick"), "seed": 0}
    with qtbot.waitSignal(panel.sig_train_requested) as wanted:
        qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    config = wanted.args[0]
    assert isinstance(config, TrainingConfig)
    assert config == recipe_config("quick")  # the same as `mnistbench train --recipe quick`


def test_edited_settings_reach_the_config(panel, qtbot):
    form = panel.training_form
    form.show_config(TrainingConfig())  # the engine's defaults: augmentation off (the quick recipe has it on)
    form.optimizer.setCurrentText("nesterov")
    form.learning_rate.setText("0,05")  # a decimal comma is accepted
    form.batch_size.setValue(32)
    form.dropout.setText("0.25")
    qtbot.mouseClick(form.augment, Qt.LeftButton, pos=QPoint(8, form.augment.height() // 2))
    assert form.momentum.isEnabled() and not form.beta1.isEnabled() and form.augment_shift.isEnabled()
    with qtbot.waitSignal(panel.sig_train_requested) as wanted:
        qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    config = wanted.args[0]
    assert (config.optimizer, config.learning_rate, config.batch_size, config.dropout, config.augment) \
        == ("nesterov", 0.05, 32, 0.25, True)


def test_the_form_has_one_row_per_setting_with_the_tables_label_tooltip_and_range(panel):
    form = panel.training_form
    labels = [layout.itemAt(row, QFormLayout.LabelRole).widget().text()
              for layout in (form.basic, form.advanced) for row in range(layout.rowCount())]
    basic = [s.label for s in TRAINING_SETTINGS if s.field in BASIC_FIELDS]
    assert labels == basic + [s.label for s in TRAINING_SETTINGS if s.field not in BASIC_FIELDS]
    for setting in TRAINING_SETTINGS:
        widget = form.widgets[setting.field]
        assert widget.toolTip() == setting.help
        if setting.kind == "int":
            assert (widget.minimum(), widget.maximum()) == (setting.minimum, min(setting.maximum, 2**31 - 1))


def test_show_config_fills_every_widget_and_config_reads_it_back(panel):
    form = panel.training_form
    wanted = TrainingConfig(optimizer="momentum", learning_rate=0.25, momentum=0.8, beta1=0.5, beta2=0.99,
                            epsilon=1e-6, schedule="step", step_epochs=3, step_gamma=0.5, weight_decay=1e-4,
                            dropout=0.3, augment=True, augment_shift=1.5, augment_rotation=12.0, batch_size=17,
                            epochs=7, validation_size=300, evaluations_per_epoch=2, early_stopping_patience=4,
                            seed=9)
    form.show_config(wanted)
    assert form.config() == wanted
    assert form.momentum.isEnabled() and form.step_gamma.isEnabled() and not form.beta1.isEnabled()


@pytest.mark.parametrize("field, text, message", [
    ("learning_rate", "fast", "learning_rate must be a number, not 'fast'"),
    ("dropout", "0.99", "dropout must be a number in [0.0, 0.95]"),
    ("learning_rate", "0", "learning_rate must be a number in (0.0, 10.0]"),
])
def test_a_refused_setting_shows_the_message_instead_of_training(panel, qtbot, field, text, message):
    getattr(panel.training_form, field).setText(text)
    problems, requests = [], []
    panel.sig_problem.connect(problems.append)
    panel.sig_train_requested.connect(requests.append)
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    assert not requests and message in problems[0]
    assert message.split(" must")[0] in panel.train_message.text()


def wheel_over(widget, steps=-1):
    """A mouse-wheel turn over ``widget`` (negative: towards the user, as when scrolling down)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_changes_spin_and_combo_boxes_only_once_focused(panel, qtbot):
    form = panel.training_form
    form.show_advanced(True)
    panel.activateWindow()
    for box in (form.epochs, form.batch_size, panel.network_form.seed, form.evaluations_per_epoch):
        before = box.value()
        wheel_over(box, steps=1)
        assert box.value() == before and not box.hasFocus(), box.toolTip()  # scrolling past it
        box.setFocus()
        qtbot.waitUntil(box.hasFocus, timeout=1000)
        wheel_over(box, steps=1)
        assert box.value() == before + box.singleStep()  # the user clicked into it first
    combo = form.optimizer
    before = combo.currentIndex()
    wheel_over(combo)
    assert combo.currentIndex() == before


def test_an_invalid_hidden_layer_size_is_refused_visibly_keeping_the_last(panel):
    form = panel.network_form
    form.layers.item(0).setText("32")
    form.layers.item(0).setText("abc")
    assert form.hidden_sizes() == [32]  # not silently 128
    assert form.layers_message.isVisible() and "“abc” is not a layer size" in form.layers_message.text()
    assert "Kept 32" in form.layers_message.text()
    form.layers.item(0).setText("70000")
    assert form.hidden_sizes() == [32] and "“70000”" in form.layers_message.text()
    form.layers.item(0).setText(" 64 ")
    assert form.hidden_sizes() == [64] and not form.layers_message.isVisible()


def test_basic_settings_first_advanced_collapsed_and_opened_for_a_refused_one(panel, qtbot):
    form = panel.training_form
    assert form.epochs.isVisible() and form.learning_rate.isVisible()
    assert not form.dropout.isVisible() and not form.advanced_button.isChecked()
    qtbot.mouseClick(form.advanced_button, Qt.LeftButton)
    assert form.dropout.isVisible()
    qtbot.mouseClick(form.advanced_button, Qt.LeftButton)
    assert not form.dropout.isVisible()
    form.dropout.setText("0.99")
    panel.sig_problem.connect(lambda text: None)
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    assert form.dropout.isVisible() and form.advanced_button.isChecked()  # the refused value is shown


def test_hidden_layers_can_be_added_resized_and_removed(panel, qtbot):
    form = panel.network_form
    form.set_hidden_sizes([128])
    form.layers.setCurrentRow(0)
    qtbot.mouseClick(form.add_button, Qt.LeftButton)
    form.layers.item(1).setText("32")
    form.layers.item(0).setText("not a number")  # cleaned back to a valid size
    assert form.architecture()["layer_sizes"] == [784, 128, 32, 10]
    form.layers.setCurrentRow(0)
    qtbot.mouseClick(form.remove_button, Qt.LeftButton)
    form.output.setCurrentText("sigmoid + quadratic (classic)")
    form.init.setCurrentIndex(2)
    architecture = form.architecture()
    assert architecture["layer_sizes"] == [784, 32, 10]
    assert (architecture["output"], architecture["loss"], architecture["init"]) == ("sigmoid", "quadratic", "classic")
    with qtbot.waitSignal(panel.sig_initialise_requested) as wanted:
        qtbot.mouseClick(panel.initialise_button, Qt.LeftButton)
    assert wanted.args[0] == architecture


def test_every_control_has_a_tooltip(panel):
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QListWidget)
    controls = [w for kind in kinds for w in panel.findChildren(kind) if not w.objectName().startswith("qt_")]
    assert len(controls) > 30
    assert [w for w in controls if not w.toolTip()] == []


def test_states_enable_the_right_buttons_and_pause_toggles(panel, qtbot):
    assert not panel.stop_button.isEnabled() and panel.train_button.isEnabled()
    panel.set_training_state("running")
    assert panel.stop_button.isEnabled() and not panel.train_button.isEnabled()
    with qtbot.waitSignal(panel.sig_pause_requested):
        qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    panel.set_training_state("paused")
    assert panel.pause_button.text() == "Resume"
    with qtbot.waitSignal(panel.sig_resume_requested):
        qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    with qtbot.waitSignal(panel.sig_stop_requested):
        qtbot.mouseClick(panel.stop_button, Qt.LeftButton)


def test_dataset_chooser_lists_locations_and_reports_the_choice(panel, qtbot, tmp_path):
    locations = [DatasetLocation("mnist", tmp_path / "mnist", False, True, 0, 10000),
                 DatasetLocation("mine", tmp_path / "mine", True, True, 500, 100)]
    panel.set_datasets(locations)
    assert panel.dataset_combo.count() == 2
    assert "500 train + 100 test" in panel.dataset_combo.itemText(1)
    with qtbot.waitSignal(panel.sig_dataset_chosen) as chosen:
        panel.dataset_combo.activated.emit(1)
    assert chosen.args == [str(tmp_path / "mine")]
    panel.set_datasets([])
    assert "download MNIST" in panel.dataset_combo.itemText(0)


def test_download_progress_and_cancel(panel, qtbot):
    with qtbot.waitSignal(panel.sig_download_requested):
        qtbot.mouseClick(panel.download_button, Qt.LeftButton)
    panel.set_download_progress(5_000_000, 11_594_722, "train-images-idx3-ubyte.gz")
    assert panel.download_bar.isVisible() and panel.cancel_button.isVisible()
    assert "5.0 / 11.6 MB" in panel.download_bar.format()
    with qtbot.waitSignal(panel.sig_download_cancel_requested):
        qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    panel.set_download_finished("no network: every mirror failed")
    assert not panel.download_bar.isVisible() and "every mirror" in panel.dataset_message.text()


def test_download_controller_relays_progress_and_errors(qtbot, tmp_path):
    def fake_download(progress, cancel):
        for done in (0, 500, 1000):
            progress(done, 1000, "t10k-labels-idx1-ubyte.gz")
        return tmp_path

    controller, progress = DownloadController(download=fake_download), []
    controller.sig_progress.connect(lambda done, total, name: progress.append(done))
    with qtbot.waitSignal(controller.sig_finished, timeout=5000) as finished:
        controller.start()
    assert finished.args == [str(tmp_path)] and progress == [0, 500, 1000]
    qtbot.waitUntil(lambda: not controller.running)

    def offline(progress, cancel):
        raise DownloadError("cannot reach any MNIST mirror; download the four files yourself")

    controller = DownloadController(download=offline)
    with qtbot.waitSignal(controller.sig_failed, timeout=5000) as failed:
        controller.start()
    assert failed.args == ["cannot reach any MNIST mirror; download the four files yourself", False]
    qtbot.waitUntil(lambda: not controller.running)  # a QThread must end before it is freed


def test_log_lines_are_timestamped_coloured_copyable_and_savable(qtbot, tmp_path):
    log = LogPanel()
    qtbot.addWidget(log)
    log.log("epoch 1/3 done")
    log.log("bad.nn: not a network file", "error")
    lines = log.text().splitlines()
    assert len(lines) == 2 and lines[1].endswith("error: bad.nn: not a network file")
    assert lines[0][2] == ":" and lines[0][5] == ":"  # HH:MM:SS
    assert "#d03030" in log.view.document().toHtml()
    log.copy_to_clipboard()
    assert QApplication.clipboard().text() == log.text()
    log.save(tmp_path / "log.txt")
    assert Path(tmp_path / "log.txt").read_text().count("\n") == 2
    qtbot.mouseClick([b for b in log.findChildren(QAbstractButton) if b.text() == "Clear"][0], Qt.LeftButton)
    assert log.text() == ""


def test_status_bar_repaints_from_its_timer_not_per_batch(qtbot):
    bar = TrainingStatusBar()
    qtbot.addWidget(bar)
    bar.start_run(epochs=2)
    bar.add_batch(BatchReport(2, 50, 100, 15000, 0.2, 0.9, 12345.0, 1e-3))
    assert bar.batch_label.text() == ""  # nothing drawn yet
    qtbot.waitUntil(lambda: bar.batch_label.text() == "Batch 50/100", timeout=1000)
    assert bar.epoch_label.text() == "Epoch 2/2" and bar.progress.value() == 75
    assert bar.speed_label.text() == "12,345 samples/s" and bar.time_label.text().endswith("left")
    bar.finish_run("trained 2 epochs")
    assert not bar.timer.isActive() and bar.currentMessage() == "trained 2 epochs"
    assert format_duration(3725) == "1:02:05" and format_duration(65) == "1:05"


def test_the_log_keeps_showing_the_newest_line_when_its_dock_is_resized(qtbot):
    """(The README's screenshot showed the oldest lines: a dock made smaller kept the top line in sight.)"""
    panel = shown(qtbot, LogPanel(), 420, 600)
    for i in range(60):
        panel.log(f"line {i}: " + "words " * 12)
    bar = panel.view.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    panel.resize(300, 200)
    qtbot.waitUntil(lambda: panel.view.height() < 200)
    assert bar.value() == bar.maximum()
    bar.setValue(0)  # the user scrolls back to read: new lines do not pull the view down
    panel.log("another line")
    panel.resize(320, 220)
    qtbot.wait(20)
    assert bar.value() == 0


def test_a_long_status_message_is_cut_with_an_ellipsis_beside_the_run_figures(qtbot):
    """(At 1280 px "…the machine is bi" ran into "Epoch 5/40": cut mid-word, no way to read the rest.)"""
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    bar = TrainingStatusBar()
    window.setStatusBar(bar)
    window.resize(700, 120)
    window.show()
    qtbot.waitExposed(window)
    bar.start_run(epochs=40)
    bar.add_batch(BatchReport(5, 94, 125, 40000, 0.2, 0.9, 11739.0, 1e-3))
    bar.set_accuracy("validation accuracy 97.8 %")
    qtbot.waitUntil(lambda: bar.batch_label.text() == "Batch 94/125", timeout=1000)
    text = ("estimated time 27.1 s (0.7 s per epoch), memory about 72 MB; the machine is busy "
            "(load 3.2 on 2 cores): it may take longer")
    bar.showMessage(text, 15000)
    qtbot.wait(20)
    assert bar.currentMessage() == text and text in bar.message_label.toolTip()
    shown = bar.message_label.text()
    assert shown.endswith("…") and text.startswith(shown[:-1])
    assert bar.message_label.geometry().right() < bar.epoch_label.geometry().left()
    bar.clearMessage()
    assert bar.currentMessage() == "" and bar.message_label.text() == ""
