"""The time machine: a slider over the copies a run kept, from "before training" to "now".

The panel holds the run's film (a ``workflows.snapshots.SnapshotStore``) and
says which moment to show (``sig_snapshot_chosen``); the window shows that copy
in the other panels *for display only* (``WorkbenchState.show_snapshot``) and
the document's network is never replaced. The choice is sent once the slider
rests for a moment, so dragging does not recompute every panel at every step.
"""

import logging
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QVBoxLayout, QWidget

from mnistbench.gui.panels.time_machine.replay_export import replay_formats
from mnistbench.gui.widgets.export_dialog import ExportSource, export_file
from mnistbench.workflows.snapshots import Snapshot, SnapshotStore

logger = logging.getLogger(__name__)
SETTLE_MS = 150  # the slider must rest this long before the panels recompute


class TimeMachinePanel(QWidget):
    """``start_run(net)``, ``add_snapshot(Snapshot)``, ``add_epoch(EpochReport)``, ``clear()``, ``show_now()``."""

    sig_snapshot_chosen = Signal(object)  # the chosen moment's Network (a copy), or None for "now"

    def __init__(self, budget_bytes=None, parent=None):
        super().__init__(parent)
        self.film = SnapshotStore() if budget_bytes is None else SnapshotStore(budget_bytes)
        self.shown = None  # the Snapshot chosen, None at "now"
        self.export_source = ExportSource()
        self.slider = QSlider(Qt.Horizontal, minimum=0, maximum=0, pageStep=1, tickPosition=QSlider.TicksBelow)
        self.slider.setFocusPolicy(Qt.StrongFocus)
        self.moment = QLabel(wordWrap=True)
        self.moment.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # never sets the dock's width
        self.now_button = QPushButton("Now", toolTip="Show the network as it is (the one Save writes)")
        self.export_button = QPushButton("Export replay…",
                                         toolTip="The weight maps and imagined digits at every kept moment, "
                                                 "as an animated GIF or PNG frames")
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._build_layout()
        self.slider.valueChanged.connect(self._slider_moved)
        self._settle.timeout.connect(self._send_choice)
        self.now_button.clicked.connect(self.return_to_now)
        self.export_button.clicked.connect(self.export_dialog)
        self._show_moment()

    def _build_layout(self):
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.now_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.export_button, 0, Qt.AlignLeft)
        layout.addWidget(self.moment)  # last: its one or two lines never move the buttons
        layout.addStretch(1)

    # --- the film -----------------------------------------------------------------
    def start_run(self, net) -> None:
        """A run starts from ``net`` (a copy nobody trains): a new film."""
        self.clear()
        self.add_snapshot(Snapshot(0, None, 0, net))

    @Slot(object)
    def add_snapshot(self, snapshot) -> None:
        at_now = self.at_now
        self.film.add(snapshot)
        self._refit_slider(at_now)

    @Slot(object)
    def add_epoch(self, report) -> None:
        """An epoch's report: its network is already a copy."""
        self.add_snapshot(Snapshot(report.epoch, None, 0, report.network))

    @Slot()
    def clear(self) -> None:
        """No run to replay (another network was opened or made)."""
        self.film.clear()
        self.shown = None
        self._settle.stop()
        self._refit_slider(True)

    def _refit_slider(self, at_now):
        """The slider spans the film plus "now"; it stays on the moment shown, or follows "now".

        When the budget thinned out the moment shown, the nearest kept one is shown instead.
        """
        self.slider.blockSignals(True)
        self.slider.setMaximum(len(self.film))
        snapshots = self.film.snapshots
        thinned_out = not at_now and self.shown is not None and self.shown not in snapshots
        if at_now or self.shown is None:
            self.slider.setValue(len(self.film))
        elif thinned_out:
            self.slider.setValue(min(range(len(snapshots)),
                                     key=lambda i: abs(snapshots[i].position - self.shown.position)))
        else:
            self.slider.setValue(snapshots.index(self.shown))
        self.slider.blockSignals(False)
        self._show_moment()
        if thinned_out:
            self._send_choice()

    # --- choosing a moment ---------------------------------------------------------
    @property
    def at_now(self) -> bool:
        return self.slider.value() >= len(self.film)

    def moment_at(self, value):
        """The Snapshot at slider position ``value``, None at "now"."""
        return None if value >= len(self.film) else self.film[value]

    def choose(self, value) -> None:
        """Move to slider position ``value`` and show it at once (tests, keyboard)."""
        self.slider.setValue(value)
        self._send_choice()

    @Slot()
    def return_to_now(self) -> None:
        self.choose(len(self.film))

    @Slot(object)
    def show_state_snapshot(self, net) -> None:
        """The window went back to "now" itself (another network came): the slider follows, silently."""
        if net is None and self.shown is not None:
            self.shown = None
            self._settle.stop()
            self._refit_slider(True)

    def _slider_moved(self, value):
        self._show_moment()
        self._settle.start()

    def _send_choice(self):
        self._settle.stop()
        chosen = self.moment_at(self.slider.value())
        if chosen is self.shown:
            return
        self.shown = chosen
        self.sig_snapshot_chosen.emit(None if chosen is None else chosen.network)

    def _show_moment(self):
        count = len(self.film)
        self.now_button.setEnabled(count > 0 and not self.at_now)
        self.export_button.setEnabled(count > 0)
        if count == 0:
            self.moment.setText("Train a network to replay how it learned.")
            return
        chosen = self.moment_at(self.slider.value())
        kept = f"{count} moments kept"
        self.moment.setText(f"<b>Now</b>: the network as it is — {kept}" if chosen is None else
                            f"<b>{chosen.label()}</b> (shown only: Save keeps the network as it is) — {kept}")

    # --- export --------------------------------------------------------------------
    def set_export_source(self, source) -> None:
        self.export_source = source

    @Slot()
    def export_dialog(self):
        if not len(self.film):
            logger.warning("no run to export: train a network first")
            return None
        formats = [replace(f, write=busy_while(f.write)) for f in replay_formats(self.film.snapshots)]
        return export_file(self, "replay", formats, self.export_source)


def busy_while(write):
    """``write`` under a busy cursor: each frame imagines every digit, seconds in all for a long film."""
    def run(path):
        QGuiApplication.setOverrideCursor(Qt.BusyCursor)
        try:
            return write(path)
        finally:
            QGuiApplication.restoreOverrideCursor()
    return run


def _preview():
    """A tiny run recorded into the panel; the slider replays it in the label."""
    import numpy as np

    from mnistbench.engine.config import TrainingConfig
    from mnistbench.engine.training import TrainingCallbacks, train
    from mnistbench.gui.widgets.digit_views import preview_network
    from mnistbench.gui.widgets.preview import preview_app, run_preview
    from mnistbench.workflows.snapshots import InEpochSnapshots

    preview_app()
    panel = TimeMachinePanel()
    net = preview_network().copy()
    panel.start_run(net.copy())
    rng = np.random.default_rng(0)
    X, y = rng.random((400, net.layer_sizes[0]), dtype=np.float32), rng.integers(0, 10, 400)
    train(net, X, y, TrainingConfig(epochs=3, batch_size=10),
          callbacks=TrainingCallbacks(on_batch=InEpochSnapshots(net, 3, panel.add_snapshot),
                                      on_epoch=panel.add_epoch))
    panel.choose(1)
    return run_preview(panel)


if __name__ == "__main__":
    raise SystemExit(_preview())
