"""Exporting the imagine panel: the three imagined pictures side by side, titled and captioned (PNG)."""

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont

from mnistbench.gui.widgets.digit_views import gray_qimage
from mnistbench.gui.widgets.export_dialog import export_file
from mnistbench.gui.widgets.export_pictures import picture_formats
from mnistbench.gui.widgets.palette import NEUTRAL

SIDE = 224  # pixels of each picture (8 per input pixel)
GAP = 24
TEXT = 44  # room for the method's name above and the caption below


def paint_imagined(pictures, painter, target: QRectF) -> None:
    """``pictures``: [(method title, float (784,) image, caption)]; drawn left to right."""
    font = QFont(painter.font())
    font.setPixelSize(14)
    painter.setFont(font)
    painter.translate(target.topLeft())
    for n, (title, image, caption) in enumerate(pictures):
        left = GAP + n * (SIDE + GAP)
        painter.setPen(QColor(*NEUTRAL.page_text))
        painter.drawText(QRectF(left - GAP / 2, 0, SIDE + GAP, TEXT), Qt.AlignCenter | Qt.TextWordWrap, title)
        painter.drawImage(QRectF(left, TEXT, SIDE, SIDE), gray_qimage(np.asarray(image)))  # sharp pixels
        painter.drawText(QRectF(left - GAP / 2, TEXT + SIDE, SIDE + GAP, TEXT), Qt.AlignCenter, caption)


def export_imagined(panel, titles):
    """Ask where, then write the imagined pictures of the chosen digit; the path written, or None.

    ``titles``: method -> its column title, in the panel's column order.
    """
    captions = panel.captions_text()
    pictures = [(title, panel.imagined(method), captions.get(method, ""))
                for method, title in titles.items() if panel.imagined(method) is not None]
    if not pictures:
        panel.timing.setText("Nothing imagined yet to export.")
        return None
    natural = QSize(GAP + len(pictures) * (SIDE + GAP), SIDE + 2 * TEXT)
    title = panel.export_source.title(f"What the network imagines for {panel.digit()}")
    formats = picture_formats(panel, natural, lambda painter, target: paint_imagined(pictures, painter, target),
                              title, svg=False)
    return export_file(panel, f"imagined {panel.digit()}", formats, panel.export_source)
