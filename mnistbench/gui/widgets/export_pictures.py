"""Pictures for exports: a PNG at a chosen width and DPI, an SVG that any renderer draws, both titled.

A panel hands over how to paint itself, ``paint(painter, target: QRectF)``, and
its natural size (its on-screen size, in pixels); a title band goes above it:

    write_png(path, size, paint, "Confusion matrix — mnist, run 2", PngOptions(1600, 150))
    write_svg(path, size, paint, "Confusion matrix — mnist, run 2")

pyqtgraph draws curves in data coordinates with "cosmetic" pens (always one
pixel wide). Qt's SVG generator writes those as a scaled group with
``vector-effect="non-scaling-stroke"``, which librsvg and some browsers ignore:
each line became a blob hundreds of pixels wide. ``flatten_scaled_strokes``
applies such transforms to the coordinates themselves, so the stroke widths
are plain pixels.
"""

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox

from mnistbench.gui.widgets.export_dialog import ExportFormat
from mnistbench.gui.widgets.palette import NEUTRAL

TITLE_HEIGHT = 30  # pixels of the natural size, above the picture
SVG = "http://www.w3.org/2000/svg"
_NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"({_NUMBER}),({_NUMBER})")


@dataclass(frozen=True)
class PngOptions:
    width: int  # pixels; the height follows the picture's shape
    dpi: int  # written into the file: the printed size is width / dpi inches


class PngOptionsDialog(QDialog):
    """Asks the width in pixels and the DPI of a PNG; says the size in pixels and centimetres."""

    remembered = [None]  # the last answer in this session: the next dialog starts from it

    def __init__(self, parent, natural: QSize):
        super().__init__(parent, windowTitle="PNG size")
        self._aspect = (natural.height() + TITLE_HEIGHT) / max(1, natural.width())
        last = self.remembered[0] or PngOptions(2 * natural.width(), 150)
        self.width_box = QSpinBox(minimum=200, maximum=12000, singleStep=100, value=last.width,
                                  suffix=" px", toolTip="Width of the picture; the height follows its shape")
        self.dpi_box = QSpinBox(minimum=50, maximum=1200, singleStep=50, value=last.dpi, suffix=" dpi",
                                toolTip="Resolution written into the file: sets the printed size")
        self.summary = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Width", self.width_box)
        form.addRow("&Resolution", self.dpi_box)
        form.addRow(self.summary)
        form.addRow(buttons)
        for box in (self.width_box, self.dpi_box):
            box.valueChanged.connect(self._summarise)
        self._summarise()

    def options(self) -> PngOptions:
        return PngOptions(self.width_box.value(), self.dpi_box.value())

    def _summarise(self, *_):
        width, dpi = self.width_box.value(), self.dpi_box.value()
        height = round(width * self._aspect)
        self.summary.setText(f"{width} × {height} px, printed {2.54 * width / dpi:.1f} × "
                             f"{2.54 * height / dpi:.1f} cm")

    @classmethod
    def ask(cls, parent, natural: QSize) -> Optional[PngOptions]:
        """The options, or None when the user cancels."""
        dialog = cls(parent, natural)
        if dialog.exec() != QDialog.Accepted:
            return None
        cls.remembered[0] = dialog.options()
        return cls.remembered[0]


def paint_titled(painter, natural: QSize, paint, title: str) -> None:
    """White page, ``title`` in a band on top, the picture painted below it (natural pixels)."""
    painter.fillRect(QRectF(0, 0, natural.width(), natural.height() + TITLE_HEIGHT), QColor(*NEUTRAL.page))
    font = QFont(painter.font())
    font.setPixelSize(15)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(*NEUTRAL.page_text))
    painter.drawText(QRectF(8, 0, natural.width() - 16, TITLE_HEIGHT), Qt.AlignLeft | Qt.AlignVCenter, title)
    painter.translate(0, TITLE_HEIGHT)
    paint(painter, QRectF(0, 0, natural.width(), natural.height()))


def write_png(path, natural: QSize, paint, title: str, options: PngOptions) -> None:
    """The titled picture scaled to ``options.width`` pixels; raises OSError if it cannot be written."""
    scale = options.width / max(1, natural.width())
    size = QSizeF(natural.width(), natural.height() + TITLE_HEIGHT) * scale
    image = QImage(round(size.width()), round(size.height()), QImage.Format_ARGB32)
    image.fill(QColor(*NEUTRAL.page))
    # painted in natural pixels on a high-DPI image: text, pens and pyqtgraph's unscaled
    # items (legends, tick labels) all grow together, as on a high-DPI screen
    image.setDevicePixelRatio(scale)
    painter = QPainter(image)
    try:
        painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        paint_titled(painter, natural, paint, title)
    finally:
        painter.end()
    image.setDevicePixelRatio(1.0)
    dots_per_metre = round(options.dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    if not image.save(str(path), "PNG"):
        raise OSError(f"Qt could not write a PNG to {path}")


def write_svg(path, natural: QSize, paint, title: str) -> None:
    """The titled picture as SVG that librsvg and browsers draw as Qt does; raises OSError."""
    size = QSize(natural.width(), natural.height() + TITLE_HEIGHT)
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    generator.setResolution(96)  # picture pixels are CSS pixels
    painter = QPainter(generator)
    try:
        paint_titled(painter, natural, paint, title)
    finally:
        painter.end()
    if not Path(path).is_file():
        raise OSError(f"Qt could not write an SVG to {path}")
    flatten_scaled_strokes(path)


def flatten_scaled_strokes(path) -> int:
    """Apply every group's matrix to the coordinates of its shapes; returns the groups flattened.

    Only groups holding nothing but paths, polylines, polygons (and rects under a
    matrix without rotation) are changed; their stroke widths then mean pixels.
    """
    ElementTree.register_namespace("", SVG)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    tree = ElementTree.parse(path)
    flattened = 0
    for group in tree.iter(f"{{{SVG}}}g"):
        matrix = _matrix(group.get("transform", ""))
        if matrix is not None and len(group) and all(_can_map(child, matrix) for child in group):
            for child in group:
                _map_shape(child, matrix)
            del group.attrib["transform"]
            flattened += 1
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return flattened


def _matrix(transform):
    found = re.fullmatch(rf"\s*matrix\(\s*({_NUMBER})(?:\s*,\s*|\s+)({_NUMBER})(?:\s*,\s*|\s+)({_NUMBER})"
                         rf"(?:\s*,\s*|\s+)({_NUMBER})(?:\s*,\s*|\s+)({_NUMBER})(?:\s*,\s*|\s+)({_NUMBER})\s*\)",
                         transform)
    return tuple(float(v) for v in found.groups()) if found else None


def _can_map(element, matrix):
    tag = element.tag.rsplit("}", 1)[-1]
    if tag == "rect":
        return matrix[1] == matrix[2] == 0 and not len(element)
    return tag in ("path", "polyline", "polygon") and not len(element)


def _map_shape(element, matrix):
    a, b, c, d, e, f = matrix

    def pair(found):
        x, y = float(found.group(1)), float(found.group(2))
        return f"{a * x + c * y + e:.6g},{b * x + d * y + f:.6g}"

    tag = element.tag.rsplit("}", 1)[-1]
    if tag == "rect":
        x, y = (float(element.get(k, 0)) for k in ("x", "y"))
        width, height = (float(element.get(k, 0)) for k in ("width", "height"))
        left, right = sorted((a * x + e, a * (x + width) + e))
        top, bottom = sorted((d * y + f, d * (y + height) + f))
        for key, value in (("x", left), ("y", top), ("width", right - left), ("height", bottom - top)):
            element.set(key, f"{value:.6g}")
    else:
        key = "d" if tag == "path" else "points"
        element.set(key, _PAIR.sub(pair, element.get(key, "")))


def picture_formats(parent, natural: QSize, paint, title: str, svg=True) -> list:
    """ExportFormats for a picture: PNG (asking its size first) and, with ``svg``, SVG.

    ``paint(painter, target: QRectF)`` draws the picture at its ``natural`` size; ``title`` goes above it.
    """
    def png(path):
        options = PngOptionsDialog.ask(parent, natural)
        if options is None:
            return False  # the user cancelled the size question
        write_png(path, natural, paint, title, options)
        return True

    formats = [ExportFormat("PNG image", ".png", png)]
    if svg:
        formats.append(ExportFormat("SVG drawing", ".svg", lambda path: write_svg(path, natural, paint, title)))
    return formats
