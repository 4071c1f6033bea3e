"""What the workbench is working on, without Qt: the network and its file, the dataset, the input.

The window is a view of this state (napari's ``ViewerModel`` ↔ ``QtViewer``):
it changes the state, and panels subscribe to the change events. An event is
a tiny observer list rather than psygnal: thirty lines, no dependency for the
command line, and a subscriber's exception reaches the caller unchanged
(psygnal wraps it in ``EmitLoopError``). Nothing is ever swallowed here.
"""

from dataclasses import dataclass
from pathlib import Path

MAX_RECENT = 8


class Event:
    """Callbacks called in order with the event's arguments; an exception stops the emit and propagates."""

    def __init__(self, name: str):
        self.name = name
        self._callbacks = []

    def connect(self, callback):
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args) -> None:
        for callback in list(self._callbacks):
            callback(*args)


class StateEvents:
    """The state's change events and what each one passes."""

    def __init__(self):
        self.network = Event("network")  # (Network or None): the current network changed
        self.document = Event("document")  # (): its file, its modified flag or the recent list changed
        self.dataset = Event("dataset")  # (Dataset): a dataset was loaded
        self.input = Event("input")  # (InputImage): a new input image was chosen
        self.panel_in_view = Event("panel_in_view")  # (panel name, bool)
        self.snapshot = Event("snapshot")  # (Network or None): a moment of the run shown instead, None = now
        self.replaced = Event("replaced")  # (): another network was opened, made or restored (not trained)


@dataclass(frozen=True)
class InputImage:
    x: object  # float32 (784,) in [0, 1]
    true_label: object  # int, or None when unknown (a drawing)
    source: str  # the panel it came from: "image_browser", "digit_pad", "imagine", …


def describe_network(net) -> str:
    """One line: shape, activations, loss, parameters, and the held-out accuracy if known."""
    sizes = "-".join(map(str, net.layer_sizes))
    hidden = net.activations[0] if len(net.activations) > 1 else "none"
    text = (f"{sizes}, {hidden} hidden, {net.activations[-1]} output, {net.loss.replace('_', '-')}, "
            f"{net.parameter_count:,} parameters")
    accuracy = held_out_accuracy(net)
    if accuracy is not None:  # a figure says what it was measured on: another dataset's would mislead
        measured_on = net.metadata.get("training", {}).get("held_out_set")
        text += f", test accuracy {100 * accuracy:.2f} %" + (
            f" on the {measured_on}" if isinstance(measured_on, str) and measured_on else "")
    return text


def held_out_accuracy(net):
    value = net.metadata.get("training", {}).get("held_out_accuracy")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class WorkbenchState:
    """The current network (its file, unsaved or not), dataset, input image, panels in view, recent files."""

    def __init__(self):
        self.events = StateEvents()
        self.network = None
        self.path = None  # Path the network was loaded from or saved to
        self.modified = False  # trained (or restored) since it was last saved
        self.recent = []  # str paths, newest first
        self.dataset = None
        self.dataset_folder = None  # str: the folder the dataset came from
        self.input = None  # InputImage
        self.in_view = {}  # panel name -> bool (a tab behind another is not in view)
        self.snapshot = None  # a copy from the run shown for display only; Save and training use .network

    # --- the network and its file ------------------------------------------------
    def set_network(self, net, path=None, modified=False) -> None:
        """A network from a file (``path``), a fresh one, or a restored one (``modified``)."""
        if self.snapshot is not None:
            self.snapshot = None
            self.events.snapshot.emit(None)
        self.network, self.path, self.modified = net, (Path(path) if path else None), modified
        if path:
            self._add_recent(path)
        self.events.network.emit(net)
        self.events.document.emit()
        self.events.replaced.emit()

    def mark_trained(self, net) -> None:
        """Training produced ``net`` (unsaved); the file name stays for Save."""
        self.network, self.modified = net, True
        if self.snapshot is None:  # while a snapshot is shown, the panels keep showing it
            self.events.network.emit(net)
        self.events.document.emit()

    def show_snapshot(self, net) -> None:
        """Show ``net`` (a copy from the run) in the panels, for display only; None shows the network again.

        ``self.network`` stays the document's: Save, training and evaluation never see the snapshot.
        """
        self.snapshot = net
        self.events.network.emit(self.displayed_network)
        self.events.snapshot.emit(net)

    @property
    def displayed_network(self):
        """What the panels show: the snapshot being looked at, else the network."""
        return self.snapshot if self.snapshot is not None else self.network

    def mark_saved(self, path) -> None:
        self.path, self.modified = Path(path), False
        self._add_recent(path)
        self.events.document.emit()

    def set_recent(self, paths) -> None:
        self.recent = [str(p) for p in paths][:MAX_RECENT]
        self.events.document.emit()

    def _add_recent(self, path) -> None:
        path = str(Path(path).resolve())
        self.recent = [path] + [p for p in self.recent if p != path][:MAX_RECENT - 1]

    def title(self) -> str:
        name = self.path.name if self.path else ("untitled" if self.network is not None else "no network")
        return f"{name}{' *' if self.modified else ''}"

    # --- data and inputs ---------------------------------------------------------
    def set_dataset(self, dataset, folder) -> None:
        self.dataset, self.dataset_folder = dataset, str(folder)
        self.events.dataset.emit(dataset)

    def set_input(self, x, true_label, source: str) -> None:
        self.input = InputImage(x, true_label, source)
        self.events.input.emit(self.input)

    def set_panel_in_view(self, name: str, in_view: bool) -> None:
        """Only changes are told: Qt repeats visibility signals."""
        if self.in_view.get(name) != in_view:
            self.in_view[name] = in_view
            self.events.panel_in_view.emit(name, in_view)

    def is_in_view(self, name: str) -> bool:
        return self.in_view.get(name, True)
