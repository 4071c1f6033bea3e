"""The network the workbench is working on: which file it came from and whether it is saved.

The main window asks before it throws away unsaved training; this object
only knows the facts (``modified``) and keeps the recent-files list.
"""

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from mnistbench.engine.network import Network
from mnistbench.netfile import DEFAULT_EXTENSION, load_network, save_network

MAX_RECENT = 8


def describe_network(net) -> str:
    """One line: shape, activations, loss, parameters, and the held-out accuracy if known."""
    sizes = "-".join(map(str, net.layer_sizes))
    hidden = net.activations[0] if len(net.activations) > 1 else "none"
    text = (f"{sizes}, {hidden} hidden, {net.activations[-1]} output, {net.loss.replace('_', '-')}, "
            f"{net.parameter_count:,} parameters")
    accuracy = net.metadata.get("training", {}).get("held_out_accuracy")
    if isinstance(accuracy, (int, float)):
        text += f", test accuracy {100 * accuracy:.2f} %"
    return text


def held_out_accuracy(net):
    value = net.metadata.get("training", {}).get("held_out_accuracy")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class NetworkDocument(QObject):
    sig_changed = Signal(object)  # the new current Network
    sig_state_changed = Signal()  # path or modified flag changed (window title)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.net = None
        self.path = None  # Path of the file it was loaded from or saved to
        self.modified = False  # trained (or restored) since it was last saved
        self.recent = []  # str paths, newest first

    def set_network(self, net, path=None, modified=False):
        self.net, self.path, self.modified = net, (Path(path) if path else None), modified
        self.sig_changed.emit(net)
        self.sig_state_changed.emit()

    def initialise(self, architecture: dict):
        """A fresh network from a NetworkForm architecture (raises ConfigError)."""
        architecture = dict(architecture)
        net = Network(architecture.pop("layer_sizes"), **architecture)
        self.set_network(net)
        return net

    def load(self, path):
        """Load a network file (raises NetworkFileError with a one-line message)."""
        net = load_network(path)
        self.set_network(net, path)
        self.add_recent(path)
        return net

    def save(self, path=None):
        path = Path(path or self.path)
        if path.suffix == "":
            path = path.with_suffix(DEFAULT_EXTENSION)
        save_network(self.net, path)
        self.path, self.modified = path, False
        self.add_recent(path)
        self.sig_state_changed.emit()
        return path

    def mark_trained(self, net):
        """Training produced ``net`` (unsaved); the file name stays for Save."""
        self.net, self.modified = net, True
        self.sig_changed.emit(net)
        self.sig_state_changed.emit()

    def add_recent(self, path):
        path = str(Path(path).resolve())
        self.recent = [path] + [p for p in self.recent if p != path][:MAX_RECENT - 1]

    def title(self) -> str:
        name = self.path.name if self.path else ("untitled" if self.net is not None else "no network")
        return f"{name}{' *' if self.modified else ''}"
