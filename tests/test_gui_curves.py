"""The curves panel: real training reports in, timer-driven curves, runs, exports."""

import csv
import time
import types

import numpy as np
import pytest

pytest.importorskip("pyqtgraph")
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QImage, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from idx_factory import synthetic_digits  # noqa: E402
from mnistbench.data.datasets import to_inputs  # noqa: E402
from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.engine.network import Network  # noqa: E402
from mnistbench.engine.training import (BatchReport, EpochReport, EvaluationReport,  # noqa: E402
                                        TrainingCallbacks, train)
from mnistbench.gui.panels.curves import (curves_data, curves_drawing, curves_plots, curves_ranges,  # noqa: E402
                                         curves_readout)
from mnistbench.gui.widgets import export_dialog  # noqa: E402
from window_helpers import shown_curves_panel  # noqa: E402

pytestmark = pytest.mark.gui
BATCHES = 12  # 600 examples / batch 50


@pytest.fixture
def panel(qtbot):
    return shown_curves_panel(qtbot)


@pytest.fixture(scope="module")
def data():
    images, labels = synthetic_digits(700, seed=3)
    return to_inputs(images), labels


def run(panel, data, net, epochs, continued, planned_epochs=None):
    """Train for real, feeding the panel through the engine's callbacks; returns the reports."""
    inputs, labels = data
    seen = {"batch": [], "evaluation": []}
    callbacks = TrainingCallbacks(
        on_batch=lambda r: (seen["batch"].append(r), panel.add_batch(r)),
        on_evaluation=lambda r: (seen["evaluation"].append(r), panel.add_evaluation(r)),
        on_epoch=panel.add_epoch)
    panel.start_run(continued, planned_epochs)
    config = TrainingConfig(epochs=epochs, batch_size=50, validation_size=100, evaluations_per_epoch=4)
    train(net, inputs[:600], labels[:600], config, validation=(inputs[600:], labels[600:]),
          callbacks=callbacks)
    return seen


def shown(curve):
    """The curve's points as drawn, back from the log axis."""
    x, y = curve.getData()
    return (np.array([]), np.array([])) if x is None else (x, 10.0 ** y)


def small_net():
    return Network([784, 16, 10], activation="relu", output="softmax", loss="cross_entropy",
                   init="he", seed=1)


def ema(values, weight):
    """TensorBoard's debiased exponential moving average, one value at a time."""
    average, out = 0.0, []
    for i, value in enumerate(values, start=1):
        average = weight * average + (1 - weight) * value
        out.append(average / (1 - weight ** i))
    return np.array(out)


def test_training_fills_the_curves_at_fractional_epochs(qtbot, panel, data):
    seen = run(panel, data, small_net(), epochs=2, continued=False)
    loss = panel.curves["train_loss"]
    qtbot.waitUntil(lambda: len(shown(loss)[0]) == 2 * BATCHES, timeout=3000)
    x, y = shown(loss)
    np.testing.assert_allclose(x, np.arange(1, 2 * BATCHES + 1) / BATCHES)
    losses = [r.loss for r in seen["batch"]]
    np.testing.assert_allclose(y, ema(losses, panel.smoothing_weight), rtol=1e-6)  # smoothed...
    np.testing.assert_allclose(shown(panel.raw_curves["train_loss"])[1], losses, rtol=1e-6)  # ...raw behind
    vx, verr = shown(panel.curves["validation_error"])
    assert len(vx) == len(seen["evaluation"]) == 8
    expected = np.maximum([r.validation_error for r in seen["evaluation"]], curves_plots.FLOORS["error"])
    np.testing.assert_allclose(verr, expected, rtol=1e-6)
    _, raw_error = shown(panel.raw_curves["train_error"])
    first = [i for i, r in enumerate(seen["batch"]) if r.batch == 1]
    for i in first:  # an epoch's first batch alone: its own error is the running one
        assert raw_error[i] == pytest.approx(max(1 - seen["batch"][i].accuracy, 1e-4), rel=1e-6)
    assert panel.epoch_marks["loss"].positions == panel.epoch_marks["error"].positions == [1.0, 2.0]


def test_continued_run_extends_and_a_new_run_keeps_the_last_beside_it(qtbot, panel, data):
    net = small_net()
    run(panel, data, net, epochs=1, continued=False)
    run(panel, data, net, epochs=1, continued=True)
    panel.redraw()
    x, _ = shown(panel.curves["train_loss"])
    assert len(x) == 2 * BATCHES and x[-1] == pytest.approx(2.0)
    assert np.all(np.diff(x) > 0)
    run(panel, data, small_net(), epochs=1, continued=False)
    panel.redraw()
    x, _ = shown(panel.curves["train_loss"])
    assert len(x) == BATCHES and x[0] == pytest.approx(1 / BATCHES)
    (earlier,) = panel.overlays
    assert len(shown(earlier.curves["train_loss"])[0]) == 2 * BATCHES
    assert earlier.curves["train_loss"].opts["pen"].color() != panel.curves["train_loss"].opts["pen"].color()
    legend_names = [label.text for _sample, label in panel.legend.items]
    assert legend_names == ["training (smoothed)", "validation (subset)", "run 1", "run 2"]
    {action.text(): action for action in panel.graphics.scene().contextMenu}["Clear earlier runs"].trigger()
    assert panel.overlays == [] and earlier.curves["train_loss"].scene() is None


def batch(epoch, index, loss=0.5, accuracy=0.75):
    return BatchReport(epoch, index, 100, ((epoch - 1) * 100 + index) * 10, loss, accuracy, 1000.0, 0.01)


def test_redraws_on_a_timer_not_per_batch(qtbot, panel, monkeypatch):
    calls = []
    original = panel.curves["train_loss"].setData
    monkeypatch.setattr(panel.curves["train_loss"], "setData",
                        lambda *a, **k: (calls.append(1), original(*a, **k)))
    panel.start_run(False)
    for i in range(1, 2001):  # more than the Series' starting capacity: it must grow
        panel.add_batch(batch(1 + (i - 1) // 100, 1 + (i - 1) % 100, loss=1.0 / i))
    assert calls == []  # nothing drawn yet: only the buffers grew
    qtbot.waitUntil(lambda: len(calls) >= 1, timeout=2000)
    qtbot.wait(2 * curves_drawing.REDRAW_MS)
    assert len(calls) == 1
    x, y = shown(panel.curves["train_loss"])
    assert len(x) == 2000 and x[-1] == pytest.approx(20.0)
    assert shown(panel.raw_curves["train_loss"])[1][-1] == pytest.approx(1 / 2000)


def test_bundles_append_in_order_and_out_of_view_waits(qtbot, panel):
    """The window passes bundles; out of view nothing is redrawn until the panel is seen again."""
    panel.start_run(False, planned_epochs=2)
    reports = [batch(1 + (i - 1) // 100, 1 + (i - 1) % 100, loss=1.0 / i) for i in range(1, 151)]
    panel.add_batches(reports[:100])
    panel.add_batches(reports[100:])
    qtbot.waitUntil(lambda: len(shown(panel.curves["train_loss"])[0]) == 150, timeout=2000)
    x, y = shown(panel.curves["train_loss"])
    assert x[0] == pytest.approx(0.01) and x[-1] == pytest.approx(1.5)
    assert shown(panel.raw_curves["train_loss"])[1][-1] == pytest.approx(1 / 150)
    panel.set_in_view(False)
    panel.add_batches([batch(2, 51, loss=0.5)])
    qtbot.wait(2 * curves_drawing.REDRAW_MS)
    assert len(shown(panel.curves["train_loss"])[0]) == 150  # kept, not drawn
    panel.set_in_view(True)
    qtbot.waitUntil(lambda: len(shown(panel.curves["train_loss"])[0]) == 151, timeout=2000)


def test_a_costly_redraw_waits_longer_for_the_next(qtbot, panel, monkeypatch):
    """Redraws get a share of the time (REDRAW_SHARE): one that took 30 ms waits 1 s or more."""
    push = panel._push_data

    def slow_push():  # 30 ms of this thread's time, as a slow machine would spend
        began = time.thread_time()
        while time.thread_time() - began < 0.03:
            pass
        push()

    monkeypatch.setattr(panel, "_push_data", slow_push)
    panel.start_run(False)
    panel.add_batches([batch(1, 1)])
    qtbot.waitUntil(lambda: len(shown(panel.curves["train_loss"])[0]) == 1, timeout=2000)
    assert 0.03 / curves_drawing.REDRAW_SHARE * 1000 <= panel._redraw_interval <= curves_drawing.MAX_REDRAW_MS
    panel.add_batches([batch(1, 2)])
    assert panel._timer.interval() == panel._redraw_interval


def test_zero_negative_and_infinite_values_stay_drawable(qtbot, panel):
    panel.start_run(False)
    panel.add_batch(batch(1, 1, loss=0.0, accuracy=1.0))
    panel.add_batch(batch(1, 2, loss=float("inf"), accuracy=1.0))
    panel.add_evaluation(EvaluationReport(1, 2, 20, -1e-9, 0.0))
    panel.redraw()
    _, y = shown(panel.curves["train_loss"])
    assert y[0] == pytest.approx(curves_plots.FLOORS["loss"]) and np.isnan(y[1])
    _, y = shown(panel.curves["validation_error"])
    assert y[0] == pytest.approx(curves_plots.FLOORS["error"])


def test_mouse_shows_the_values_under_it(panel):
    panel.start_run(False)
    panel.add_batch(batch(1, 50, loss=0.25, accuracy=0.9))
    panel.add_evaluation(EvaluationReport(1, 50, 500, 0.3, 0.125))
    panel.redraw()
    plot = panel.plots["error"]
    plot.vb.setRange(xRange=(0, 1), yRange=(-2, 0), padding=0)
    panel.graphics.scene().sigMouseMoved.emit(plot.vb.mapViewToScene(QPointF(0.5, -1)))
    text = panel.values_label.full_text
    assert "epoch 0.50" in text and "training loss 0.25" in text and "validation error 12.50%" in text
    assert panel.cursors["loss"].isVisible() and panel.cursors["loss"].value() == pytest.approx(0.5)


def fill_two_epochs(panel):
    panel.start_run(False)
    for epoch in (1, 2):
        for i in range(1, 101):
            panel.add_batch(batch(epoch, i, loss=2.0 / (100 * (epoch - 1) + i)))
        panel.add_evaluation(EvaluationReport(epoch, 100, epoch * 1000, 0.5 / epoch, 0.2 / epoch))
        panel.add_epoch(EpochReport(epoch, 2, 0.4, 0.9, 0.5, 0.8, 1.0, None))


def test_epoch_marks_are_painted_down_the_whole_plot(qtbot, panel):
    fill_two_epochs(panel)
    panel.redraw()
    with_marks = panel.grab().toImage()
    for marks in panel.epoch_marks.values():
        marks.set_positions([])
    without = panel.grab().toImage()
    offset = panel.graphics.mapTo(panel, QPoint(0, 0))
    for kind, plot in panel.plots.items():
        view = plot.vb.viewRect()
        top, bottom = (panel.graphics.mapFromScene(plot.vb.mapViewToScene(QPointF(1.0, y))) + offset
                       for y in (view.bottom(), view.top()))
        changed = [y for y in range(top.y(), bottom.y())
                   if any(with_marks.pixel(top.x() + dx, y) != without.pixel(top.x() + dx, y)
                          for dx in (-1, 0, 1))]
        height = bottom.y() - top.y()
        assert len(changed) > 0.2 * height, kind  # a dotted line...
        assert min(changed) < top.y() + 0.1 * height and max(changed) > bottom.y() - 0.1 * height  # ...top to bottom


def test_export_csv_png_svg(qtbot, panel, tmp_path):
    fill_two_epochs(panel)
    panel.export_csv(tmp_path / "curves.csv")
    with open(tmp_path / "curves.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["epoch_position", "examples_seen", "seconds", "train_loss", "validation_loss",
                             "train_error", "validation_error", "run"]
    assert len(rows) == 200 and {r["run"] for r in rows} == {"run 1"}
    assert float(rows[-1]["examples_seen"]) == 2000 and float(rows[-1]["seconds"]) == pytest.approx(2.0)
    last = rows[-1]
    assert float(last["epoch_position"]) == 2.0 and float(last["train_loss"]) == pytest.approx(0.01)
    assert float(last["validation_error"]) == pytest.approx(0.1)
    assert sum(1 for r in rows if r["validation_loss"]) == 2
    panel.export_png(tmp_path / "curves.png")
    image = QImage(str(tmp_path / "curves.png"))
    assert image.width() > 100 and image.height() > 100
    panel.export_svg(tmp_path / "curves.svg")
    assert "<svg" in (tmp_path / "curves.svg").read_text()


def test_context_menu_has_the_workbench_exports_only(qtbot, panel, tmp_path, monkeypatch):
    fill_two_epochs(panel)
    target = tmp_path / "from_menu"  # no suffix: the filter's is added
    monkeypatch.setattr(export_dialog.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "CSV table (*.csv)")))
    actions = {a.text(): a for a in panel.graphics.scene().contextMenu}
    assert set(actions) == {"Export PNG…", "Export SVG…", "Export CSV…",  # not pyqtgraph's "Export..."
                            "Clear earlier runs"}
    actions["Export CSV…"].trigger()
    assert (tmp_path / "from_menu.csv").read_text().count("\n") == 201


def test_clear_empties_everything(panel):
    fill_two_epochs(panel)
    panel.start_run(False)
    panel.clear()
    panel.redraw()
    assert len(shown(panel.curves["train_loss"])[0]) == 0
    assert panel.overlays == []
    assert panel.epoch_marks["loss"].positions == []


def test_log_axis_labels_only_one_two_five(panel):
    axis = curves_ranges.LogAxis("left")
    labels = axis.logTickStrings([-1.0, np.log10(0.2), np.log10(0.3), 0.0, -400.0, float("nan")], 1.0, 1.0)
    assert labels == ["0.1", "0.2", "", "1", "", ""]
    major, minor = axis.logTickValues(-2.2, 0.3, 300, [(1.0, [-2.0, -1.0, 0.0]), (0.5, [-1.5])])
    assert major == (1.0, [-2.0, -1.0, 0.0]) and minor[0] is None
    assert len(minor[1]) == 19 and not set(major[1]) & set(minor[1])  # 1 x 10^k is labelled once
    image = panel.grab()  # an empty panel paints its default (log) ranges without errors
    assert not image.isNull()


def covers(panel, kind, curves):
    """Whether the plot's view range holds every point of ``curves`` (log axis: in decades)."""
    (x0, x1), (y0, y1) = panel.plots[kind].vb.viewRange()
    for curve in curves:
        x, y = curve.getData()
        if x is not None and len(x):
            y = y[np.isfinite(y)]
            if x.min() < x0 or x.max() > x1 or y.min() < y0 or y.max() > y1:
                return False
    return True


def test_a_run_sets_ranges_itself_then_lets_pyqtgraph_fit(qtbot, panel, data):
    run(panel, data, small_net(), epochs=2, continued=False, planned_epochs=3)
    qtbot.waitUntil(lambda: len(shown(panel.curves["train_loss"])[0]) == 2 * BATCHES, timeout=3000)
    for kind, plot in panel.plots.items():
        assert plot.vb.autoRangeEnabled() == [False, False]  # no refit (and axis relayout) per redraw
        curves = [c for name, c in panel.curves.items() if curves_plots.SERIES[name][0] == kind]
        assert covers(panel, kind, curves)
        x0, x1 = plot.vb.viewRange()[0]
        assert x0 <= 0 and 3 <= x1 < 3.2  # the planned three epochs, known from the start
    panel.ranges._settle.setInterval(200)  # (SETTLE_MS) when nobody says the run ended
    qtbot.waitUntil(lambda: panel.plots["loss"].vb.autoRangeEnabled() == [True, True],
                    timeout=3000)  # the reports stopped: fit exactly
    assert panel.plots["error"].vb.autoRangeEnabled()[1]  # its x follows the loss plot's
    # pyqtgraph applies the fit on its next update, not when auto-range is switched on
    qtbot.waitUntil(lambda: panel.plots["loss"].vb.viewRange()[0][1] < 2.2, timeout=2000)
    assert covers(panel, "loss", [panel.curves["train_loss"], panel.curves["validation_loss"]])


def test_y_ranges_change_now_and_then_and_x_doubles_without_a_plan(panel, monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(curves_ranges, "time", types.SimpleNamespace(monotonic=lambda: clock[0],
                                                                   thread_time=time.thread_time))
    changes = {kind: [] for kind in panel.plots}
    for kind, plot in panel.plots.items():
        plot.vb.sigYRangeChanged.connect(lambda _vb, r, k=kind: changes[k].append(tuple(r)))
    panel.start_run(False)
    for i in range(1, 2001):  # 20 epochs of 100 batches, loss falling two decades, 0.1 s apart
        panel.add_batch(batch(1 + (i - 1) // 100, 1 + (i - 1) % 100, loss=2.0 / i ** 0.6,
                              accuracy=1 - 0.9 / i ** 0.5))
        if i % 10 == 0:
            clock[0] += 0.1
            panel._redraw_live()
            if i == 150:
                assert panel.plots["loss"].vb.viewRange()[0][1] == pytest.approx(2 * 1.02, abs=0.05)
    assert 1 <= len(changes["loss"]) <= 6 and 1 <= len(changes["error"]) <= 6  # of 200 redraws
    assert covers(panel, "loss", [panel.curves["train_loss"]])
    assert covers(panel, "error", [panel.curves["train_error"]])
    x1 = panel.plots["loss"].vb.viewRange()[0][1]
    assert 20 <= x1 < 32 * 1.03  # 1 -> 2 -> ... -> 32 epochs: grown by doubling


def wheel(panel, plot):
    """A real wheel turn over ``plot``, as a user zooms."""
    centre = panel.graphics.mapFromScene(plot.vb.sceneBoundingRect().center())
    event = QWheelEvent(QPointF(centre), QPointF(panel.graphics.mapToGlobal(centre)), QPoint(0, 0),
                        QPoint(0, 120), Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(panel.graphics.viewport(), event)


def test_a_users_zoom_holds_until_the_auto_button(qtbot, panel):
    panel.start_run(False, 10)
    for i in range(1, 101):
        panel.add_batch(batch(1, i, loss=1.0 / i))
    panel._redraw_live()
    before = panel.plots["loss"].vb.viewRange()
    wheel(panel, panel.plots["loss"])
    zoomed = panel.plots["loss"].vb.viewRange()
    assert zoomed != before
    for i in range(1, 101):
        panel.add_batch(batch(2, i, loss=1e-4 / i))  # far below the zoomed view
    panel._redraw_live()
    assert panel.plots["loss"].vb.viewRange() == zoomed  # new points leave the user's view alone
    panel.plots["loss"].autoBtnClicked()  # the plot's "A" button: follow the data again
    assert panel.plots["loss"].vb.autoRangeEnabled() == [False, False]
    assert covers(panel, "loss", [panel.curves["train_loss"]])
    wheel(panel, panel.plots["loss"])
    zoomed = panel.plots["loss"].vb.viewRange()
    panel.end_run()
    assert panel.plots["loss"].vb.viewRange() == zoomed  # and so does the end of the run


def test_range_helpers():
    low, high = curves_data.padded_log_range((-1.23, 0.36))
    assert low <= -1.23 - 0.4 and 0.36 + 0.05 <= high <= 0.36 + 0.3  # room below, a margin above
    assert round(low * 10) == pytest.approx(low * 10) and round(high * 10) == pytest.approx(high * 10)
    assert curves_data.log_bounds([np.array([np.nan, 0.0, 10.0, 0.01]), np.array([])]) == (-2.0, 1.0)
    assert curves_data.log_bounds([np.array([np.nan, -1.0])]) is None
    grown_end = curves_data.grown_end
    assert (grown_end(0, 0, 0.3), grown_end(0, 1, 2.5), grown_end(3, 0, 3.5), grown_end(3, 4, 5.5)) == (1, 4, 4, 7)


def epochs_of_reports(epochs, batches=20, batch_size=10):
    """Reports as the engine makes them: running accuracy over the epoch; each epoch's first
    batch all right, every other batch one wrong (so the true error is about 10 %)."""
    reports, seen = [], 0
    for epoch in range(1, epochs + 1):
        correct = 0
        for index in range(1, batches + 1):
            seen += batch_size
            correct += batch_size - (0 if index == 1 else 1)
            reports.append(BatchReport(epoch, index, batches, seen, 0.3, correct / (index * batch_size),
                                       1000.0, 0.01))
    return reports


def test_training_error_does_not_drop_to_the_floor_when_an_epoch_starts(panel):
    panel.start_run(False)
    reports = epochs_of_reports(4)
    panel.add_batches(reports)
    panel.redraw()
    raw = shown(panel.raw_curves["train_error"])[1]
    np.testing.assert_allclose(raw[1:20], 0.1)  # each batch's own error, not the running one
    assert np.isnan(raw[0]) and np.isnan(raw[20])  # a perfect batch: a gap in the faint raw line
    _, smoothed = shown(panel.curves["train_error"])
    starts = [i for i, r in enumerate(reports) if r.batch == 1 and i]
    assert min(smoothed[i] for i in starts) > 0.05  # the drawn curve carries on across epochs


def test_batch_errors_from_running_accuracy():
    errors = curves_data.BatchErrors()
    got = [errors.error_of(r) for r in epochs_of_reports(2, batches=3)]
    assert got == pytest.approx([0.0, 0.1, 0.1, 0.0, 0.1, 0.1])
    errors.restart()  # a continued run: the engine counts from 0 again
    assert errors.error_of(epochs_of_reports(1, batches=1)[0]) == 0.0


def test_smoothing_slider_as_in_tensorboard(panel):
    panel.start_run(False)
    losses = 1.0 + 0.5 * np.sin(np.arange(1, 301))  # noisy
    panel.add_batches([batch(1 + (i - 1) // 100, 1 + (i - 1) % 100, loss=v) for i, v in enumerate(losses, 1)])
    panel.smoothing.setValue(0)
    y = panel.curves["train_loss"].yData  # all of it, not only what is in view
    np.testing.assert_allclose(y, losses, rtol=1e-9)  # no smoothing: the raw values...
    assert not panel.raw_curves["train_loss"].isVisible()  # ...drawn once
    panel.smoothing.setValue(990)
    assert panel.smoothing_value.text() == "0.990"
    y = panel.curves["train_loss"].yData
    np.testing.assert_allclose(y, ema(losses, 0.99), rtol=1e-9)
    assert np.abs(np.diff(y[100:])).max() < 0.1 * np.abs(np.diff(losses)).max()  # once it has history
    assert panel.raw_curves["train_loss"].isVisible()


def test_long_readout_never_sets_the_docks_width(panel):
    before = panel.minimumSizeHint().width()
    panel.values_label.set_full_text("x" * 500)
    assert panel.minimumSizeHint().width() == before
    assert panel.values_label.sizeHint().width() == 0
    assert panel.values_label.text().endswith("…") and panel.values_label.toolTip() == "x" * 500


def hover(panel, kind, x, y=-1.0):
    plot = panel.plots[kind]
    plot.vb.setRange(xRange=(-1, 1), yRange=(-2, 0), padding=0)
    panel.graphics.scene().sigMouseMoved.emit(plot.vb.mapViewToScene(QPointF(x, y)))


def test_no_readout_left_of_epoch_zero_and_no_crosshair_once_the_mouse_leaves(panel):
    panel.start_run(False)
    panel.add_batch(batch(1, 50, loss=0.25, accuracy=0.9))
    panel.redraw()
    hover(panel, "loss", 0.5)
    assert panel.cursors["loss"].isVisible() and "epoch 0.50" in panel.values_label.full_text
    hover(panel, "loss", -0.5)
    assert not panel.cursors["loss"].isVisible() and "epoch" not in panel.values_label.full_text
    hover(panel, "loss", 0.5)
    QApplication.sendEvent(panel.graphics, QEvent(QEvent.Leave))
    assert not any(line.isVisible() for line in panel.cursors.values())
    assert panel.values_label.full_text == curves_readout.HINT


def test_legend_sits_outside_both_plots(panel):
    fill_two_epochs(panel)
    panel.start_run(False)  # the last run stays, labelled, in the legend
    panel.add_batch(batch(1, 1))
    panel.redraw()
    names = [label.text for _sample, label in panel.legend.items]
    assert "run 1" in names and len(names) == 4
    legend = panel.legend.sceneBoundingRect()
    assert legend.height() > 5
    for plot in panel.plots.values():
        assert not legend.intersects(plot.vb.sceneBoundingRect())


def test_hovering_with_a_long_readout_leaves_the_window_layout_alone(make_window, qtbot):
    window = make_window()
    window.resize(1600, 1000)
    qtbot.wait(50)
    dock = window.docks["curves"]
    minimum, widths = dock.minimumSizeHint().width(), {n: d.width() for n, d in window.docks.items()}
    state = bytes(window.saveState())
    window.curves_panel.values_label.set_full_text("epoch 1.00 · " + "training loss 0.25 · " * 25)
    qtbot.wait(50)
    assert dock.minimumSizeHint().width() == minimum
    assert {n: d.width() for n, d in window.docks.items()} == widths
    assert bytes(window.saveState()) == state  # and so the layout saved at exit is not crushed


def test_a_narrow_panel_puts_the_legend_on_more_rows(qtbot, panel):
    fill_two_epochs(panel)
    panel.start_run(False)
    panel.redraw()  # four entries: training, validation, run 1, run 2
    panel.resize(320, 450)
    qtbot.waitUntil(lambda: panel.legend.columnCount == 1, timeout=1000)
    qtbot.wait(20)
    assert panel.legend.sceneBoundingRect().right() <= panel.graphics.viewport().width()
    panel.resize(700, 450)
    qtbot.waitUntil(lambda: panel.legend.columnCount == 3, timeout=1000)


def test_clip_polyline_cuts_segments_at_the_rectangle():
    x = np.array([-1.0, 1.0, 3.0, np.nan, 0.5, 0.5])
    y = np.array([0.5, 0.5, 0.5, np.nan, 2.0, 3.0])  # across, a gap, then wholly above
    cut_x, cut_y = curves_data.clip_polyline(x, y, (0.0, 2.0), (0.0, 1.0))
    pieces = [(a, b) for a, b in zip(cut_x.reshape(-1, 3)[:, :2].tolist(), cut_y.reshape(-1, 3)[:, :2].tolist())]
    assert pieces == [([0.0, 1.0], [0.5, 0.5]), ([1.0, 2.0], [0.5, 0.5])]
    assert np.isnan(cut_x[2::3]).all()

