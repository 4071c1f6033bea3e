"""One line of text that never sets its container's width: cut with "…", the whole text in the tooltip.

A QLabel that neither wraps nor elides asks for its text's width: a long hover
read-out became the Curves dock's minimum width and crushed the docks beside it;
a long status message ran into the status bar's figures, cut mid-word.
"""

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy


class ElidedLabel(QLabel):
    """``set_full_text(text)``; ``full_text`` is what was set, ``text()`` what fits."""

    def __init__(self, text="", parent=None):
        super().__init__(parent)
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.setMinimumWidth(0)
        self.setTextFormat(Qt.PlainText)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(self.tooltip_for(text))
        self._elide()

    def tooltip_for(self, text: str) -> str:
        return text

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height())

    def sizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._elide()

    def _elide(self):
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.ElideRight, max(0, self.width())))
