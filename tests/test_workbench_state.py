"""The window's Qt-free state: what changes, what it tells its subscribers, and that it never needs Qt."""

import subprocess
import sys

import numpy as np
import pytest

from mnistbench.engine.network import Network
from mnistbench.workflows.workbench_state import Event, WorkbenchState, describe_network


def recorder(state):
    """Subscribes to every event; returns the list of (event, args) in the order they came."""
    seen = []
    events = state.events
    for event in (events.network, events.document, events.dataset, events.input, events.panel_in_view):
        event.connect(lambda *args, name=event.name: seen.append((name, args)))
    return seen


def test_a_network_from_a_file_then_trained_then_saved(tmp_path):
    state, net = WorkbenchState(), Network([784, 5, 10])
    seen = recorder(state)
    state.set_network(net, tmp_path / "a.nn")
    assert seen == [("network", (net,)), ("document", ())]
    assert state.title() == "a.nn" and state.recent == [str((tmp_path / "a.nn").resolve())]
    trained = net.copy()
    state.mark_trained(trained)
    assert state.network is trained and state.modified and state.title() == "a.nn *"
    state.mark_saved(tmp_path / "b.nn")
    assert not state.modified and state.title() == "b.nn"
    assert state.recent == [str((tmp_path / n).resolve()) for n in ("b.nn", "a.nn")]
    assert [name for name, _ in seen] == ["network", "document", "network", "document", "document"]


def test_recent_files_keep_the_newest_eight_once_each(tmp_path):
    state = WorkbenchState()
    for n in range(10):
        state.mark_saved(tmp_path / f"{n}.nn")
    state.mark_saved(tmp_path / "5.nn")
    assert len(state.recent) == 8 and state.recent[0].endswith("5.nn") and state.recent.count(state.recent[0]) == 1


def test_inputs_and_panels_in_view_are_told_once_per_change():
    state = WorkbenchState()
    seen = recorder(state)
    x = np.zeros(784, np.float32)
    state.set_input(x, 7, "image_browser")
    assert state.input.true_label == 7 and state.input.source == "image_browser"
    assert state.is_in_view("imagine")  # a panel counts as in view until told otherwise
    state.set_panel_in_view("imagine", False)
    state.set_panel_in_view("imagine", False)  # Qt repeats visibility signals
    assert not state.is_in_view("imagine")
    assert seen == [("input", (state.input,)), ("panel_in_view", ("imagine", False))]


def test_a_failing_subscriber_is_not_swallowed():
    event, after = Event("network"), []

    def broken(value):
        raise ValueError(f"bad {value}")

    event.connect(broken)
    event.connect(after.append)
    with pytest.raises(ValueError, match="bad 3"):
        event.emit(3)
    assert after == []  # the emit stopped where it failed
    event.disconnect(broken)
    event.emit(4)
    assert after == [4]


def test_describe_network_names_the_shape_and_the_held_out_accuracy():
    net = Network([784, 16, 10], activation="relu", loss="cross_entropy", init="he")
    net.metadata["training"] = {"held_out_accuracy": 0.9712}
    assert describe_network(net) == ("784-16-10, relu hidden, softmax output, cross-entropy, "
                                     "12,730 parameters, test accuracy 97.12 %")


def test_the_state_never_imports_qt():
    code = ("import sys, mnistbench.workflows.workbench_state; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'shiboken'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
