"""The training forms' widgets: spin and combo boxes that leave the mouse wheel to the panel's
scroll area until they have the focus (as a user scrolls, nothing under the mouse changes).
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

SPIN_BOX_MAX = 2**31 - 1  # a QSpinBox holds a C int


class FocusedWheelSpinBox(QSpinBox):
    """A spin box the mouse wheel changes only once it has the focus (click or Tab)."""

    def __init__(self, **options):
        super().__init__(**options)
        self.setFocusPolicy(Qt.StrongFocus)  # not WheelFocus: a wheel turn must not take the focus

    def wheelEvent(self, event):
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # the scroll area behind scrolls instead


class FocusedWheelComboBox(QComboBox):
    """A combo box the mouse wheel changes only once it has the focus."""

    def __init__(self, **options):
        super().__init__(**options)
        self.setFocusPolicy(Qt.StrongFocus)

    def wheelEvent(self, event):
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


def combo(items, tip, current=None):
    box = FocusedWheelComboBox(toolTip=tip)
    box.addItems(list(items))
    if current is not None:
        box.setCurrentText(current)
    return box


def spin(low, high, value, tip, step=1):
    box = FocusedWheelSpinBox(toolTip=tip, minimum=low, maximum=high, singleStep=step)
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    return box


def number(value, tip):
    return QLineEdit(str(value), toolTip=tip, maximumWidth=110)
