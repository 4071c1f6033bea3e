"""Your own digits: the drawings you kept from the pad, how the network reads them, fine-tuning.

The set is saved after every change (mnistbench.own_digits), so it survives a
restart; "Fine-tune on my digits" hands it to the main window, which asks
first, then fine-tunes the current network on it mixed with a replay of the
dataset's training images (every fifth digit held out; see
workflows/fine_tuning.py) and reports the test accuracy and the accuracy on
the held-out digits, before → after. The accuracy shown is on the digits the
network's record says it never trained on, and says so.
"""

import logging

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListView, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from mnistbench.errors import MnistbenchError
from mnistbench.gui.panels.network_fit import fit_problem
from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.digit_views import gray_qimage, preview_network
from mnistbench.own_digits import (empty_set, load_own_digits, own_digits_dir, save_own_digits,
                                   set_aside_unreadable)
from mnistbench.workflows.seen_images import recorded_seen_images

logger = logging.getLogger(__name__)

THUMBNAIL = 56  # pixels: each MNIST pixel twice


class OwnDigitsPanel(QWidget):
    """The kept set as thumbnails, the network's accuracy on it, and a fine-tune button."""

    sig_fine_tune_requested = Signal(object, object)  # images uint8 (n, 28, 28), labels int64 (n,)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._net = None
        self._predicted = None  # int64 (n,) the network's reading of each digit, or None
        self._not_saving = None  # why changes stay in memory: saved digits that could not be read nor moved
        self._trained_on = None  # bool (n,): the network trained on this digit (its record says), or None
        self._build()
        self._images, self._labels = empty_set()
        where = self._load_saved_set()
        self._refresh()
        self.status.setText(where)

    def _load_saved_set(self):
        """Read the saved set; one that cannot be read is moved aside, never saved over. Returns the status."""
        try:
            self._images, self._labels = load_own_digits()
            return f"Saved in {own_digits_dir()}"
        except MnistbenchError as error:
            problem = f"Could not read your saved digits: {error}"
        try:
            kept = set_aside_unreadable()
        except MnistbenchError as error:
            self._not_saving = f"{problem}; {error}"
            logger.warning("%s", self._not_saving)
            return f"{self._not_saving}. New digits are kept in this session only."
        logger.warning("%s; they are kept in %s and new digits are saved beside them", problem, kept)
        return f"{problem}. They are kept in {kept}; new digits are saved in {own_digits_dir()}."

    def _build(self):
        self.gallery = QListWidget(viewMode=QListView.IconMode, movement=QListView.Static,
                                   resizeMode=QListView.Adjust, uniformItemSizes=True)
        self.gallery.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.gallery.setGridSize(QSize(THUMBNAIL + 18, THUMBNAIL + 26))
        self.gallery.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.gallery.setToolTip("Digits you kept from the digit pad: your label, and the network's "
                                "reading in red where it differs")
        self.accuracy_label = QLabel(wordWrap=True)
        self.accuracy_label.setToolTip("How many of your digits the current network reads as you labelled them")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Remove the selected digits from the set (Delete)")
        self.delete_button.clicked.connect(self.delete_selected)
        delete = QAction(self, shortcut=QKeySequence(Qt.Key_Delete), shortcutContext=Qt.WidgetWithChildrenShortcut)
        delete.triggered.connect(self.delete_selected)
        self.addAction(delete)
        self.fine_tune_button = QPushButton("Fine-tune on my digits")
        self.fine_tune_button.setToolTip("Teach the current network your handwriting: it trains briefly on "
                                         "your digits mixed with the dataset's training images, so it does not "
                                         "forget them (you are asked first)")
        self.fine_tune_button.clicked.connect(self.request_fine_tune)
        self.status = QLabel(wordWrap=True)
        self.status.setToolTip("Where your digits are saved, or what went wrong")
        buttons = QHBoxLayout()
        buttons.addWidget(self.accuracy_label, stretch=1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.fine_tune_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.gallery, stretch=1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    # --- inputs -------------------------------------------------------------
    @Slot(object)
    def set_network(self, net):
        self._net = net
        self._refresh()

    @Slot(object, object)
    def add_digit(self, x, label):
        """Keep `x` (float (784,) in [0, 1], or uint8 (28, 28)) labelled `label` (0..9)."""
        x = np.asarray(x)
        image = x.reshape(28, 28) if x.dtype == np.uint8 else \
            np.round(np.clip(x, 0.0, 1.0) * 255).astype(np.uint8).reshape(28, 28)
        self._change(np.concatenate([self._images, image[None]]),
                     np.append(self._labels, np.int64(label)), f"Kept a {int(label)}")

    @Slot()
    def delete_selected(self):
        rows = sorted({self.gallery.row(item) for item in self.gallery.selectedItems()})
        if rows:
            keep = np.setdiff1d(np.arange(len(self._labels)), rows)
            self._change(self._images[keep], self._labels[keep], f"Deleted {len(rows)}")

    @Slot()
    def request_fine_tune(self):
        if len(self._labels):
            self.sig_fine_tune_requested.emit(self._images.copy(), self._labels.copy())

    def images(self):
        return self._images.copy()

    def labels(self):
        return self._labels.copy()

    def accuracy(self):
        """Fraction of the digits the network never trained on that it reads as labelled;
        None without a network, or without such digits."""
        if self._predicted is None or not len(self._labels):
            return None
        unseen = self._unseen()
        return float(np.mean(self._predicted[unseen] == self._labels[unseen])) if unseen.any() else None

    def _unseen(self):
        return np.ones(len(self._labels), dtype=bool) if self._trained_on is None else ~self._trained_on

    # --- keeping the set and the view in step -------------------------------
    def _change(self, images, labels, what):
        """Save first, then show: the panel never shows a set that is not on disk."""
        if self._not_saving is not None:
            self._images, self._labels = images, labels
            self._refresh()
            self.status.setText(f"{what}; {len(labels)} digits kept in this session only, not saved: "
                                f"{self._not_saving}")
            return
        try:
            folder = save_own_digits(images, labels)
        except MnistbenchError as error:
            self.status.setText(f"Not saved: {error}")
            return
        self._images, self._labels = images, labels
        self._refresh()
        self.status.setText(f"{what}; {len(labels)} digits saved in {folder}")

    def repaint_colours(self):
        """The palette changed (View → Colours): the misread digits' labels follow."""
        self._refresh()

    def _refresh(self):
        n = len(self._labels)
        problem = fit_problem(self._net)
        fits = self._net is not None and not problem
        self._predicted = self._net.predict(self._images.reshape(n, 784)) if fits and n else None
        seen = recorded_seen_images(self._net) if self._predicted is not None else None
        self._trained_on = None if seen is None else seen.contains(self._images)
        self.gallery.clear()
        for i, (image, label) in enumerate(zip(self._images, self._labels)):
            self.gallery.addItem(self._item(i, image, int(label)))
        self.accuracy_label.setText(f"{n} digits. {problem}" if problem else self._accuracy_text())
        self.fine_tune_button.setEnabled(n > 0)
        self.delete_button.setEnabled(n > 0)

    def _accuracy_text(self):
        """The accuracy on the digits not trained on, saying how many were trained on."""
        n = len(self._labels)
        if self._predicted is None:
            return ("No digits kept yet: draw one on the pad and use “Keep as…”." if not n
                    else f"{n} digits (no network to read them)")
        unseen = self._unseen()
        trained = n - int(unseen.sum())
        if not unseen.any():
            right = int(np.sum(self._predicted == self._labels))
            return (f"The network trained on all {n} of your digits ({right} read right): "
                    f"draw new ones to test it")
        right = int(np.sum(self._predicted[unseen] == self._labels[unseen]))
        if not trained:
            return f"Network accuracy on your {n} digits: {100 * self.accuracy():.1f}% ({right} right)"
        return (f"Accuracy on the {n - trained} of your digits held out of fine-tuning: "
                f"{100 * self.accuracy():.1f}% ({right} right); it trained on the other {trained}")

    def _item(self, i, image, label):
        icon = QIcon(QPixmap.fromImage(gray_qimage(image)).scaled(THUMBNAIL, THUMBNAIL))
        item = QListWidgetItem(icon, str(label))
        item.setTextAlignment(Qt.AlignHCenter)
        tip = f"#{i}: labelled {label}"
        if self._trained_on is not None and self._trained_on[i]:
            tip += " (the network trained on it)"
        if self._predicted is not None:
            read = int(self._predicted[i])
            tip += f", the network reads {read}"
            if read != label:
                item.setText(f"{label} → {read}")
                item.setForeground(QColor(*palette.current().wrong))  # the palette's "wrong"
        item.setToolTip(tip)
        return item


def _preview():
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    panel = OwnDigitsPanel()
    panel.set_network(preview_network())
    return run_preview(panel)


if __name__ == "__main__":
    raise SystemExit(_preview())
