"""A gallery of test images: thumbnail, index, true and predicted class, confidence.

Thumbnails are made lazily by the list model when the view asks for them, so
opening the 1,000 images of a diagonal cell costs nothing until they scroll
into sight. Clicking (or pressing Enter on) an image reports its test index.
"""

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListView,
                               QVBoxLayout)

THUMBNAIL = 56  # pixels: 2x the 28x28 digit, nearest neighbour, so pixels stay crisp
SORTS = {
    "test index": lambda conf: np.arange(len(conf)),
    "confidence, highest first": lambda conf: np.argsort(-conf, kind="stable"),
    "confidence, lowest first": lambda conf: np.argsort(conf, kind="stable"),
}


def thumbnail(image):
    """A uint8 (28, 28) image as a QPixmap, scaled up without smoothing."""
    image = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = image.shape
    qimage = QImage(image.data, width, height, width, QImage.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage.scaled(THUMBNAIL, THUMBNAIL, Qt.KeepAspectRatio,
                                           Qt.FastTransformation))


class GalleryModel(QAbstractListModel):
    """One item per test image; thumbnails made on demand and kept."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.set_items(np.zeros((0, 28, 28), np.uint8), [], [], [], [], [])

    def set_items(self, images, indices, true_labels, predicted_labels, confidences, class_names):
        """``images`` are the whole test set; the other arrays have one entry per item."""
        self.beginResetModel()
        self.images = images
        self.test_indices = np.asarray(indices, dtype=np.int64)
        self.true_labels = np.asarray(true_labels, dtype=np.int64)
        self.predicted_labels = np.asarray(predicted_labels, dtype=np.int64)
        self.confidences = np.asarray(confidences, dtype=np.float64)
        self.class_names = [str(name) for name in class_names]
        # under a thumbnail there is room for "4 → 9", not for "T-shirt/top → Shirt"
        short = all(len(name) <= 3 for name in self.class_names)
        self.short_names = self.class_names if short else [str(i) for i in range(len(class_names))]
        self._pixmaps = {}
        self.endResetModel()

    def reorder(self, order):
        """Show the items in ``order`` (positions into the current items)."""
        self.set_items(self.images, self.test_indices[order], self.true_labels[order],
                       self.predicted_labels[order], self.confidences[order], self.class_names)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.test_indices)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.test_indices):
            return None
        row = index.row()
        test_index = int(self.test_indices[row])
        true_name = self.class_names[self.true_labels[row]]
        predicted_name = self.class_names[self.predicted_labels[row]]
        if role == Qt.DisplayRole:
            short = self.short_names
            return (f"#{test_index}\n{short[self.true_labels[row]]} → {short[self.predicted_labels[row]]}"
                    f"\n{self.confidences[row]:.0%}")
        if role == Qt.DecorationRole:
            if row not in self._pixmaps:
                self._pixmaps[row] = thumbnail(self.images[test_index])
            return self._pixmaps[row]
        if role == Qt.ToolTipRole:
            return (f"test image #{test_index}: true {true_name}, predicted {predicted_name} "
                    f"with confidence {self.confidences[row]:.1%}\nclick to look at it in the inspector")
        if role == Qt.UserRole:
            return test_index
        return None


class ImageGallery(QDialog):
    """A non-modal window of thumbnails; the panel that owns it refills it per cell."""

    sig_image_chosen = Signal(int)  # the test-set index of the clicked image

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Test images")
        self.model = GalleryModel(self)
        self.view = QListView(viewMode=QListView.IconMode, resizeMode=QListView.Adjust,
                              movement=QListView.Static, uniformItemSizes=True, wordWrap=True)
        self.view.setLayoutMode(QListView.Batched)
        self.view.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.view.setGridSize(QSize(THUMBNAIL + 34, THUMBNAIL + 58))
        self.view.setSpacing(4)
        self.view.setModel(self.model)
        self.view.clicked.connect(self._choose)
        self.view.activated.connect(self._choose)
        self.title = QLabel()
        self.sort = QComboBox(toolTip="Order of the images: by test index or by the network's confidence")
        self.sort.addItems(list(SORTS))
        self.sort.currentTextChanged.connect(self._sort)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, rejected=self.close)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel("Order:"))
        top.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def show_images(self, title, images, indices, true_labels, predicted_labels, confidences,
                    class_names):
        """Fill with the given test images (``indices`` into ``images``) and bring to front."""
        self.title.setText(title)
        self.setWindowTitle(f"Test images — {title}")
        self.model.set_items(images, indices, true_labels, predicted_labels, confidences, class_names)
        self._sort(self.sort.currentText())
        self.show()
        self.raise_()
        self.activateWindow()

    def _sort(self, name):
        by_index = np.argsort(self.model.test_indices, kind="stable")
        self.model.reorder(by_index)
        self.model.reorder(SORTS[name](self.model.confidences))

    def _choose(self, index):
        test_index = self.model.data(index, Qt.UserRole)
        if test_index is not None:
            self.sig_image_chosen.emit(test_index)
