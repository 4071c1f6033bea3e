"""The digit pad: write a digit (or a number), watch the network read it, see the 28x28 image it gets.

The drawing, or an opened photo, goes through the same pipeline as `predict`
(page brightness, threshold, lines, the digit's component, then MNIST's crop,
20x20 and centre of mass), and every step is shown beside the canvas, so a
user sees why a picture is read as it is. On a photo the user can drag a crop
rectangle and move the threshold when the automatic choice is wrong. Several
digits side by side are read as a number, each with its box and reading.
"""

import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QMenu, QPushButton,
                               QSizePolicy, QSlider, QSpinBox, QToolButton, QVBoxLayout, QWidget)

from mnistbench.errors import ImageError
from mnistbench.gui.panels.digit_pad.drawing_canvas import DrawingCanvas
from mnistbench.gui.panels.digit_pad.pad_reading import automatic_threshold, describe, digit_boxes, read_pad
from mnistbench.gui.panels.digit_pad.photo_view import PhotoView
from mnistbench.gui.panels.digit_pad.steps_strip import StepsStrip
from mnistbench.gui.panels.network_fit import fit_problem
from mnistbench.gui.widgets.digit_views import DigitView, ProbabilityBars, preview_network
from mnistbench.gui.widgets.preview import preview_app, run_preview
from mnistbench.images import load_image
from mnistbench.number_reading import format_number
from mnistbench.photo_pipeline import working_gray
from mnistbench.preprocess import to_network_input

UPDATE_MS = 33  # live prediction at most ~30 times a second while drawing
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")  # dropped files the pad opens itself
IMAGE_FILTER = f"Images ({' '.join('*' + s for s in IMAGE_SUFFIXES)});;All files (*)"
logger = logging.getLogger(__name__)


def _button(panel, text, tooltip, slot, shortcut=None, checkable=False):
    """A push button whose shortcut works anywhere inside `panel` (and only there)."""
    button = QPushButton(text)
    button.setToolTip(tooltip + (f" ({QKeySequence(shortcut).toString()})" if shortcut else ""))
    button.setCheckable(checkable)
    (button.toggled if checkable else button.clicked).connect(slot)
    if shortcut:
        action = QAction(panel, shortcut=QKeySequence(shortcut), shortcutContext=Qt.WidgetWithChildrenShortcut)
        action.triggered.connect(button.toggle if checkable else button.click)
        panel.addAction(action)
    return button


class DigitPadPanel(QWidget):
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
        layout = QGridLayout(self)  # pad and reading side by side, the network's view and the steps below:
        layout.addLayout(self._build_drawing_side(), 0, 0)  # narrow enough for a third of a 1280-px window
        layout.addLayout(self._build_reading_side(), 0, 1)
        layout.addLayout(self._build_steps_side(), 1, 0, 1, 2)
        layout.setColumnStretch(1, 1)
        layout.setRowStretch(2, 1)
        self.refresh()

    # --- layout -------------------------------------------------------------
    def _build_drawing_side(self):
        self.brush = QSpinBox(minimum=4, maximum=60, value=int(self.canvas.brush_size), suffix=" px")
        self.brush.setToolTip("Brush diameter on the 280-pixel canvas (10 canvas pixels = 1 MNIST pixel)")
        self.brush.valueChanged.connect(self._set_brush_size)
        self.eraser = _button(self, "Eraser", "Paint black to rub out ink", self._set_eraser, "E", checkable=True)
        self.undo_button = _button(self, "Undo", "Remove the last stroke", self.undo, QKeySequence.Undo)
        self.clear_button = _button(self, "Clear", "Start over with an empty pad", self.clear, Qt.Key_Delete)
        self.open_button = _button(self, "Open image…", "Read a PNG or JPEG of a written digit "
                                   "(or drop one on the pad)", self._choose_image)
        self.keep_button = QToolButton(text="Keep as…", popupMode=QToolButton.InstantPopup)
        self.keep_button.setToolTip("Label this drawing and add it to your own digits")
        menu = QMenu(self.keep_button)
        for digit in range(10):
            menu.addAction(str(digit), lambda d=digit: self.keep_as(d))
        self.keep_button.setMenu(menu)
        tools = QGridLayout()
        brush = QHBoxLayout()
        brush.addWidget(QLabel("Brush"))
        brush.addWidget(self.brush, stretch=1)
        tools.addLayout(brush, 0, 0)
        for cell, widget in (((0, 1), self.eraser), ((0, 2), self.undo_button), ((1, 0), self.clear_button),
                             ((1, 1), self.open_button), ((1, 2), self.keep_button)):
            tools.addWidget(widget, *cell)
        self.keep_button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.status = QLabel(wordWrap=True)
        self.status.setToolTip("What happened last (errors appear here)")
        side = QVBoxLayout()
        side.addWidget(self.canvas)
        side.addLayout(tools)
        side.addWidget(self.status)
        self.photo_view = PhotoView()  # as wide as the pad, under it; shown only while a picture is open
        self.photo_view.sig_crop_changed.connect(self._crop_changed)
        self.photo_view.hide()
        side.addWidget(self.photo_view)
        side.addStretch()
        return side

    def _build_reading_side(self):
        self.answer = QLabel(wordWrap=True)
        self.answer.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.answer.setToolTip("The digit (or number) the network reads, and how sure it is")
        self.bars = ProbabilityBars()
        self.network_view = DigitView(112, "The 28x28 image the network actually receives")
        side = QVBoxLayout()
        side.addWidget(self.answer)
        side.addWidget(self.bars)
        side.addWidget(QLabel("What the network receives (28×28):", wordWrap=True))
        side.addWidget(self.network_view, alignment=Qt.AlignLeft)
        side.addStretch()  # an opened picture under the pad makes this column taller: the bars stay as they are
        return side

    def _build_steps_side(self):
        self.auto_threshold = QCheckBox("Automatic threshold", checked=True)
        self.auto_threshold.setToolTip("Otsu's threshold, kept above the paper's noise; untick to set your own")
        self.auto_threshold.toggled.connect(self._threshold_changed)
        self.threshold_slider = QSlider(Qt.Horizontal, minimum=1, maximum=99, value=50)
        self.threshold_slider.setFocusPolicy(Qt.StrongFocus)  # no wheel changes while scrolling past
        self.threshold_slider.setToolTip("How dark (percent of the page's contrast) a pixel must be to count as ink")
        self.threshold_slider.valueChanged.connect(self._threshold_moved)
        threshold = QHBoxLayout()
        threshold.addWidget(self.auto_threshold)
        threshold.addWidget(self.threshold_slider, stretch=1)
        self.steps_strip = StepsStrip()
        self.step_note = QLabel(wordWrap=True)
        side = QVBoxLayout()
        side.addWidget(self.steps_strip)
        side.addLayout(threshold)
        side.addWidget(self.step_note)
        return side

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

    def _threshold(self):
        """None (automatic) or the slider's value as a fraction."""
        return None if self.auto_threshold.isChecked() else self.threshold_slider.value() / 100

    def _show_steps(self, reading):
        number = None if reading is None else reading.number
        steps = None if reading is None else reading.steps
        if number is not None:
            self.steps_strip.set_page(number.page)
        else:
            self.steps_strip.set_steps(steps)
        self.network_view.set_image(None if steps is None else steps.centred_28)
        on_photo = self._photo is not None and self.canvas.stroke_count() == 0
        self.photo_view.set_boxes(digit_boxes(reading) if on_photo else [])
        self.canvas.set_boxes([] if on_photo else digit_boxes(reading))
        automatic = automatic_threshold(reading)
        if self.auto_threshold.isChecked() and automatic is not None:
            self.threshold_slider.blockSignals(True)
            self.threshold_slider.setValue(round(100 * automatic))
            self.threshold_slider.blockSignals(False)
        self.step_note.setText(describe(reading))

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
        probabilities = self._net.predict_proba(self._x[None])[0]
        self.bars.set_probabilities(probabilities)
        top = int(probabilities.argmax())
        self.answer.setText(f"Reads {top}  ({100 * probabilities[top]:.1f}%)")

    @Slot(bool)
    def _threshold_changed(self, automatic):
        self.refresh()

    @Slot(int)
    def _threshold_moved(self, value):
        if self.auto_threshold.isChecked():
            self.auto_threshold.blockSignals(True)
            self.auto_threshold.setChecked(False)
            self.auto_threshold.blockSignals(False)
        self.refresh()

    @Slot(object)
    def _crop_changed(self, crop):
        self.refresh()

    @Slot(int)
    def _set_brush_size(self, pixels):
        self.canvas.brush_size = float(pixels)

    @Slot(bool)
    def _set_eraser(self, on):
        self.canvas.eraser = on

    @Slot()
    def _choose_image(self):
        path, _ = QFileDialog.getOpenFileName(self, "Open an image of a digit", "", IMAGE_FILTER)
        if path:
            self.open_image(path)

    # --- drag and drop: an exception escaping here can kill the process ------
    def dragEnterEvent(self, event):
        try:
            if event.mimeData().hasUrls():
                event.acceptProposedAction()
        except Exception:  # noqa: BLE001 — a drag must never crash the workbench
            logger.exception("drag refused by the digit pad")

    def dropEvent(self, event):
        """Images open on the pad; other files (networks, dataset folders) go to the window."""
        try:
            paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
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
