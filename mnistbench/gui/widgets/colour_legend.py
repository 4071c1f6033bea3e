""""Explain the colours": one dialog that says what every colour of the workbench means.

Built from the palette in use (``palette.explain``), so it always shows the
colours on screen; View → Colours opens it (not modal: it can stay open
beside the panels it explains).
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from mnistbench.gui.widgets import palette


def legend_html(colours: palette.Palette) -> str:
    """A table: a swatch of each colour, its role and what it means; then the colours that are not roles."""
    rows = "".join(f"<tr><td style='background:{colours.hex(role)}' width='36'>&nbsp;</td>"
                   f"<td>&nbsp;<b>{role}</b>&nbsp;</td><td>{meaning}</td></tr>"
                   for role, _rgb, meaning in palette.explain(colours))
    others = "".join(f"<li>{line}</li>" for line in palette.OTHER_MEANINGS)
    return (f"<p>Palette: <b>{colours.title}</b> (View → Colours switches it).</p>"
            f"<table cellspacing='4'>{rows}</table><ul>{others}</ul>")


class ColourLegendDialog(QDialog):
    """What every colour means, in the palette in use; ``refresh()`` after the palette changes."""

    def __init__(self, parent=None):
        super().__init__(parent, windowTitle="What the colours mean")
        self.text = QLabel(wordWrap=True, textFormat=Qt.RichText)
        self.text.setMinimumWidth(460)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self):
        self.text.setText(legend_html(palette.current()))
