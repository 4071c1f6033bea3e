"""The read-out line above the curves: one elided line that never sets the dock's width.

A QLabel that neither wraps nor elides asks for its text's width: a long hover
read-out became the Curves dock's minimum width, crushed the docks beside it,
and that crushed layout was saved for the next start. This label asks for no
width, draws what fits with "…", and shows the whole text in its tooltip.
"""

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

HINT = "Move the mouse over the plots to read values."


class ReadoutLabel(QLabel):
    """One line of text elided to the label's width; ``full_text`` is what was set."""

    def __init__(self, text=HINT, parent=None):
        super().__init__(parent)
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.setMinimumWidth(0)
        self.setTextFormat(Qt.PlainText)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text or "Values of each curve at the epoch under the mouse")
        self._elide()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height())

    def sizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._elide()

    def _elide(self):
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.ElideRight, max(0, self.width())))
