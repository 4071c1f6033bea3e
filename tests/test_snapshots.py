"""The time-machine's copies: the memory budget's even thinning, the in-epoch points, results unchanged."""

import numpy as np
import pytest

from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.network import Network
from mnistbench.engine.training import TrainingCallbacks, train
from mnistbench.workflows.snapshots import (SHORT_RUN_EPOCHS, InEpochSnapshots, Snapshot, SnapshotStore,
                                            in_epoch_batches, network_bytes)


def small_net(seed=1):
    return Network((64, 16, 10), activation="relu", output="softmax", loss="cross_entropy", init="he",
                   seed=seed)


def blobs(n, seed=0):
    rng = np.random.default_rng(seed)
    prototypes = np.random.default_rng(99).random((10, 64))
    y = rng.integers(0, 10, n)
    return np.clip(prototypes[y] + rng.normal(0, 0.35, (n, 64)), 0, 1).astype(np.float32), y


def epoch_snapshot(net, epoch):
    return Snapshot(epoch, None, 10, net)


def test_network_bytes_counts_weights_and_biases():
    net = small_net()
    assert network_bytes(net) == (64 * 16 + 16 + 16 * 10 + 10) * 4


def test_store_within_budget_keeps_everything():
    net = small_net()
    store = SnapshotStore(budget_bytes=network_bytes(net) * 50)
    for epoch in range(20):
        store.add(epoch_snapshot(net, epoch))
    assert store.sequences == list(range(20))
    assert [s.epoch for s in store.snapshots] == list(range(20))


@pytest.mark.parametrize("capacity, added", [(10, 100), (7, 31), (3, 8), (2, 50), (16, 17)])
def test_store_thins_evenly_within_budget_keeping_first_and_newest(capacity, added):
    net = small_net()
    store = SnapshotStore(budget_bytes=network_bytes(net) * capacity)
    for epoch in range(added):
        store.add(epoch_snapshot(net, epoch))
        assert store.nbytes <= store.budget_bytes
        sequences = store.sequences
        assert sequences[0] == 0 and sequences[-1] == epoch  # the start and the newest always stay
        gaps = np.diff(sequences[:-1])  # the kept-for-good copies are evenly spaced
        assert len(set(gaps.tolist())) <= 1
        assert len(sequences) >= min(epoch + 1, capacity // 2)  # thinned by halves, not emptied
    assert store.sequences == sorted(store.sequences)


def test_store_keeps_first_and_newest_even_when_one_copy_exceeds_the_budget():
    net = small_net()
    store = SnapshotStore(budget_bytes=network_bytes(net) // 2)
    for epoch in range(5):
        store.add(epoch_snapshot(net, epoch))
    assert store.sequences == [0, 4]


def test_store_clear_starts_a_new_film():
    net = small_net()
    store = SnapshotStore(budget_bytes=network_bytes(net) * 3)
    for epoch in range(9):
        store.add(epoch_snapshot(net, epoch))
    store.clear()
    store.add(epoch_snapshot(net, 0))
    store.add(epoch_snapshot(net, 1))
    assert store.sequences == [0, 1] and len(store) == 2


def test_in_epoch_batches_are_early_distinct_and_only_on_short_runs():
    assert in_epoch_batches(250, 3) == frozenset({8, 16, 31, 62, 125})
    assert in_epoch_batches(10, 1) == frozenset({1, 2, 5})
    assert in_epoch_batches(1, 1) == frozenset()  # the epoch's own copy is the only one
    assert in_epoch_batches(250, SHORT_RUN_EPOCHS + 1) == frozenset()


def test_snapshot_positions_and_labels():
    net = small_net()
    assert Snapshot(0, None, 0, net).position == 0.0
    assert Snapshot(1, 25, 100, net).position == 0.25
    assert Snapshot(3, None, 100, net).position == 3.0
    assert Snapshot(1, 25, 100, net).label() == "epoch 1, batch 25 of 100"
    assert Snapshot(0, None, 0, net).label() == "before training"


def test_hook_copies_at_the_chosen_batches_and_leaves_results_bit_identical():
    X, y = blobs(640)
    config = TrainingConfig(epochs=2, batch_size=10, learning_rate=0.05, optimizer="momentum", seed=3)
    plain, hooked = small_net(), small_net()
    train(plain, X, y, config)
    taken = []
    train(hooked, X, y, config, callbacks=TrainingCallbacks(on_batch=InEpochSnapshots(hooked, 2, taken.append)))
    for a, b in zip(plain.weights + plain.biases, hooked.weights + hooked.biases):
        assert np.array_equal(a, b)
    assert [s.batch for s in taken] == sorted(in_epoch_batches(64, 2)) == [2, 4, 8, 16, 32]
    assert all(s.epoch == 1 and s.batches_per_epoch == 64 for s in taken)
    # each is a copy of that moment: early copies differ from the end, and from each other
    assert not np.array_equal(taken[0].network.weights[0], hooked.weights[0])
    assert not np.array_equal(taken[0].network.weights[0], taken[-1].network.weights[0])
    assert taken[0].network.weights[0] is not hooked.weights[0]


def test_state_shows_a_snapshot_for_display_only_and_training_does_not_yank_it():
    from mnistbench.workflows.workbench_state import WorkbenchState

    state, shown, snapshots = WorkbenchState(), [], []
    state.events.network.connect(shown.append)
    state.events.snapshot.connect(snapshots.append)
    real, earlier, trained = small_net(1), small_net(2), small_net(3)
    state.set_network(real, "/tmp/a.nn")
    state.show_snapshot(earlier)
    assert state.network is real and state.displayed_network is earlier and shown[-1] is earlier
    assert not state.modified and snapshots == [earlier]
    state.mark_trained(trained)  # an epoch arrives while the user looks back: the panels keep the moment
    assert state.network is trained and state.modified and shown[-1] is earlier
    state.show_snapshot(None)
    assert shown[-1] is trained and state.displayed_network is trained and snapshots[-1] is None


def test_state_replacing_the_network_leaves_the_snapshot():
    from mnistbench.workflows.workbench_state import WorkbenchState

    state, replaced, snapshots = WorkbenchState(), [], []
    state.events.replaced.connect(lambda: replaced.append(True))
    state.events.snapshot.connect(snapshots.append)
    state.set_network(small_net(1))
    state.show_snapshot(small_net(2))
    other = small_net(3)
    state.set_network(other)
    assert state.snapshot is None and state.displayed_network is other
    assert snapshots[-1] is None and replaced == [True, True]
