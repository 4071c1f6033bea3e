"""The confusion matrix: model roles checked by qtmodeltester, panel and gallery driven by clicks."""


import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip

from idx_factory import synthetic_digits
from mnistbench.data.datasets import to_inputs
from mnistbench.engine.network import Network
from mnistbench.gui.panels.confusion.confusion_model import ConfusionMatrixModel
from mnistbench.gui.panels.confusion.confusion_panel import ConfusionPanel
from window_helpers import shown

pytestmark = pytest.mark.gui
DIGITS = [str(d) for d in range(10)]


def known_results(n=60):
    """Labels where we know each cell: #3, #13, #23 are 3s read as 8; #7 is a 7 read as 1."""
    true = np.arange(n) % 10
    predicted = true.copy()
    predicted[[3, 13, 23]] = 8
    predicted[7] = 1
    confidences = np.linspace(0.5, 0.99, n)
    images = np.zeros((n, 28, 28), np.uint8)
    images[:, 10:18, 10:18] = (np.arange(n) * 4).astype(np.uint8)[:, None, None]
    return images, true, predicted, confidences


def test_model_passes_qtmodeltester_empty_and_filled(qtmodeltester):
    model = ConfusionMatrixModel()
    qtmodeltester.check(model)
    _, true, predicted, confidences = known_results()
    model.set_results(true, predicted, confidences, DIGITS)
    qtmodeltester.check(model)
    assert model.rowCount() == model.columnCount() == 11


def tooltip(model, row, column):
    """A cell's tooltip as the user reads it (it is rich text, so that Qt wraps it)."""
    html = model.data(model.index(row, column), Qt.ToolTipRole)
    assert html.startswith("<p")
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText().strip()


def test_counts_recall_precision_and_accuracy(qtmodeltester):
    model = ConfusionMatrixModel()
    _, true, predicted, confidences = known_results()
    model.set_results(true, predicted, confidences, DIGITS)
    assert model.counts.sum() == 60 and model.counts[3, 8] == 3 and model.counts[7, 1] == 1
    assert model.data(model.index(3, 8)) == "3" and model.data(model.index(3, 3)) == "3"
    assert model.data(model.index(3, 10)) == "50.0"  # recall of 3: 3 of 6
    assert model.data(model.index(10, 8)) == "66.7"  # precision of 8: 6 of 9
    assert model.data(model.index(10, 10)) == f"{100 * 56 / 60:.1f}"
    assert "56 of 60" in model.data(model.index(10, 10), Qt.ToolTipRole)
    assert model.headerData(10, Qt.Horizontal) == "recall"
    assert model.headerData(10, Qt.Vertical) == "precision"
    assert model.headerData(4, Qt.Vertical, Qt.ToolTipRole) == "true 4"


def test_tooltips_list_the_right_indices():
    model = ConfusionMatrixModel()
    _, true, predicted, confidences = known_results()
    model.set_results(true, predicted, confidences, DIGITS)
    tip = tooltip(model, 3, 8)
    assert tip.startswith("✗ true 3 → predicted 8: 3 images: #3, #13, #23;")
    assert tooltip(model, 7, 1).startswith("✗ true 7 → predicted 1: 1 image: #7;")
    assert tooltip(model, 2, 5) == "✗ true 2 → predicted 5: no images"
    assert tooltip(model, 3, 3).startswith("✓ true 3 → predicted 3: 3 images")
    np.testing.assert_array_equal(model.indices(3, 8), [3, 13, 23])
    np.testing.assert_array_equal(model.indices(3, 3), [33, 43, 53])


def test_long_cells_are_cut_short():
    true = np.full(30, 4)
    predicted = np.full(30, 9)
    predicted[[0, 29]] = 4
    model = ConfusionMatrixModel()
    model.set_results(true, predicted, np.ones(30), DIGITS)
    tip = tooltip(model, 4, 9)
    assert "28 images: #1, #2," in tip and "#20, … (and 8 more)" in tip and "#21" not in tip


def test_heat_map_colours_are_readable():
    model = ConfusionMatrixModel()
    _, true, predicted, confidences = known_results()
    model.set_results(true, predicted, confidences, DIGITS)
    diagonal = model.data(model.index(1, 1), Qt.BackgroundRole)
    mistake = model.data(model.index(3, 8), Qt.BackgroundRole)
    empty = model.data(model.index(2, 5), Qt.BackgroundRole)
    assert diagonal.green() > diagonal.red() and mistake.red() > mistake.green()
    assert empty.name() == "#ffffff"
    for row in range(11):
        for column in range(11):
            background = model.data(model.index(row, column), Qt.BackgroundRole)
            text = model.data(model.index(row, column), Qt.ForegroundRole)
            assert abs(background.lightness() - text.lightness()) > 60, (row, column)


def test_ten_thousand_results_are_tabulated_exactly():
    rng = np.random.default_rng(0)
    true = rng.integers(0, 10, 10_000)
    predicted = np.where(rng.random(10_000) < 0.9, true, rng.integers(0, 10, 10_000))
    model = ConfusionMatrixModel()
    model.set_results(true, predicted, rng.random(10_000), DIGITS)
    expected = np.zeros((10, 10), np.int64)
    np.add.at(expected, (true, predicted), 1)  # an independent count, one image at a time
    np.testing.assert_array_equal(model.counts, expected)
    np.testing.assert_array_equal(model.indices(6, 2), np.flatnonzero((true == 6) & (predicted == 2)))


@pytest.fixture
def panel(qtbot):
    return shown(qtbot, ConfusionPanel(), 520, 460)


def click_cell(qtbot, panel, row, column):
    index = panel.model.index(row, column)
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.LeftButton, pos=rect.center())


def test_clicking_a_cell_opens_its_gallery_and_an_image_reports_its_index(qtbot, panel):
    panel.set_results(*known_results(), DIGITS)
    assert "93.33%" in panel.accuracy_label.text()
    click_cell(qtbot, panel, 3, 8)
    gallery = panel.gallery
    assert gallery is not None and gallery.isVisible() and not gallery.isModal()
    assert gallery.model.rowCount() == 3 and "3 images" in gallery.title.text()
    qtbot.waitExposed(gallery)
    second = gallery.model.index(1, 0)
    assert gallery.model.data(second, Qt.DisplayRole).startswith("#13\n3 → 8")
    assert not gallery.model.data(second, Qt.DecorationRole).isNull()
    with qtbot.waitSignal(panel.sig_image_chosen, timeout=1000) as blocker:
        qtbot.mouseClick(gallery.view.viewport(), Qt.LeftButton,
                         pos=gallery.view.visualRect(second).center())
    assert blocker.args == [13]
    gallery.sort.setCurrentText("confidence, highest first")
    assert list(gallery.model.test_indices) == [23, 13, 3]


def test_cells_without_images_and_summary_cells_open_nothing(qtbot, panel):
    panel.set_results(*known_results(), DIGITS)
    click_cell(qtbot, panel, 2, 5)
    click_cell(qtbot, panel, 3, 10)
    click_cell(qtbot, panel, 10, 3)
    assert panel.gallery is None
    click_cell(qtbot, panel, 7, 1)
    assert panel.gallery.model.rowCount() == 1
    panel.set_results(*known_results(), DIGITS)  # a new evaluation: stale gallery closes
    assert not panel.gallery.isVisible()


def test_evaluate_button_emits_and_f5_is_left_to_the_window(qtbot, panel):
    with qtbot.waitSignal(panel.sig_evaluate_requested, timeout=1000):
        qtbot.mouseClick(panel.evaluate_button, Qt.LeftButton)
    panel.table.setFocus()
    with qtbot.assertNotEmitted(panel.sig_evaluate_requested, wait=100):
        qtbot.keyClick(panel.table, Qt.Key_F5)  # F5 is the window's Train
    assert panel.findChildren(QShortcut) == []


def test_results_of_a_real_network(qtbot, panel):
    images, labels = synthetic_digits(700, seed=5)
    inputs = to_inputs(images)
    net = Network([784, 16, 10], activation="relu", output="softmax", loss="cross_entropy",
                  init="he", seed=2)
    net.fit(inputs[:500], labels[:500], epochs=1, batch_size=50, learning_rate=3e-3)
    probabilities = net.predict_proba(inputs[500:])
    predicted = probabilities.argmax(axis=1)
    panel.set_results(images[500:], labels[500:], predicted, probabilities.max(axis=1), DIGITS)
    model = panel.model
    assert model.counts.sum() == 200
    assert model.accuracy == pytest.approx(net.score(inputs[500:], labels[500:]))
    for true in range(10):
        for guess in range(10):
            expected = np.flatnonzero((labels[500:] == true) & (predicted == guess))
            np.testing.assert_array_equal(model.indices(true, guess), expected)
    row = int(np.argmax(np.diag(model.counts)))
    click_cell(qtbot, panel, row, row)
    assert panel.gallery.model.rowCount() == model.counts[row, row]


FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]


def test_long_class_names_head_the_columns_too():
    model = ConfusionMatrixModel()
    _, true, predicted, confidences = known_results()
    model.set_results(true, predicted, confidences, FASHION)
    assert model.headerData(9, Qt.Horizontal) == "Ankle\nboot"
    assert model.headerData(0, Qt.Horizontal) == "T-shirt/\ntop"
    assert model.headerData(1, Qt.Horizontal) == "Trouser"
    assert model.headerData(9, Qt.Vertical) == "9 Ankle boot"


def test_a_long_tooltip_wraps_instead_of_running_off_the_screen(qtbot):
    true = np.full(400, 4)
    predicted = np.full(400, 9)
    panel = ConfusionPanel()
    qtbot.addWidget(panel)
    panel.model.set_results(true, predicted, np.ones(400), FASHION)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)
    html = panel.model.data(panel.model.index(4, 9), Qt.ToolTipRole)
    QToolTip.showText(panel.mapToGlobal(panel.rect().center()), html, panel)
    tips = [w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible()]
    longest = max(panel.model.cell_description(4, 9).splitlines(), key=len)
    assert tips and tips[0].wordWrap()  # Qt wraps only rich-text tooltips; a plain one is one long line
    assert tips[0].width() < 0.6 * tips[0].fontMetrics().horizontalAdvance(longest)
    QToolTip.hideText()


def test_the_matrix_exports_as_csv_and_png(qtbot, tmp_path):
    from mnistbench.gui.panels.confusion.confusion_export import paint_matrix, write_confusion_csv
    from mnistbench.gui.widgets.export_pictures import PngOptions, write_png

    model = ConfusionMatrixModel()
    _, true, predicted, confidences = known_results()
    model.set_results(true, predicted, confidences, DIGITS)
    write_confusion_csv(model, tmp_path / "m.csv")
    rows = [line.split(",") for line in (tmp_path / "m.csv").read_text().splitlines()]
    assert rows[0][0] == "true \\ predicted" and rows[0][1:11] == DIGITS and rows[0][11] == "recall %"
    assert rows[4][9] == "3" and rows[4][11] == "50.0"  # three 3s read as 8; recall of 3
    assert rows[11][0] == "precision %" and rows[11][9] == "66.7" and rows[11][11] == f"{100 * 56 / 60:.1f}"
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage
    write_png(tmp_path / "m.png", QSize(900, 400), lambda p, t: paint_matrix(model, p, t), "t",
              PngOptions(900, 96))
    image = QImage(str(tmp_path / "m.png"))
    assert image.width() == 900
    from mnistbench.gui.panels.confusion.confusion_export import CELL, HEADER
    from mnistbench.gui.widgets.export_pictures import TITLE_HEIGHT
    diagonal = image.pixelColor(HEADER[0] + 1 * CELL[0] + 4, TITLE_HEIGHT + HEADER[1] + 1 * CELL[1] + 4)
    assert diagonal == model.data(model.index(1, 1), Qt.BackgroundRole)


class TextRecorder:
    """A painter that notes each text it draws with its font's weight (and draws it)."""

    def __init__(self, painter):
        self.painter, self.texts = painter, []

    def __getattr__(self, name):
        return getattr(self.painter, name)

    def drawText(self, rect, flags, text):
        self.texts.append((rect, text, self.painter.font().bold()))
        self.painter.drawText(rect, flags, text)


def test_the_exported_matrix_gives_every_header_the_same_weight(qtbot):
    """(Under the picture's bold title, row 0's header came out bold and rows 1-9's not.)"""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QImage, QPainter

    from mnistbench.gui.panels.confusion.confusion_export import paint_matrix

    model = ConfusionMatrixModel()
    _, true, predicted, confidences = known_results()
    model.set_results(true, predicted, confidences, DIGITS)
    image = QImage(900, 500, QImage.Format_ARGB32)
    painter = QPainter(image)
    title_font = QFont(painter.font())
    title_font.setBold(True)  # what paint_titled leaves set
    painter.setFont(title_font)
    recorder = TextRecorder(painter)
    paint_matrix(model, recorder, QRectF(0, 0, 900, 500))
    painter.end()
    headers = [(text, bold) for rect, text, bold in recorder.texts if rect.top() == 0 or rect.left() == 0]
    assert len(headers) == 2 * model.rowCount()  # the columns' and the rows' (classes, recall, precision)
    assert len({bold for _text, bold in headers}) == 1, headers
