"""The bar above the docks that appears when there is nothing to train on.

It offers the two ways to get a training set — download MNIST, or point at a
folder — and can be dismissed for this session.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from mnistbench.gui.widgets.palette import NEUTRAL, hex_of

MESSAGE = ("No training set found. Download MNIST (70,000 digits) or choose a folder of "
           "IDX files to train; the bundled network works without one.")


class DatasetBanner(QFrame):
    sig_download_requested = Signal()
    sig_choose_folder_requested = Signal()
    sig_dismissed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dataset_banner")
        self.setFrameShape(QFrame.StyledPanel)
        self.setStyleSheet(f"#dataset_banner {{ background: {hex_of(NEUTRAL.banner)}; "
                           f"border: 1px solid {hex_of(NEUTRAL.banner_border)}; }}"
                           f"#dataset_banner QLabel {{ color: {hex_of(NEUTRAL.banner_text)}; }}")
        self.label = QLabel(MESSAGE, wordWrap=True)
        self.download_button = QPushButton("Download MNIST (11 MB)",
                                           toolTip="Fetch MNIST from its official mirrors into your cache")
        self.folder_button = QPushButton("Choose folder…", toolTip="Use a folder holding MNIST-style IDX files")
        self.close_button = QToolButton(text="✕", toolTip="Hide this message", autoRaise=True)
        self.download_button.clicked.connect(self.sig_download_requested.emit)
        self.folder_button.clicked.connect(self.sig_choose_folder_requested.emit)
        self.close_button.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.download_button)
        layout.addWidget(self.folder_button)
        layout.addWidget(self.close_button)

    def _dismiss(self):
        self.hide()
        self.sig_dismissed.emit()
