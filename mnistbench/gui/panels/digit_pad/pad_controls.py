"""The digit pad's controls: the pad with its tools, the reading and the threshold beside it, the
steps and the network's 28x28 in one row below, and the slots of the tools (brush, eraser,
threshold, crop, opening a picture).

A mixin of DigitPadPanel, which calls the three ``_build_*`` once and has ``canvas``,
``undo``, ``clear``, ``keep_as``, ``open_image`` and ``refresh``.
"""

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QMenu, QPushButton,
                               QSizePolicy, QSlider, QSpinBox, QToolButton, QVBoxLayout)

from mnistbench.gui.panels.digit_pad.photo_view import PhotoView
from mnistbench.gui.panels.digit_pad.steps_strip import StepsStrip, small_caption
from mnistbench.gui.widgets.digit_views import DigitView, ProbabilityBars

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")  # dropped files the pad opens itself
IMAGE_FILTER = f"Images ({' '.join('*' + s for s in IMAGE_SUFFIXES)});;All files (*)"
NETWORK_VIEW_SIDE = 44  # px: at the end of the steps, a little larger than they are


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


class WrappingLabel(QLabel):
    """A label that wraps but answers no height-for-width: one such label makes the dock's scroll area
    size the whole pad by its preferred height (a 280-px canvas, tall bars) and scroll where the minimum
    fits. It asks instead for the height its text needs at its present width, and no more.
    (QLabel sets the size policy's flag again on every setText, so it is answered here.)"""

    def __init__(self):
        super().__init__(wordWrap=True)

    def hasHeightForWidth(self):
        return False

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        return QSize(hint.width(), max(hint.height(), self.heightForWidth(max(self.width(), hint.width()))))

    def sizeHint(self):  # no more than it needs: the room left goes to the canvas
        return self.minimumSizeHint()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # wrapped to another number of lines


class PadControlsMixin:
    """The widgets around the pad and what its tools do."""

    def _build_drawing_side(self):
        self.brush = QSpinBox(minimum=4, maximum=60, value=int(self.canvas.brush_size), suffix=" px")
        self.brush.setToolTip("Brush diameter in the pad's 280-pixel image, however large the pad is shown "
                              "(10 of its pixels = 1 MNIST pixel)")
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
        self.status = WrappingLabel()
        self.status.setToolTip("What happened last (errors appear here)")
        side = QVBoxLayout()
        side.addWidget(self.canvas, stretch=1)  # the largest square the dock leaves
        side.addLayout(tools)
        side.addWidget(self.status)
        self.photo_view = PhotoView()  # as wide as the pad, under it; shown only while a picture is open
        self.photo_view.sig_crop_changed.connect(self._crop_changed)
        self.photo_view.hide()
        side.addWidget(self.photo_view)
        return side

    def _build_reading_side(self):
        self.answer = WrappingLabel()
        self.answer.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.answer.setToolTip("The digit (or number) the network reads, and how sure it is")
        self.bars = ProbabilityBars()
        side = QVBoxLayout()
        side.addWidget(self.answer)
        side.addWidget(self.bars)
        side.addLayout(self._build_threshold())
        side.addStretch()  # an opened picture under the pad makes this column taller: the bars stay as they are
        return side

    def _build_threshold(self):
        self.auto_threshold = QCheckBox("Auto threshold", checked=True)
        self.auto_threshold.setToolTip("Otsu's threshold, kept above the paper's noise; untick to set your own")
        self.auto_threshold.toggled.connect(self._threshold_changed)
        self.threshold_slider = QSlider(Qt.Horizontal, minimum=1, maximum=99, value=50)
        self.threshold_slider.setFocusPolicy(Qt.StrongFocus)  # no wheel changes while scrolling past
        self.threshold_slider.setToolTip("How dark (percent of the page's contrast) a pixel must be to count as ink")
        self.threshold_slider.valueChanged.connect(self._threshold_moved)
        threshold = QVBoxLayout()  # one under the other: the column beside the pad is narrow
        threshold.addWidget(self.auto_threshold)
        threshold.addWidget(self.threshold_slider)
        return threshold

    def _build_steps_side(self):
        """The steps in a row, ending with what the network receives, and a note under them."""
        self.steps_strip = StepsStrip()
        self.network_view = DigitView(NETWORK_VIEW_SIDE, "The 28x28 image the network actually receives")
        received = QVBoxLayout()
        received.setSpacing(1)
        received.addWidget(self.network_view, alignment=Qt.AlignHCenter)
        received.addWidget(small_caption("network gets"))
        row = QHBoxLayout()
        row.addWidget(self.steps_strip)
        row.addStretch()
        row.addLayout(received)
        self.step_note = WrappingLabel()
        side = QVBoxLayout()
        side.addLayout(row)
        side.addWidget(self.step_note)
        return side

    def _threshold(self):
        """None (automatic) or the slider's value as a fraction."""
        return None if self.auto_threshold.isChecked() else self.threshold_slider.value() / 100

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
