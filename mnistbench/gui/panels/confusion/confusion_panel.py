"""The confusion matrix dock: a table over ConfusionMatrixModel, accuracy, Evaluate.

Clicking a cell opens its images in a gallery window; clicking an image there
reports its test index, which the main window sends to the inspector. When the
network trained on some of the test images, the panel says so and can show
only the others.
"""

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from mnistbench.gui.panels.confusion.confusion_export import export_confusion
from mnistbench.gui.panels.confusion.confusion_model import ConfusionMatrixModel
from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.export_dialog import ExportSource
from mnistbench.gui.widgets.image_gallery import ImageGallery
from mnistbench.workflows.evaluation import Evaluation, evaluate, seen_warning

NOT_EVALUATED = "Not evaluated yet: train, or press Evaluate to test the current network."


class ConfusionPanel(QWidget):
    """Counts per (true, predicted) class with recall, precision and a gallery per cell."""

    sig_evaluate_requested = Signal()  # no payload: evaluate the current network on the test set
    sig_image_chosen = Signal(int)  # test-set index of an image clicked in the gallery
    export_source = ExportSource()  # the network and run: names exported files, titles the picture

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = ConfusionMatrixModel(self)
        self.gallery = None  # made on the first click
        self.evaluation = None  # the whole Evaluation last shown (the table may show only unseen images)
        self.test_numbers = np.arange(0)  # test-set index of each image the table counts
        self.evaluate_button = QPushButton("Evaluate")
        # no shortcut of its own: F5 is the window's Train, Ctrl+E its Evaluate
        self.evaluate_button.setToolTip("Test the current network on the whole test set "
                                        "(Ctrl+E in the workbench)")
        self.evaluate_button.clicked.connect(self.sig_evaluate_requested)
        self.accuracy_label = QLabel(NOT_EVALUATED, wordWrap=True)
        self.accuracy_label.setToolTip("Share of the test images the network classifies right")
        self.unseen_only = QCheckBox("Only images it did not train on")
        self.unseen_only.setToolTip("Count only the test images missing from the network's list of "
                                    "training images (enabled when it trained on some of them)")
        self.unseen_only.setEnabled(False)
        self.unseen_only.toggled.connect(self._show_table)
        self.table = self._make_table()
        hint = QLabel("Rows: true class · columns: predicted · recall and precision in % · "
                      "hover a cell for its images' indices, click it to see them", wordWrap=True)
        hint.setStyleSheet("color: palette(mid);")
        top = QHBoxLayout()
        top.addWidget(self.accuracy_label, 1)
        top.addWidget(self.evaluate_button)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the matrix as a PNG picture or a CSV table")
        self.export_button.clicked.connect(self.export_dialog)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.unseen_only)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)

    def _make_table(self):
        table = QTableView()
        table.setModel(self.model)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SingleSelection)
        table.setMouseTracking(True)
        for header in (table.horizontalHeader(), table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.Stretch)  # the matrix fills the dock
            header.setMinimumSectionSize(24)
        table.horizontalHeader().setMinimumSectionSize(34)
        table.horizontalHeader().setDefaultAlignment(Qt.AlignCenter)
        table.verticalHeader().setDefaultAlignment(Qt.AlignRight | Qt.AlignVCenter)
        table.clicked.connect(self._open_cell)
        table.activated.connect(self._open_cell)
        table.setToolTip("")
        table.setContextMenuPolicy(Qt.ActionsContextMenu)
        export = QAction("Export the confusion matrix (PNG or CSV)…", table)
        export.triggered.connect(self.export_dialog)
        table.addAction(export)
        return table

    def set_export_source(self, source: ExportSource):
        self.export_source = source

    def export_dialog(self):
        """The Export button, the table's context menu and File → Export: PNG or CSV; the path or None."""
        return export_confusion(self)

    def repaint_colours(self):
        """The palette changed (View → Colours): cells and the warning line follow."""
        self.model.repaint_colours()
        self._show_table()

    def show_evaluation(self, evaluation):
        """Show a workflows Evaluation; its ``images`` feed the per-cell galleries."""
        self.evaluation = evaluation
        self.unseen_only.setEnabled(bool(evaluation.seen_count))
        self._show_table()
        if self.gallery is not None:
            self.gallery.close()  # it showed the previous network's images

    def show_unavailable(self, reason):
        """Say in the panel why the current network cannot be evaluated here (the last matrix is cleared)."""
        self.evaluation = None
        self.unseen_only.setEnabled(False)
        self.model.set_evaluation(Evaluation.from_predictions([], [], [], []))
        self.accuracy_label.setText(reason)
        if self.gallery is not None:
            self.gallery.close()

    @Slot()
    def _show_table(self):
        """The whole evaluation, or only the images not trained on when that box is ticked."""
        full = self.evaluation
        if full is None:
            return
        restrict = self.unseen_only.isChecked() and bool(full.seen_count)
        shown = full.unseen() if restrict else full
        self.test_numbers = np.flatnonzero(~full.seen) if restrict else np.arange(full.count)
        self.model.set_evaluation(shown)
        total, right = shown.count, int(np.trace(shown.confusion))
        what = "test images it did not train on" if restrict else "test images"
        text = (f"<b>Accuracy {shown.accuracy:.2%}</b> — {right:,} of {total:,} {what} right, "
                f"{total - right:,} mistakes")
        warning = seen_warning(full)
        colour = palette.current().hex("wrong")
        self.accuracy_label.setText(text + (f"<br><span style='color:{colour}'>{warning}</span>" if warning else ""))

    def set_results(self, images, true_labels, predicted_labels, confidences, class_names):
        """Show verdicts given as arrays: ``images`` uint8 (n, 28, 28), the others of n."""
        self.show_evaluation(Evaluation.from_predictions(true_labels, predicted_labels, confidences,
                                                         class_names, images=np.asarray(images)))

    def _open_cell(self, index):
        k = len(self.model.class_names)
        row, column = index.row(), index.column()
        if not index.isValid() or row >= k or column >= k:
            return
        found = self.model.indices(row, column)
        if len(found) == 0:
            return
        if self.gallery is None:
            self.gallery = ImageGallery(self)
            self.gallery.sig_image_chosen.connect(self.sig_image_chosen)
        names = self.model.class_names
        title = f"true {names[row]} ({row}) → predicted {names[column]} ({column}): {len(found):,} images"
        if max(map(len, names)) <= 3:
            title = f"true {names[row]} → predicted {names[column]}: {len(found):,} images"
        shown = self.model.evaluation  # the gallery numbers images as the test set does
        self.gallery.show_images(title, self.evaluation.images, self.test_numbers[found], shown.true_labels[found],
                                 shown.predicted_labels[found], shown.confidences[found], names)


def _preview():
    """Train a tiny network on synthetic blobs, evaluate, show the panel (python -m …)."""
    from mnistbench.data.datasets import to_inputs
    from mnistbench.engine.network import Network
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    rng = np.random.default_rng(0)
    templates = (rng.random((10, 28, 28)) < 0.15) * 200
    labels = rng.integers(0, 10, 3000)
    images = np.clip(templates[labels] + rng.integers(0, 120, (3000, 28, 28)), 0, 255).astype(np.uint8)
    net = Network([784, 16, 10], activation="relu", output="softmax", loss="cross_entropy", init="he")
    net.fit(to_inputs(images[:2000]), labels[:2000], epochs=1, learning_rate=3e-4)
    panel = ConfusionPanel()
    panel.show_evaluation(evaluate(net, to_inputs(images[2000:]), labels[2000:], [str(d) for d in range(10)],
                                   images=images[2000:]))
    panel.sig_image_chosen.connect(lambda i: print("chosen test image", i))
    panel.resize(520, 460)
    return run_preview(panel)


if __name__ == "__main__":
    _preview()
