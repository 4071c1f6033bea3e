"""The workbench's one export path: suffixes, folders, names, log lines, PNG options, SVG outside Qt."""

import logging
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyqtgraph")
from PySide6.QtCore import QSize, QStandardPaths  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402

from mnistbench.engine.network import Network  # noqa: E402
from mnistbench.engine.training import BatchReport, EpochReport, EvaluationReport  # noqa: E402
from window_helpers import shown_curves_panel  # noqa: E402
from mnistbench.gui.widgets import export_dialog, export_pictures  # noqa: E402
from mnistbench.gui.widgets.export_dialog import ExportFormat, ExportSource, export_file, source_of  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def no_last_folder(monkeypatch):
    monkeypatch.setattr(export_dialog, "_last_folder", [None])


class FileDialog:
    """Stands in for QFileDialog.getSaveFileName: answers ``answer``, remembers what it was asked."""

    def __init__(self, monkeypatch, answer, chosen_filter=""):
        self.answer, self.chosen_filter, self.asked = answer, chosen_filter, []
        monkeypatch.setattr(export_dialog.QFileDialog, "getSaveFileName", self)

    def __call__(self, parent, caption, start, filters, selected):
        self.asked.append((caption, start, filters, selected))
        return str(self.answer), self.chosen_filter or selected


def writes_text(path):
    Path(path).write_text("written")


def test_a_name_without_suffix_gets_the_filters_and_the_log_says_where(qtbot, monkeypatch, tmp_path, caplog):
    FileDialog(monkeypatch, tmp_path / "picture", "CSV table (*.csv)")
    formats = [ExportFormat("PNG image", ".png", writes_text), ExportFormat("CSV table", ".csv", writes_text)]
    with caplog.at_level(logging.INFO, logger="mnistbench"):
        written = export_file(None, "confusion matrix", formats)
    assert written == tmp_path / "picture.csv" and written.read_text() == "written"
    assert f"exported the confusion matrix to {written}" in caplog.text
    FileDialog(monkeypatch, tmp_path / "Named.PNG")
    assert export_file(None, "confusion matrix", formats) == tmp_path / "Named.PNG"  # its own suffix kept


def test_starts_in_documents_then_in_the_last_export_folder_with_a_suggested_name(monkeypatch, tmp_path):
    dialog = FileDialog(monkeypatch, tmp_path / "one.csv")
    net = Network([784, 16, 10])
    net.metadata["training"] = {"runs": [{}, {}]}
    source = source_of(Path("/somewhere/mnist best.nn"), net)
    assert source == ExportSource("mnist best", 2)
    export_file(None, "training curves", [ExportFormat("CSV table", ".csv", writes_text)], source)
    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    documents = documents if Path(documents).is_dir() else Path.home()
    caption, start, filters, selected = dialog.asked[0]
    assert Path(start) == Path(documents) / "mnist-best_run2_training_curves.csv"
    assert filters == selected == "CSV table (*.csv)" and caption == "Export training curves"
    export_file(None, "training curves", [ExportFormat("CSV table", ".csv", writes_text)],
                source_of(None, Network([784, 16, 10])))
    assert Path(dialog.asked[1][1]) == tmp_path / "784-16-10_training_curves.csv"
    assert source.title("Training curves") == "Training curves — mnist best, run 2"


def test_a_failed_or_empty_write_is_one_error_line(monkeypatch, tmp_path, logged_errors):
    def refuses(path):
        raise PermissionError(13, "Permission denied")

    FileDialog(monkeypatch, tmp_path / "a.png")
    logged_errors.expect("could not export the weights (Permission denied)")
    assert export_file(None, "weights", [ExportFormat("PNG image", ".png", refuses)]) is None
    logged_errors.expect("could not export the weights (nothing was written)")
    assert export_file(None, "weights", [ExportFormat("PNG image", ".png", lambda path: None)]) is None
    assert export_dialog.last_export_folder() != tmp_path  # nothing written: not remembered
    cancelled = export_file(None, "weights", [ExportFormat("PNG image", ".png", lambda path: False)])
    assert cancelled is None and len(logged_errors.records) == 2  # a cancel is no error


def two_epochs(panel):
    panel.start_run(False)
    for epoch in (1, 2):
        for i in range(1, 101):
            panel.add_batch(BatchReport(epoch, i, 100, 100 * (epoch - 1) + i, 2.0 / (100 * (epoch - 1) + i),
                                        0.5 + 0.004 * i, 1000.0, 0.01))
        panel.add_evaluation(EvaluationReport(epoch, 100, epoch * 1000, 0.5 / epoch, 0.2 / epoch))
        panel.add_epoch(EpochReport(epoch, 2, 0.4, 0.9, 0.5, 0.8, 1.0, None))


@pytest.fixture
def panel(qtbot):
    widget = shown_curves_panel(qtbot)
    two_epochs(widget)
    widget.set_export_source(ExportSource("mnist", 3))
    return widget


def pixels(image: QImage) -> np.ndarray:
    """(height, width, 3) uint8 RGB."""
    image = image.convertToFormat(QImage.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :3 * image.width()].reshape(image.height(), image.width(), 3).copy()


def test_png_export_asks_its_size_and_dpi_and_carries_a_title(panel, monkeypatch, tmp_path):
    FileDialog(monkeypatch, tmp_path / "curves")  # no suffix: today's export wrote nothing
    asked = []
    monkeypatch.setattr(export_pictures.PngOptionsDialog, "ask",
                        classmethod(lambda cls, parent, size: (asked.append(size),
                                                               export_pictures.PngOptions(1400, 300))[1]))
    assert panel.export_png_dialog()
    image = QImage(str(tmp_path / "curves.png"))
    assert image.width() == 1400 and asked == [panel.graphics.viewport().size()]
    natural = asked[0]
    assert image.height() == round((natural.height() + export_pictures.TITLE_HEIGHT) * 1400 / natural.width())
    assert image.dotsPerMeterX() == round(300 / 0.0254)
    scale = 1400 / natural.width()
    title_band = pixels(image)[:round(export_pictures.TITLE_HEIGHT * scale)]
    assert (title_band.max(axis=2) < 80).sum() > 200  # dark text on white: the title is there
    assert panel.export_source.title("Training curves") == "Training curves — mnist, run 3"


def test_a_larger_png_is_the_same_picture_scaled(panel, tmp_path):
    """Tick labels, legend and curves grow together (a scaled painter drew the axes elsewhere)."""
    panel.export_png(tmp_path / "one.png")
    natural = QImage(str(tmp_path / "one.png")).width()
    panel.export_png(tmp_path / "two.png", export_pictures.PngOptions(2 * natural, 150))
    small, large = (pixels(QImage(str(tmp_path / name))) for name in ("one.png", "two.png"))
    assert large.shape[1] == 2 * small.shape[1] and abs(large.shape[0] - 2 * small.shape[0]) <= 1
    for colour in ("red", "blue"):
        ours = colour_mask(small, colour)
        rows, columns = np.nonzero(colour_mask(large, colour))
        inside = grown(ours)[np.minimum(rows // 2, ours.shape[0] - 1), columns // 2]
        assert inside.mean() > 0.9, colour
    dark_small, dark_large = small.max(axis=2) < 100, large.max(axis=2) < 100  # text and axes
    rows, columns = np.nonzero(dark_large)
    assert grown(dark_small)[np.minimum(rows // 2, small.shape[0] - 1), columns // 2].mean() > 0.8


def test_png_size_dialog_says_pixels_and_centimetres(qtbot):
    dialog = export_pictures.PngOptionsDialog(None, QSize(500, 270))
    qtbot.addWidget(dialog)
    dialog.width_box.setValue(1000)
    dialog.dpi_box.setValue(254)
    assert dialog.options() == export_pictures.PngOptions(1000, 254)
    assert dialog.summary.text() == "1000 × 600 px, printed 10.0 × 6.0 cm"


def colour_mask(image, colour):
    """Pixels clearly of ``colour`` ("red" or "blue"), antialiased edges included."""
    red, _green, blue = (image[..., i].astype(int) for i in range(3))
    return red - blue > 80 if colour == "red" else blue - red > 60


def grown(mask, pixels_around=2):
    out = mask.copy()
    for dy in range(-pixels_around, pixels_around + 1):
        for dx in range(-pixels_around, pixels_around + 1):
            out |= np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    return out


@pytest.mark.skipif(shutil.which("rsvg-convert") is None,
                    reason="rsvg-convert (Debian librsvg2-bin) absent: cannot check the SVG outside Qt")
@pytest.mark.parametrize("zoomed", [False, True])
def test_svg_draws_outside_qt_where_the_png_has_the_curves(panel, tmp_path, zoomed):
    if zoomed:  # curves leave the view: the SVG must cut them at the axes as Qt's own painting does
        panel.end_run()
        panel.plots["loss"].vb.setRange(xRange=(0.5, 1.5), yRange=(-1.5, 0), padding=0)
        assert panel.plots["loss"].vb.viewRange()[1] == [-1.5, 0]
    panel.export_png(tmp_path / "qt.png")
    panel.export_svg(tmp_path / "curves.svg")
    if zoomed:
        assert panel.plots["loss"].vb.viewRange()[1] == [-1.5, 0]  # the export left the user's view alone
    reference = pixels(QImage(str(tmp_path / "qt.png")))
    height, width, _ = reference.shape
    subprocess.run(["rsvg-convert", "-w", str(width), "-h", str(height), "-o", str(tmp_path / "rsvg.png"),
                    str(tmp_path / "curves.svg")], check=True, capture_output=True)
    rendered = pixels(QImage(str(tmp_path / "rsvg.png")))
    assert rendered.shape == reference.shape
    for colour in ("red", "blue"):  # validation, training
        ours, theirs = colour_mask(reference, colour), colour_mask(rendered, colour)
        assert ours.sum() > 100, colour
        assert 0.5 < theirs.sum() / ours.sum() < 2, colour  # lines, not blobs
        assert (theirs & grown(ours)).sum() > 0.9 * theirs.sum(), colour  # where Qt draws them
        assert (ours & grown(theirs)).sum() > 0.9 * ours.sum(), colour


def test_the_window_confirms_an_export_in_the_log_and_the_status_bar(make_window, monkeypatch, tmp_path):
    window = make_window()
    FileDialog(monkeypatch, tmp_path / "from_the_menu")
    window.actions.export_csv.trigger()
    written = tmp_path / "from_the_menu.csv"
    assert written.is_file()
    assert f"exported the training curves to {written}" in window.log_panel.text()
    assert f"exported the training curves to {written}" in window.status.currentMessage()
    source = window.curves_panel.export_source  # the window tells the panel what it shows
    assert source == source_of(window.state.path, window.state.network) and source.network != "untitled"
