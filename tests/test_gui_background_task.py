"""Long work off the GUI thread (issue 10, class 11): BackgroundTask and the panels that use it."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

from idx_factory import synthetic_digits
from mnistbench.data.datasets import to_inputs
from mnistbench.errors import MnistbenchError
from mnistbench.gui.jobs import background_task
from mnistbench.gui.jobs.background_task import BackgroundTask
from mnistbench.gui.panels.image_browser.image_browser_panel import ImageBrowserPanel
from tiny_network import trained_network

pytestmark = pytest.mark.gui


class Gate:
    """A job that records its thread and waits until the test opens the gate."""

    def __init__(self, result):
        self.result, self.opened, self.thread = result, threading.Event(), None

    def __call__(self, *args):
        self.thread = threading.get_ident()
        assert self.opened.wait(20), "the test never opened the gate"
        return self.result


def test_a_job_runs_off_the_gui_thread_and_only_the_latest_result_arrives(qtbot):
    task = BackgroundTask("testing")
    done, busy = [], []
    task.sig_done.connect(done.append)
    task.sig_busy_changed.connect(busy.append)
    first, second, third = Gate("first"), Gate("second"), Gate("third")
    task.submit(first)
    task.submit(second)  # waits behind the first, then is replaced by the third
    task.submit(third)
    assert task.busy and not done  # submit returned while the job waits
    qtbot.waitUntil(lambda: busy == [True])
    first.opened.set()
    third.opened.set()
    qtbot.waitUntil(lambda: not task.busy)
    assert done == ["third"] and second.thread is None and busy[-1] is False
    assert first.thread not in (None, threading.get_ident())


def test_a_failing_job_reaches_sig_failed_in_one_line(qtbot):
    task = BackgroundTask("testing")
    failed = []
    task.sig_failed.connect(failed.append)

    def refuse():
        raise MnistbenchError("net.nn: too big to imagine")

    task.submit(refuse)
    qtbot.waitUntil(lambda: not task.busy)
    assert failed == ["net.nn: too big to imagine"]


def test_next_mistake_on_a_large_network_predicts_off_the_gui_thread(qtbot, monkeypatch):
    images, _ = synthetic_digits(60, seed=5)
    net = trained_network("relu", hidden=(16,), epochs=1)
    labels = net.predict(to_inputs(images)).copy()
    labels[[7, 30]] = (labels[[7, 30]] + 1) % 10
    panel = ImageBrowserPanel()
    qtbot.addWidget(panel)
    panel.set_network(net)
    panel.set_dataset(images, labels)
    monkeypatch.setattr(background_task, "QUICK_WORK", 0)  # this small network stands for 784-65535-10
    gate = Gate(None)
    original = net.predict
    gate_predict = gate.__call__

    def slow_predict(X):
        gate_predict()
        return original(X)

    net.predict = slow_predict
    qtbot.mouseClick(panel.buttons["next_mistake"], Qt.LeftButton)
    assert panel.index_box.value() == 0 and panel.task.busy  # the GUI is free meanwhile
    qtbot.waitUntil(lambda: "Finding" in panel.mistakes.text())  # after BUSY_DELAY_MS
    assert panel.cursor().shape() == Qt.BusyCursor
    gate.opened.set()
    qtbot.waitUntil(lambda: panel.index_box.value() == 7)
    assert gate.thread != threading.get_ident() and "2 mistakes in 60" in panel.mistakes.text()
    assert panel.cursor().shape() != Qt.BusyCursor
    qtbot.mouseClick(panel.buttons["next_mistake"], Qt.LeftButton)
    assert panel.index_box.value() == 30  # cached: at once


def test_a_new_network_drops_the_previous_ones_predictions(qtbot, monkeypatch):
    images, labels = synthetic_digits(40, seed=6)
    old, new = trained_network("relu", hidden=(16,), epochs=1), trained_network("relu", hidden=(8,), epochs=1)
    panel = ImageBrowserPanel()
    qtbot.addWidget(panel)
    panel.set_network(old)
    panel.set_dataset(images, labels)
    monkeypatch.setattr(background_task, "QUICK_WORK", 0)
    gate = Gate(np.zeros(40, np.int64))
    old.predict = gate
    panel.next_mistake()
    panel.set_network(new)
    gate.opened.set()
    qtbot.waitUntil(lambda: not panel.task.busy)
    assert panel.predictions() is None  # the old network's answer never arrived as the new one's


def test_imagine_on_a_large_network_runs_off_the_gui_thread(qtbot, monkeypatch):
    from mnistbench.gui.panels.imagine import imagine_panel, imagine_work

    panel = imagine_panel.ImaginePanel()
    qtbot.addWidget(panel)
    panel.set_network(trained_network("relu", hidden=(16,), epochs=1))
    panel.set_mean_image(np.full(784, 0.1, np.float32))
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.imagined() is not None)  # small: at once, on the GUI thread
    monkeypatch.setattr(background_task, "QUICK_WORK", 0)  # now it stands for 784-65535-10
    gate, original = Gate(None), imagine_work.imagine

    def slow_imagine(*args, **kwargs):
        gate()
        return original(*args, **kwargs)

    monkeypatch.setattr(imagine_work, "imagine", slow_imagine)
    before = panel.imagined()
    panel.choose_digit(3)
    panel.recompute()
    qtbot.waitUntil(lambda: "Imagining a 3" in panel.timing.text())
    assert np.array_equal(panel.imagined(), before)
    gate.opened.set()
    qtbot.waitUntil(lambda: not panel.task.busy)
    assert gate.thread != threading.get_ident() and "steps in" in panel.timing.text()
    assert not np.array_equal(panel.imagined(), before) and "network reads" in panel.captions["ascent"].text()


def test_initialising_a_huge_network_leaves_the_window_responsive(make_window, qtbot, monkeypatch, caplog):
    from mnistbench.gui.window import files

    window = make_window()
    before = window.state.network
    monkeypatch.setattr(background_task, "QUICK_WORK", 0)  # stands for 784-65535-128-10 (1.7 s)
    gate, original = Gate(None), files.Network

    def slow_network(*args, **kwargs):
        gate()
        return original(*args, **kwargs)

    monkeypatch.setattr(files, "Network", slow_network)
    assert window.files.initialise_network({"layer_sizes": [784, 12, 10], "activation": "relu"})
    assert window.state.network is before
    qtbot.waitUntil(lambda: window.cursor().shape() == Qt.BusyCursor)
    assert not window.training.start(window.training_panel.training_form.config())  # not yet
    assert "still being initialised" in caplog.text
    gate.opened.set()
    qtbot.waitUntil(lambda: not window.files.initialising.busy)
    assert window.state.network.layer_sizes == (784, 12, 10) and window.cursor().shape() != Qt.BusyCursor


def test_the_weight_map_gallery_draws_a_bounded_number_of_maps(qtbot):
    from mnistbench.gui.panels.inspector.weight_maps import MAX_MAPS, WeightMapGallery

    gallery = WeightMapGallery()
    qtbot.addWidget(gallery)
    weights = np.random.default_rng(0).standard_normal((MAX_MAPS + 500, 784)).astype(np.float32)
    gallery.set_weights(weights)
    assert gallery.map_count == MAX_MAPS  # 65,535 maps took seconds and 177 MB on the GUI thread
    image = gallery.image()
    assert image.width() < 40 * 33 and image.height() < 40 * 33


def test_a_task_deleted_with_its_owner_while_its_job_runs_drops_the_result(qtbot, caplog):
    from PySide6.QtCore import QObject
    from shiboken6 import delete, isValid

    owner = QObject()
    task = BackgroundTask("testing", owner)
    gate = Gate("late")
    task.submit(gate)
    qtbot.waitUntil(lambda: gate.thread is not None)
    delete(owner)  # a window closed: its children go with it, the job still runs
    assert not isValid(task)
    with caplog.at_level("DEBUG", logger="mnistbench"):
        gate.opened.set()
        qtbot.waitUntil(lambda: "finished after its owner was deleted" in caplog.text, timeout=5000)
