"""Exporting the confusion matrix: a picture of the table (PNG) and its numbers (CSV).

The picture is painted from the model's own roles (text, background, foreground,
headers), so it shows what the table shows whatever the dock's size.
"""

import csv

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont

from mnistbench.gui.widgets.export_dialog import ExportFormat, export_file
from mnistbench.gui.widgets.export_pictures import picture_formats
from mnistbench.gui.widgets.palette import NEUTRAL

CELL = (64, 30)  # pixels (width, height) of a cell in the picture
HEADER = (130, 44)  # the row headers' width, the column headers' height


def write_confusion_csv(model, path) -> None:
    """Counts with true classes down and predictions across, recall at the end of each row, precision
    in the last row, the overall accuracy in the corner (percentages with one decimal)."""
    names, k = model.class_names, len(model.class_names)
    percent = lambda value: "" if value != value else f"{100 * value:.1f}"  # NaN: no images
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["true \\ predicted"] + names + ["recall %"])
        for row in range(k):
            writer.writerow([names[row]] + [int(c) for c in model.counts[row]] + [percent(model.recall(row))])
        writer.writerow(["precision %"] + [percent(model.precision(c)) for c in range(k)]
                        + [percent(model.accuracy)])


def paint_matrix(model, painter, target: QRectF) -> None:
    """The table as on screen: headers, coloured cells and their numbers, at ``target``'s top left."""
    n = model.rowCount()
    font = QFont(painter.font())
    font.setPixelSize(13)
    font.setBold(True)  # every header bold (the row headers took the weight of the cell before them)
    painter.setFont(font)
    painter.translate(target.topLeft())
    for column in range(n):
        rect = QRectF(HEADER[0] + column * CELL[0], 0, CELL[0], HEADER[1])
        painter.setPen(QColor(*NEUTRAL.page_text))
        painter.drawText(rect, Qt.AlignCenter | Qt.TextWordWrap, model.headerData(column, Qt.Horizontal))
    for row in range(n):
        top = HEADER[1] + row * CELL[1]
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(*NEUTRAL.page_text))
        painter.drawText(QRectF(0, top, HEADER[0] - 6, CELL[1]), Qt.AlignRight | Qt.AlignVCenter,
                         model.headerData(row, Qt.Vertical))
        for column in range(n):
            index = model.index(row, column)
            rect = QRectF(HEADER[0] + column * CELL[0], top, CELL[0], CELL[1])
            painter.fillRect(rect, model.data(index, Qt.BackgroundRole))
            painter.setPen(QColor(*NEUTRAL.text_on_dark))
            painter.drawRect(rect)
            font.setBold(row == column < n - 1)
            painter.setFont(font)
            painter.setPen(model.data(index, Qt.ForegroundRole))
            painter.drawText(rect, Qt.AlignCenter, model.data(index, Qt.DisplayRole))


def export_confusion(panel):
    """Ask where, then write the matrix as PNG or CSV; the path written, or None."""
    model = panel.model
    if not model.class_names:
        panel.accuracy_label.setText("Nothing to export yet: evaluate the network first.")
        return None
    n = model.rowCount()
    natural = QSize(HEADER[0] + n * CELL[0] + 8, HEADER[1] + n * CELL[1] + 8)
    title = panel.export_source.title("Confusion matrix")
    formats = picture_formats(panel, natural, lambda painter, target: paint_matrix(model, painter, target),
                              title, svg=False)
    formats.append(ExportFormat("CSV table", ".csv", lambda path: write_confusion_csv(model, path)))
    return export_file(panel, "confusion matrix", formats, panel.export_source)
