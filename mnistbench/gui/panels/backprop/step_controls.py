"""The step-through panel's controls: what the pass is computed on, and the buttons that walk it."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QGraphicsView, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QWidget)

BATCH_SIZES = (1, 4, 8, 16)


class FocusedSpinBox(QDoubleSpinBox):
    """A spin box that ignores the wheel unless it has the focus (scrolling the panel must not change it)."""

    def wheelEvent(self, event):
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class FittingView(QGraphicsView):
    """Shows the whole scene whatever the dock's size, with room in screen pixels for its labels
    (drawn at a fixed size: ``TEXT_ROOM_PX`` right of and above the drawing)."""

    TEXT_ROOM_PX = (150, 30)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.fit()

    def fit(self):
        """The scale at which the drawing plus the labels' pixels fill the view, then that rectangle."""
        rect, view = self.scene().sceneRect(), self.viewport().rect()
        if rect.isEmpty() or view.isEmpty():
            return
        room_x, room_y = self.TEXT_ROOM_PX
        scale = max(1e-3, min((view.width() - room_x - 4) / rect.width(),
                              (view.height() - room_y - 4) / rect.height()))
        shown = rect.adjusted(0, -room_y / scale, room_x / scale, 0)
        self.setSceneRect(shown)  # the view centres (and scrolls within) this, labels' room included
        self.fitInView(shown, Qt.KeepAspectRatio)


class PassSettings(QWidget):
    """True label, batch size, the example shown and the learning rate."""

    sig_pass_changed = Signal()  # the label or the batch changed: the pass must be recomputed
    sig_view_changed = Signal()  # the example shown or the learning rate changed: only the text

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label_box = QComboBox(toolTip="The true label of the input: a drawing's is yours to pick")
        self.batch_box = QComboBox(toolTip="Examples in the mini-batch: the input, then test images")
        self.batch_box.addItems([str(size) for size in BATCH_SIZES])
        self.example_box = QSpinBox(minimum=1, maximum=1, toolTip="Which example of the batch the numbers show")
        self.rate_box = FocusedSpinBox(minimum=0.001, maximum=100.0, value=0.1, decimals=3, singleStep=0.05,
                                       focusPolicy=Qt.StrongFocus, toolTip="η, the learning rate of the step")
        self.label_box.currentIndexChanged.connect(self.sig_pass_changed)
        self.batch_box.currentIndexChanged.connect(self.sig_pass_changed)
        self.example_box.valueChanged.connect(self.sig_view_changed)
        self.rate_box.valueChanged.connect(self.sig_view_changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for text, widget in (("True label", self.label_box), ("Batch", self.batch_box),
                             ("Example", self.example_box), ("Learning rate η", self.rate_box)):
            row.addWidget(QLabel(text))
            row.addWidget(widget)
        row.addStretch(1)

    def label(self) -> int:
        """The chosen true label, or -1 while none is picked."""
        return self.label_box.currentIndex() - 1

    def batch_size(self) -> int:
        return BATCH_SIZES[self.batch_box.currentIndex()]

    def show_label(self, label) -> None:
        if 0 <= int(label) < self.label_box.count() - 1:
            self.label_box.setCurrentIndex(int(label) + 1)

    def set_classes(self, names) -> None:
        """One entry per output, after "pick…"; the choice is kept when it still exists."""
        current = self.label_box.currentIndex()
        self.label_box.blockSignals(True)
        self.label_box.clear()
        self.label_box.addItem("pick…")
        self.label_box.addItems(list(names))
        self.label_box.setCurrentIndex(current if 0 <= current <= len(names) else 0)
        self.label_box.blockSignals(False)


class StepButtons(QWidget):
    """Where the walk is, and Back / Next / Play / Apply this step."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.step_title = QLabel(wordWrap=True)
        self.back_button = QPushButton("◀ Back", toolTip="The previous step")
        self.next_button = QPushButton("Next ▶", toolTip="The next step")
        self.play_button = QPushButton("Play", checkable=True, toolTip="Walk through the steps by themselves")
        self.apply_button = QPushButton("Apply this step",
                                        toolTip="One SGD step on this batch: updates the window's network")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.step_title, stretch=1)
        for button in (self.back_button, self.next_button, self.play_button, self.apply_button):
            row.addWidget(button)

    def show_position(self, title, index, count) -> None:
        """Step ``index`` of ``count`` (count 0: no pass, every button off)."""
        self.step_title.setText(f"Step {index + 1} of {count}: {title}" if count else "")
        self.back_button.setEnabled(count > 0 and index > 0)
        self.next_button.setEnabled(count > 0 and index < count - 1)
        self.play_button.setEnabled(count > 0)
        self.apply_button.setEnabled(count > 0)
