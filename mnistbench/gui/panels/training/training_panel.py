"""The training dock: which data, which network, which settings — and Train.

The panel only gathers choices and says what it wants through signals; the
main window loads, downloads, initialises and trains. A setting the engine
refuses shows the engine's one-line ``ConfigError`` here instead of a crash.
"""

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from mnistbench.errors import ConfigError
from mnistbench.gui.panels.training.recipe_chooser import RecipeChooser
from mnistbench.gui.panels.training.training_form import NetworkForm, TrainingForm
from mnistbench.gui.widgets.palette import NEUTRAL, hex_of
from mnistbench.workflows.recipes import DEFAULT_RECIPE

STATES = ("idle", "running", "paused", "evaluating")


def button(text, tip, slot):
    widget = QPushButton(text, toolTip=tip)
    widget.clicked.connect(slot)
    return widget


def row(*widgets):
    layout = QHBoxLayout()
    for widget in widgets:
        layout.addWidget(widget)
    return layout


class TrainingPanel(QWidget):
    sig_dataset_chosen = Signal(str)  # folder of the dataset to use
    sig_download_requested = Signal()  # fetch MNIST into the cache
    sig_download_cancel_requested = Signal()
    sig_initialise_requested = Signal(object)  # architecture dict (NetworkForm.architecture)
    sig_load_requested = Signal()
    sig_save_requested = Signal()
    sig_save_as_requested = Signal()
    sig_train_requested = Signal(object)  # TrainingConfig
    sig_pause_requested = Signal()
    sig_resume_requested = Signal()
    sig_stop_requested = Signal()
    sig_problem = Signal(str)  # one line: a setting was refused
    sig_lr_finder_requested = Signal(object)  # TrainingConfig: run the learning-rate range test with it

    def __init__(self, parent=None):
        super().__init__(parent)
        self.network_form, self.training_form = NetworkForm(), TrainingForm()
        self.recipe_chooser = RecipeChooser(self.network_form, self.training_form)
        self.recipe_chooser.apply(DEFAULT_RECIPE)  # the quick good network, until a network is loaded
        self.recipe_chooser.sig_recipe_chosen.connect(self._initialise_clicked)  # a fresh one to train
        self._state = "idle"
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self._dataset_box())
        layout.addWidget(self._network_box())
        layout.addWidget(self._training_box())
        layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        # scroll up and down, never sideways: the dock is never narrower than the forms
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setMinimumWidth(content.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 2)
        self.set_training_state("idle")

    # --- building -----------------------------------------------------------
    def _dataset_box(self):
        box = QGroupBox("Dataset")
        self.dataset_combo = QComboBox(toolTip="Datasets found on this computer; training needs a training set")
        self.dataset_combo.activated.connect(self._dataset_activated)
        self.choose_button = button("Choose folder…", "Use a folder holding MNIST-style IDX files",
                                    self.choose_folder)
        self.download_button = button("Download MNIST (11 MB)", "Fetch the 70,000 MNIST digits from "
                                      "the official mirrors into your cache (checked by SHA-256)",
                                      self.sig_download_requested.emit)
        self.download_bar = QProgressBar(toolTip="Download progress", visible=False)
        self.cancel_button = button("Cancel", "Stop the download (it resumes next time)",
                                    self.sig_download_cancel_requested.emit)
        self.cancel_button.setVisible(False)
        self.dataset_message = QLabel(wordWrap=True, visible=False)
        layout = QVBoxLayout(box)
        layout.addWidget(self.dataset_combo)
        layout.addLayout(row(self.choose_button, self.download_button))
        layout.addLayout(row(self.download_bar, self.cancel_button))
        layout.addWidget(self.dataset_message)
        return box

    def _network_box(self):
        box = QGroupBox("Network")
        self.network_summary = QLabel("no network", wordWrap=True, toolTip="The network in use now")
        self.initialise_button = button("Initialise network", "Make a fresh network with the shape above "
                                        "(random weights)", self._initialise_clicked)
        self.load_button = button("Load…", "Open a network file (Ctrl+O)", self.sig_load_requested.emit)
        self.save_button = button("Save", "Save the network (Ctrl+S)", self.sig_save_requested.emit)
        self.save_as_button = button("Save as…", "Save the network under a new name (Ctrl+Shift+S)",
                                     self.sig_save_as_requested.emit)
        layout = QVBoxLayout(box)
        layout.addWidget(QLabel("Start from a recipe:"))
        layout.addWidget(self.recipe_chooser)
        layout.addWidget(self.network_form)
        layout.addWidget(self.network_summary)
        layout.addLayout(row(self.initialise_button, self.load_button))
        layout.addLayout(row(self.save_button, self.save_as_button))
        return box

    def _training_box(self):
        box = QGroupBox("Training")
        self.train_button = button("Train", "Train the current network with these settings; "
                                   "a loaded or trained network continues (Ctrl+T, F5)", self.request_training)
        self.pause_button = button("Pause", "Pause or resume training between batches", self._pause_clicked)
        self.stop_button = button("Stop", "Stop after the current batch (Esc)", self.sig_stop_requested.emit)
        self.train_message = QLabel(wordWrap=True)
        self.lr_finder_button = button("Find learning rate…", "A few seconds' range test: loss against a "
                                       "rising learning rate, and a proposed rate for the form",
                                       self.request_lr_finder)
        layout = QVBoxLayout(box)
        layout.addWidget(self.training_form)
        layout.addLayout(row(self.train_button, self.pause_button, self.stop_button))
        layout.addWidget(self.lr_finder_button)
        layout.addWidget(self.train_message)
        return box

    # --- inputs ---------------------------------------------------------------
    def set_datasets(self, locations) -> None:
        """Fill the chooser with ``DatasetLocation``s (usable ones first); keeps the selection."""
        current = self.current_dataset()
        self.dataset_combo.clear()
        for location in locations:
            halves = f"{location.n_train:,} train + {location.n_test:,} test"
            label = f"{location.name} ({'unusable' if location.problem else halves})"
            self.dataset_combo.addItem(label, str(location.folder))
            self.dataset_combo.setItemData(self.dataset_combo.count() - 1,
                                           location.problem or str(location.folder), 3)  # ToolTipRole
        if not locations:
            self.dataset_combo.addItem("no dataset found — download MNIST or choose a folder", "")
        if current:
            self.select_dataset(current)

    def select_dataset(self, folder: str) -> None:
        index = self.dataset_combo.findData(str(folder))
        if index >= 0:
            self.dataset_combo.setCurrentIndex(index)

    def current_dataset(self) -> str:
        return self.dataset_combo.currentData() or ""

    def set_dataset_message(self, text: str) -> None:
        self.dataset_message.setText(text)
        self.dataset_message.setVisible(bool(text))

    def set_network_summary(self, text: str) -> None:
        self.network_summary.setText(text)

    def show_network(self, net) -> None:
        """Let the network form show the current network's shape."""
        self.network_form.show_network(net)

    def set_training_state(self, state: str) -> None:
        """idle, running, paused or evaluating: enables the buttons that make sense."""
        self._state = state if state in STATES else "idle"
        busy = self._state != "idle"
        for widget in (self.train_button, self.initialise_button, self.load_button):
            widget.setEnabled(not busy)
        self.lr_finder_button.setEnabled(not busy)
        self.pause_button.setEnabled(self._state in ("running", "paused"))
        self.pause_button.setText("Resume" if self._state == "paused" else "Pause")
        self.stop_button.setEnabled(self._state in ("running", "paused"))

    def set_download_progress(self, done: int, total: int, filename: str = "") -> None:
        self.download_bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.download_button.setEnabled(False)
        self.download_bar.setRange(0, max(1, total // 1024))
        self.download_bar.setValue(done // 1024)
        self.download_bar.setFormat(f"{done / 1e6:.1f} / {total / 1e6:.1f} MB {filename}")

    def set_download_finished(self, message: str) -> None:
        self.download_bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.download_button.setEnabled(True)
        self.set_dataset_message(message)

    # --- user actions -----------------------------------------------------------
    def _dataset_activated(self, index):
        folder = self.dataset_combo.itemData(index)
        if folder:
            self.sig_dataset_chosen.emit(folder)

    def choose_folder(self):
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder of IDX files")
        if folder:
            self.sig_dataset_chosen.emit(folder)

    def _initialise_clicked(self, *_):
        self.sig_initialise_requested.emit(self.network_form.architecture())

    def request_training(self) -> None:
        """Ask to train with these settings (Train button, Train menu); a refused setting shows here."""
        try:
            config = self.training_form.config()
        except ConfigError as error:
            field = str(error).split(" ", 1)[0]  # the engine's messages start with the field's name
            if field in self.training_form.widgets:
                self.training_form.reveal(field)
            self.show_problem(str(error))
            return
        self.train_message.setText("")
        self.sig_train_requested.emit(config)

    def request_lr_finder(self) -> None:
        """Ask for the learning-rate range test with these settings (a refused setting shows here)."""
        try:
            config = self.training_form.config()
        except ConfigError as error:
            self.show_problem(str(error))
            return
        self.train_message.setText("")
        self.sig_lr_finder_requested.emit(config)

    def use_learning_rate(self, rate: float) -> None:
        """Put ``rate`` in the form (the finder's proposal), keeping every other setting."""
        try:
            config = self.training_form.config()
        except ConfigError as error:
            self.show_problem(str(error))
            return
        self.training_form.show_config(config.replace(learning_rate=rate))

    def _pause_clicked(self):
        (self.sig_resume_requested if self._state == "paused" else self.sig_pause_requested).emit()

    def show_problem(self, text: str) -> None:
        self.train_message.setText(f'<span style="color:{hex_of(NEUTRAL.error)}">{html.escape(text)}</span>')
        self.sig_problem.emit(text)


def _preview():
    from mnistbench.data import available_datasets
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    panel = TrainingPanel()
    panel.set_datasets(available_datasets())
    panel.set_network_summary("784-128-10 relu/softmax, 101,770 parameters (untrained)")
    panel.resize(380, 900)
    run_preview(panel)


if __name__ == "__main__":
    _preview()
