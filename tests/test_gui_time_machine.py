"""The time machine: a run's film, scrubbing it shows earlier networks for display only, the replay export."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PIL import Image  # noqa: E402

from mnistbench.engine.config import TrainingConfig  # noqa: E402
from mnistbench.engine.reports import EpochReport  # noqa: E402
from mnistbench.gui.jobs.training_job import TrainingController  # noqa: E402
from mnistbench.gui.panels.time_machine.replay_export import write_gif, write_png_frames  # noqa: E402
from mnistbench.gui.panels.time_machine.time_machine_panel import TimeMachinePanel  # noqa: E402
from mnistbench.netfile import load_network  # noqa: E402
from mnistbench.workflows.evaluation import evaluate_test_set  # noqa: E402
from mnistbench.workflows.snapshots import Snapshot, in_epoch_batches, network_bytes  # noqa: E402
from window_helpers import bring_to_front, small_net, train_once  # noqa: E402

pytestmark = pytest.mark.gui


def epoch_report(epoch, net):
    return EpochReport(epoch, 5, 0.5, 0.5, None, None, 1.0, net)


def same_weights(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.weights + a.biases, b.weights + b.biases))


def test_the_slider_spans_the_film_and_now_and_sends_the_moment_chosen(qtbot):
    panel = TimeMachinePanel()
    qtbot.addWidget(panel)
    assert not panel.export_button.isEnabled() and "Train a network" in panel.moment.text()
    start, nets = small_net(), [small_net() for _ in range(3)]
    panel.start_run(start)
    for epoch, net in enumerate(nets, 1):
        panel.add_epoch(epoch_report(epoch, net))
    assert panel.slider.maximum() == 4 and panel.slider.value() == 4  # follows "now" while recording
    with qtbot.waitSignal(panel.sig_snapshot_chosen) as chosen:
        panel.slider.setValue(0)  # the choice is sent once the slider rests
    assert chosen.args == [start] and "before training" in panel.moment.text()
    assert panel.now_button.isEnabled()
    panel.add_epoch(epoch_report(4, small_net()))
    assert panel.slider.value() == 0  # a new epoch does not move the moment being looked at
    with qtbot.waitSignal(panel.sig_snapshot_chosen) as chosen:
        panel.now_button.click()
    assert chosen.args == [None] and panel.at_now and "Now" in panel.moment.text()


def test_a_small_budget_thins_the_film_and_the_slider_follows(qtbot):
    net = small_net()
    panel = TimeMachinePanel(budget_bytes=4 * network_bytes(net))
    qtbot.addWidget(panel)
    panel.start_run(net)
    for epoch in range(1, 20):
        panel.add_epoch(epoch_report(epoch, small_net()))
    assert len(panel.film) <= 4 and panel.slider.maximum() == len(panel.film)
    assert panel.film[0].epoch == 0 and panel.film[-1].epoch == 19


def test_the_worker_sends_copies_inside_the_first_epoch_of_a_short_run(qtbot, data_root):
    from mnistbench.data import load_dataset

    dataset = load_dataset(data_root / "digits")
    controller = TrainingController()
    taken = []
    controller.sig_snapshot.connect(taken.append)
    net = small_net()
    with qtbot.waitSignal(controller.sig_finished, timeout=30000):
        controller.start(net, dataset, TrainingConfig(epochs=2, batch_size=10, learning_rate=0.01))
    batches = taken[0].batches_per_epoch
    assert [s.batch for s in taken] == sorted(in_epoch_batches(batches, 2)) and len(taken) >= 3
    assert all(s.epoch == 1 and s.network is not net for s in taken)
    assert not same_weights(taken[0].network, net)


def test_scrubbing_shows_an_earlier_network_for_display_only_and_save_keeps_the_real_one(
        make_window, qtbot, tmp_path):
    window = make_window()
    bring_to_front(window, "inspector")  # a panel out of view gets networks only when shown
    train_once(window, qtbot, epochs=2)
    panel, state = window.time_machine_panel, window.state
    film = panel.film.snapshots
    assert [s.epoch for s in film] == [0] + [1] * (len(film) - 3) + [1, 2]  # start, inside epoch 1, epochs
    assert len(film) >= 5  # 12 batches an epoch: copies after batches 1, 2, 3 and 6
    real = state.network
    assert same_weights(film[-1].network, real)
    panel.choose(0)
    shown = film[0].network
    assert state.network is real and state.snapshot is shown
    assert window.inspector_panel.scene.net is shown and window.backprop_panel is not None
    assert not same_weights(shown, real)
    # the confusion matrix judged the moment shown
    then = evaluate_test_set(shown, state.dataset).confusion
    assert np.array_equal(window.confusion_panel.model.counts, then)
    path = tmp_path / "saved.nn"
    window.files._save_to(path)
    assert same_weights(load_network(path), real) and not same_weights(load_network(path), shown)
    panel.return_to_now()
    assert state.snapshot is None and window.inspector_panel.scene.net is real
    now = evaluate_test_set(real, state.dataset).confusion
    assert not np.array_equal(now, then) and np.array_equal(window.confusion_panel.model.counts, now)


def test_a_step_is_not_applied_to_a_moment_shown_and_another_network_ends_the_film(make_window, qtbot):
    window = make_window()
    train_once(window, qtbot)
    window.time_machine_panel.choose(0)
    real = window.state.network
    window.backprop_panel.sig_network_changed.emit(small_net())
    assert window.state.network is real and "earlier moment" in window.log_panel.text()
    window.state.set_network(small_net())  # opened, made or restored: the film was another network's
    assert window.state.snapshot is None and len(window.time_machine_panel.film) == 0
    assert window.time_machine_panel.at_now


def test_the_replay_exports_as_an_animated_gif_and_png_frames(tmp_path):
    film = [Snapshot(0, None, 0, small_net(hidden=4)), Snapshot(1, 3, 12, small_net(hidden=4)),
            Snapshot(1, None, 12, small_net(hidden=4))]
    write_gif(film, tmp_path / "replay.gif")
    with Image.open(tmp_path / "replay.gif") as gif:
        assert gif.n_frames == 3 and gif.info["loop"] == 0
    written = write_png_frames(film, tmp_path / "replay.png")
    assert [p.name for p in written] == ["replay.png", "replay-001.png", "replay-002.png"]
    first, second = (np.asarray(Image.open(p)) for p in written[:2])
    assert first.shape == second.shape and not np.array_equal(first, second)


def test_the_replay_refuses_a_network_without_28x28_inputs_in_one_line(tmp_path):
    from mnistbench.engine.network import Network

    with pytest.raises(ValueError, match="64 inputs"):
        write_gif([Snapshot(0, None, 0, Network([64, 8, 10]))], tmp_path / "x.gif")


def test_export_replay_from_the_panel_writes_the_gif_chosen(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    panel = TimeMachinePanel()
    qtbot.addWidget(panel)
    panel.start_run(small_net(hidden=4))
    panel.add_epoch(epoch_report(1, small_net(hidden=4)))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (str(tmp_path / "run"), "Animated GIF (*.gif)"))
    assert panel.export_dialog() == tmp_path / "run.gif"
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == 2


def test_an_evaluation_arriving_while_a_moment_is_shown_keeps_the_moments_matrix(make_window, qtbot):
    window = make_window()
    train_once(window, qtbot)
    window.time_machine_panel.choose(0)
    then = np.array(window.confusion_panel.model.counts)
    with qtbot.waitSignal(window.controller.sig_running_changed, timeout=30000,
                          check_params_cb=lambda running: not running):
        window.training.evaluate()  # judges the network itself
    assert np.array_equal(window.confusion_panel.model.counts, then)
    window.time_machine_panel.return_to_now()
    assert np.array_equal(window.confusion_panel.model.counts,
                          evaluate_test_set(window.state.network, window.state.dataset).confusion)


def test_a_moment_thinned_out_while_shown_gives_way_to_the_nearest_kept(qtbot):
    net = small_net()
    panel = TimeMachinePanel(budget_bytes=4 * network_bytes(net))
    qtbot.addWidget(panel)
    panel.start_run(net)
    for epoch in range(1, 4):
        panel.add_epoch(epoch_report(epoch, small_net()))
    panel.choose(1)  # end of epoch 1
    assert panel.shown.epoch == 1
    with qtbot.waitSignal(panel.sig_snapshot_chosen) as chosen:
        panel.add_epoch(epoch_report(4, small_net()))  # over budget: every other copy goes, epoch 1's too
    assert panel.shown in panel.film.snapshots and chosen.args == [panel.shown.network]
    assert panel.shown.epoch in (0, 2) and panel.slider.value() == panel.film.snapshots.index(panel.shown)


def test_the_replays_weight_maps_use_the_palette_in_use():
    """(They were green/red whatever View → Colours said.)"""
    from mnistbench.gui.panels.time_machine.replay_export import weight_maps_rgb
    from mnistbench.gui.widgets import palette

    weights = np.zeros((1, 784), dtype=np.float32)
    weights[0, 0], weights[0, 1] = 1.0, -1.0
    try:
        colours = palette.use("colour_blind_safe")
        maps = weight_maps_rgb(weights)
        assert tuple(maps[0, 0, 0]) == colours.positive and tuple(maps[0, 0, 1]) == colours.negative
    finally:
        palette.use("standard")
