"""The digit pad: write a digit, watch the network read it, see the 28x28 image it gets.

The drawing goes through the same preprocessing as MNIST's digits (crop to
the ink, scale to 20x20, place by centre of mass in 28x28), and those steps
are shown beside the canvas, so a user sees why a drawing is read as it is.
"""

import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QGridLayout, QHBoxLayout, QLabel, QMenu, QPushButton,
                               QSpinBox, QToolButton, QVBoxLayout, QWidget)

from mnistbench.errors import ImageError
from mnistbench.gui.widgets.digit_views import DigitView, ProbabilityBars, preview_network
from mnistbench.gui.panels.digit_pad.drawing_canvas import DrawingCanvas
from mnistbench.gui.panels.network_fit import fit_problem
from mnistbench.gui.widgets.preview import preview_app, run_preview
from mnistbench.images import load_image
from mnistbench.preprocess import preprocess_digit, to_network_input

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
        self.canvas = DrawingCanvas()
        self.canvas.setToolTip("Write a digit here with the mouse or a pen")
        self.canvas.setFocusPolicy(Qt.StrongFocus)  # a click gives the pad the keys: Ctrl+Z, Delete
        self._timer = QTimer(self, singleShot=True, interval=UPDATE_MS, timeout=self.refresh)
        self.canvas.sig_drawing_changed.connect(self._schedule_refresh)
        self.canvas.sig_stroke_finished.connect(self.refresh)
        self.setAcceptDrops(True)
        layout = QHBoxLayout(self)
        layout.addLayout(self._build_drawing_side())
        layout.addLayout(self._build_result_side(), stretch=1)
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
        tools.addWidget(QLabel("Brush"), 0, 0)
        for column, widget in enumerate((self.brush, self.eraser, self.undo_button, self.clear_button), 1):
            tools.addWidget(widget, 0, column)
        tools.addWidget(self.open_button, 1, 0, 1, 3)
        tools.addWidget(self.keep_button, 1, 3, 1, 2)
        self.status = QLabel(wordWrap=True)
        self.status.setToolTip("What happened last (errors appear here)")
        side = QVBoxLayout()
        side.addWidget(self.canvas)
        side.addLayout(tools)
        side.addWidget(self.status)
        side.addStretch()
        return side

    def _build_result_side(self):
        self.answer = QLabel(wordWrap=True)
        self.answer.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.answer.setToolTip("The digit the network reads, and how sure it is")
        self.bars = ProbabilityBars()
        self.network_view = DigitView(112, "The 28x28 image the network actually receives")
        self.step_views = [DigitView(56, tip) for tip in (
            "1. Cropped to the ink", "2. Scaled so the longest side is 20 px",
            "3. Placed in 28x28 with its centre of mass in the middle")]
        self.step_note = QLabel(wordWrap=True)
        steps = QGridLayout()
        for column, (view, caption) in enumerate(zip(self.step_views, ("crop", "20×20", "centred"))):
            steps.addWidget(view, 0, column, Qt.AlignHCenter)
            steps.addWidget(QLabel(caption, alignment=Qt.AlignHCenter), 1, column)
        side = QVBoxLayout()
        side.addWidget(self.answer)
        side.addWidget(self.bars, stretch=1)
        side.addWidget(QLabel("What the network receives (28×28):"))
        side.addWidget(self.network_view, alignment=Qt.AlignHCenter)
        side.addLayout(steps)
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
        """Put an image file's digit on the pad; errors become one line in the panel."""
        try:
            steps = preprocess_digit(load_image(path), steps=True)
        except ImageError as error:
            self.status.setText(str(error) if str(path) in str(error) else f"{Path(path).name}: {error}")
            return False
        self.canvas.set_background(steps.cropped)
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
        """Preprocess the drawing, run the network, update every view."""
        self._timer.stop()
        steps = None
        if not self.canvas.is_empty():
            try:
                steps = preprocess_digit(self.canvas.pixels(), steps=True)
            except ImageError:
                steps = None
        self._show_steps(steps)
        previous, self._x = self._x, None if steps is None else to_network_input(steps.centred_28)
        self._show_prediction()
        if self._x is not None and (previous is None or not np.array_equal(previous, self._x)):
            self.sig_input_chosen.emit(self._x.copy(), None)

    def _show_steps(self, steps):
        images = (None, None, None, None) if steps is None else (
            steps.centred_28, steps.cropped, steps.scaled_20, steps.centred_28)
        for view, image in zip([self.network_view] + self.step_views, images):
            view.set_image(image)
        if steps is None:
            self.step_note.setText("Draw a digit: it is cropped, scaled to 20×20 and centred "
                                   "by its centre of mass, as MNIST's digits were.")
        else:
            dy, dx = steps.centre_of_mass_shift
            self.step_note.setText(f"Centre of mass moved the digit {dx:+d} px across, {dy:+d} px down "
                                   "from plain box centring.")

    def _show_prediction(self):
        problem = fit_problem(self._net)
        if problem:
            self.bars.set_probabilities(None)
            self.answer.setText(problem)
            return
        if self._x is None or self._net is None:
            self.bars.set_probabilities(None)
            self.answer.setText("No network" if self._net is None else "Draw a digit")
            return
        probabilities = self._net.predict_proba(self._x[None])[0]
        self.bars.set_probabilities(probabilities)
        top = int(probabilities.argmax())
        self.answer.setText(f"Reads {top}  ({100 * probabilities[top]:.1f}%)")

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
