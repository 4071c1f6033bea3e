"""The digit pad: write a digit (or a number), watch the network read it, see the 28x28 image it gets.

The drawing, or an opened photo, goes through the same pipeline as `predict`
(page brightness, threshold, lines, the digit's component, then MNIST's crop,
20x20 and centre of mass), and every step is shown beside the canvas, so a
user sees why a picture is read as it is. On a photo the user can drag a crop
rectangle and move the threshold when the automatic choice is wrong. Several
digits side by side are read as a number, each with its box and reading.
The widgets and the tools' slots are in pad_controls; this module reads and shows.
"""

import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QGridLayout, QWidget

from mnistbench.errors import ImageError
from mnistbench.gui.panels.digit_pad.drawing_canvas import DrawingCanvas
from mnistbench.gui.panels.digit_pad.pad_controls import IMAGE_SUFFIXES, PadControlsMixin
from mnistbench.gui.panels.digit_pad.pad_reading import automatic_threshold, describe, digit_boxes, read_pad
from mnistbench.gui.panels.network_fit import fit_problem
from mnistbench.gui.widgets.digit_views import preview_network
from mnistbench.gui.widgets.file_drops import accept_file_drag, local_paths
from mnistbench.gui.widgets.preview import preview_app, run_preview
from mnistbench.images import load_image
from mnistbench.number_reading import format_number
from mnistbench.photo_pipeline import working_gray
from mnistbench.preprocess import to_network_input
from mnistbench.workflows.evaluation import as_network_reads

UPDATE_MS = 33  # live prediction at most ~30 times a second while drawing
logger = logging.getLogger(__name__)


class DigitPadPanel(PadControlsMixin, QWidget):
    """Draw a digit with mouse or pen; live prediction and the network's view of the drawing."""

    sig_input_chosen = Signal(object, object)  # x float32 (784,), true label (always None here)
    sig_digit_kept = Signal(object, object)  # x float32 (784,), int label the user chose
    sig_files_dropped = Signal(list)  # local paths dropped here that are not images (networks, folders)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._net = None
        self._x = None  # float32 (784,): what the network gets, None while the pad is empty
        self._photo = None  # the opened image's array, read until the user draws on the pad
        self.canvas = DrawingCanvas()
        self.canvas.setToolTip("Write a digit here with the mouse or a pen")
        self.canvas.setFocusPolicy(Qt.StrongFocus)  # a click gives the pad the keys: Ctrl+Z, Delete
        self._timer = QTimer(self, singleShot=True, interval=UPDATE_MS, timeout=self.refresh)
        self.canvas.sig_drawing_changed.connect(self._schedule_refresh)
        self.canvas.sig_stroke_finished.connect(self.refresh)
        self.setAcceptDrops(True)
        layout = QGridLayout(self)  # pad and reading side by side, the steps in one row below: short and
        layout.addLayout(self._build_drawing_side(), 0, 0)  # narrow enough for its default dock at 1280x800
        layout.addLayout(self._build_reading_side(), 0, 1)
        layout.addLayout(self._build_steps_side(), 1, 0, 1, 2)
        layout.setColumnStretch(0, 3)  # the pad grows most
        layout.setColumnStretch(1, 2)
        layout.setRowStretch(0, 1)
        self.refresh()

    # --- inputs -------------------------------------------------------------
    @Slot(object)
    def set_network(self, net):
        """Use `net` for predictions from now on (a copy while training runs)."""
        self._net = net
        self.refresh()

    def network_input(self):
        """float32 (784,) the network gets for the drawing, or None when the pad is empty."""
        return None if self._x is None else self._x.copy()

    def probabilities(self):
        return self.bars.probabilities()

    @Slot()
    def undo(self):
        self.canvas.undo()
        self.refresh()

    @Slot()
    def clear(self):
        self._photo = None
        self.photo_view.set_image(None, None)
        self.photo_view.hide()
        self.canvas.clear()
        self.status.clear()
        self.refresh()

    def keep_as(self, label):
        """Hand the current drawing, labelled `label`, to the own-digits set."""
        if self._x is None:
            self.status.setText("Draw a digit first, then keep it.")
            return
        self.sig_digit_kept.emit(self._x.copy(), int(label))
        self.status.setText(f"Kept as {label}.")

    def open_image(self, path):
        """Read an image file (a photo, a scan, a drawing) on the pad; errors become one line in the panel."""
        try:
            image = load_image(path)
            gray, _ = working_gray(image)
        except ImageError as error:
            self.status.setText(str(error) if str(path) in str(error) else f"{Path(path).name}: {error}")
            return False
        self._photo = image
        self.canvas.clear()
        self.photo_view.set_image((gray * 255).round().astype(np.uint8), image.shape)
        self.photo_view.show()
        self.status.setText(f"Opened {Path(path).name}.")
        self.refresh()
        return True

    # --- reading the drawing ------------------------------------------------
    @Slot()
    def _schedule_refresh(self):
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def refresh(self):
        """Read the drawing (or the opened photo), run the network, update every view."""
        self._timer.stop()
        photo = self._photo is not None and self.canvas.stroke_count() == 0
        reading = None
        if photo or not self.canvas.is_empty():
            source = self._photo if photo else self.canvas.pixels()
            crop = self.photo_view.crop() if photo else None
            readable = None if fit_problem(self._net) else self._net  # an odd shape reads no numbers
            reading = read_pad(source, readable, self._threshold(), crop)
        steps = None if reading is None else reading.steps
        self._show_steps(reading)
        previous, self._x = self._x, None if steps is None else to_network_input(steps.centred_28)
        self._show_prediction(reading)
        if self._x is not None and (previous is None or not np.array_equal(previous, self._x)):
            self.sig_input_chosen.emit(self._x.copy(), None)

    def _show_steps(self, reading):
        number = None if reading is None else reading.number
        steps = None if reading is None else reading.steps
        if number is not None:
            self.steps_strip.set_page(number.page)
        else:
            self.steps_strip.set_steps(steps)
        self.network_view.set_image(None if steps is None else self._as_read(steps.centred_28))
        on_photo = self._photo is not None and self.canvas.stroke_count() == 0
        self.photo_view.set_boxes(digit_boxes(reading) if on_photo else [])
        self.canvas.set_boxes([] if on_photo else digit_boxes(reading))
        automatic = automatic_threshold(reading)
        if self.auto_threshold.isChecked() and automatic is not None:
            self.threshold_slider.blockSignals(True)
            self.threshold_slider.setValue(round(100 * automatic))
            self.threshold_slider.blockSignals(False)
        self.step_note.setText(describe(reading))

    def _as_read(self, centred_28):
        """The 28x28 image as the network reads it: black and white for a network trained so."""
        if self._net is None or fit_problem(self._net):
            return centred_28
        return as_network_reads(self._net, to_network_input(centred_28)[None])[0]

    def _show_prediction(self, reading):
        problem = fit_problem(self._net)
        if problem:
            self.bars.set_probabilities(None)
            self.answer.setText(problem)
            return
        if self._net is None or reading is None or (self._x is None and reading.number is None):
            self.bars.set_probabilities(None)
            self.answer.setText("No network" if self._net is None else "Draw a digit")
            return
        if reading.number is not None:
            self.bars.set_probabilities(None)
            self.answer.setText(f"Reads {format_number(reading.number)}")
            return
        probabilities = self._net.predict_proba(as_network_reads(self._net, self._x[None]))[0]
        self.bars.set_probabilities(probabilities)
        top = int(probabilities.argmax())
        self.answer.setText(f"Reads {top}  ({100 * probabilities[top]:.1f}%)")

    # --- drag and drop: an exception escaping here can kill the process ------
    def dragEnterEvent(self, event):
        accept_file_drag(event)

    def dropEvent(self, event):
        """Images open on the pad; other files (networks, dataset folders) go to the window."""
        try:
            paths = local_paths(event)
            event.acceptProposedAction()
            if not paths:
                self.status.setText("Only files on this computer can be dropped here.")
                return
            images = [p for p in paths if Path(p).suffix.lower() in IMAGE_SUFFIXES]
            others = [p for p in paths if p not in images]
            if images:
                self.open_image(images[0])
            if others:
                self.sig_files_dropped.emit(others)
        except Exception:  # noqa: BLE001 — a drop must never crash the workbench
            logger.exception("drop refused by the digit pad")
            self.status.setText("Could not open the dropped file (see the log).")


def _preview():
    preview_app()
    panel = DigitPadPanel()
    panel.set_network(preview_network())
    run_preview(panel)


if __name__ == "__main__":
    _preview()
