"""What the network imagines: the input that most excites a digit, and a saliency map.

Three methods side by side for the chosen digit — gradient ascent on the
input (engine.introspect.imagine), the original tools' back-projection (the
one-hot answer times the transposed weights) and the back-query through the
inverse activations — each fed back through the network to show how it is
read. Below, for the current input, which pixels pushed the decision.
Imagining takes 20-60 ms for 100 steps at 784-256-128-10 or 784-512-128-10
here, so it runs on the GUI thread, coalesced by a zero-delay timer, and
not at all while the panel is hidden (it catches up when shown); on a large
network (seconds at 784-65535-10) it runs off the GUI thread (BackgroundTask).
"""

import logging

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from mnistbench.gui.jobs.background_task import BackgroundTask, network_work
from mnistbench.gui.panels.imagine.imagine_work import imagine_both, saliency_of
from mnistbench.gui.panels.imagine.imagine_export import export_imagined
from mnistbench.gui.panels.network_fit import IMAGE_PIXELS, fit_problem
from mnistbench.gui.widgets import palette
from mnistbench.gui.widgets.digit_views import DigitView, centred, heat_overlay, preview_network
from mnistbench.gui.widgets.export_dialog import ExportSource

logger = logging.getLogger(__name__)

VIEW_SIZE = 144  # px of each of the three pictures
METHODS = {  # method -> (column title, tooltip), in column order
    "ascent": ("Gradient ascent", "The input that maximises log p(digit), kept smooth by L2 decay and blur"),
    "back_projection": ("Back-projection (original tools)", "The original tools' formula: the one-hot "
                        "answer multiplied back through the transposed weights, layer by layer, then "
                        "min-max scaled to an image"),
    "back_query": ("Back-query (inverse activations)", "The answer (0.99 / 0.01) run backwards through "
                   "each inverse activation and the transposed weights (Rashid's back-query); clearest "
                   "for sigmoid networks, noisy for ReLU ones"),
}


NO_MEAN = "No dataset loaded: started from blank instead of the mean digit."
IMAGINE_PASSES_PER_STEP = 3  # a forward and a backward pass: about three forward passes' work
SALIENCY_PASSES = 4  # a prediction, then a forward and a backward pass


class ImaginePanel(QWidget):
    """Pick a digit; see what the network imagines for it, and the current input's saliency."""

    sig_input_chosen = Signal(object, object)  # x float32 (784,) to inspect, true label (None)
    export_source = ExportSource()  # the network and run: names exported files, titles the picture

    def __init__(self, parent=None):
        super().__init__(parent)
        self._net = None
        self._mean = None  # float32 (784,): the training set's mean digit, for the "mean" start
        self._images = {}  # method name -> float32 (784,) last result
        self._input = None  # (x, true_label) of the current input
        self.seconds = 0.0  # how long the last imagine took
        self.saliency_map = None  # float (784,) >= 0 for the current input
        self._in_view = True  # the window says when the panel is a tab behind another (set_in_view)
        self._stale = False  # a recompute was skipped while the panel was out of view
        self._timer = QTimer(self, singleShot=True, interval=0, timeout=self.recompute)
        self.task = BackgroundTask("imagining", self)  # seconds on a 784-65535-10 network
        self.task.sig_done.connect(self._imagined)
        self.task.sig_failed.connect(self._imagine_failed)
        self.task.sig_busy_changed.connect(self._show_busy)
        self.saliency_task = BackgroundTask("working out a saliency map", self)
        self.saliency_task.sig_done.connect(self._show_saliency)
        self.saliency_task.sig_failed.connect(self._imagine_failed)
        self.saliency_task.sig_busy_changed.connect(self._saliency_busy)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_controls())
        layout.addLayout(self._build_results())
        layout.addLayout(self._build_saliency())
        layout.addStretch()
        self.choose_digit(0)

    # --- layout -------------------------------------------------------------
    def _build_controls(self):
        self.digit_buttons = QButtonGroup(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Digit"))
        for digit in range(10):
            button = QPushButton(str(digit), checkable=True)
            button.setFixedWidth(30)
            button.setToolTip(f"Show what the network imagines for {digit} (key {digit})")
            self.digit_buttons.addButton(button, digit)
            row.addWidget(button)
            action = QAction(self, shortcut=QKeySequence(str(digit)),
                             shortcutContext=Qt.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda checked=False, d=digit: self.choose_digit(d))
            self.addAction(action)
        self.digit_buttons.idClicked.connect(self.choose_digit)
        self.start = QComboBox()
        self.start.addItem("from blank", "blank")
        self.start.addItem("from mean digit", "mean")
        self.start.setCurrentIndex(1)  # gives the most digit-like pictures
        self.start.setToolTip("Start gradient ascent from a black image, or from the training set's "
                              "average digit (needs a dataset; falls back to blank)")
        self.start.currentIndexChanged.connect(self._schedule)
        self.steps = QSpinBox(minimum=10, maximum=2000, value=100, singleStep=50, suffix=" steps")
        self.steps.setToolTip("Gradient-ascent steps: more gives a bolder, more extreme image")
        self.steps.valueChanged.connect(self._schedule)
        row.addStretch()
        start = QHBoxLayout()  # on a row of its own: ten digit buttons already fill a narrow dock
        start.addWidget(QLabel("Start"))
        start.addWidget(self.start)
        start.addWidget(self.steps)
        start.addStretch()
        rows = QVBoxLayout()
        rows.addLayout(row)
        rows.addLayout(start)
        return rows

    def _build_results(self):
        grid = QGridLayout()
        self.views, self.captions = {}, {}
        for column, (method, (title, tip)) in enumerate(METHODS.items()):
            self.views[method] = DigitView(VIEW_SIZE, tip)
            self.captions[method] = QLabel(alignment=Qt.AlignHCenter, wordWrap=True)
            self.captions[method].setToolTip("How the network reads this image")
            send = QPushButton("Send to inspector")
            send.setToolTip("Show this image in the network inspector")
            send.clicked.connect(lambda checked=False, m=method: self.send_to_inspector(m))
            grid.addWidget(QLabel(f"<b>{title}</b>", alignment=Qt.AlignHCenter, wordWrap=True), 0, column)
            grid.addLayout(centred(self.views[method]), 1, column)
            grid.addWidget(self.captions[method], 2, column)
            grid.addLayout(centred(send), 3, column)
        self.timing = QLabel(wordWrap=True)
        self.timing.setToolTip("Time the gradient ascent took on this computer")
        export = QPushButton("Export…")
        export.setToolTip("Save the three imagined pictures, with how the network reads them, as a PNG")
        export.clicked.connect(self.export_dialog)
        grid.addWidget(self.timing, 4, 0, 1, len(METHODS) - 1)
        grid.addWidget(export, 4, len(METHODS) - 1, Qt.AlignRight)
        return grid

    def _build_saliency(self):
        self.input_view = DigitView(112, "The current input (from the pad, a test image or a file)")
        self.saliency_view = DigitView(112, "Saliency: |d score / d pixel| of the predicted digit; "
                                       "bright pixels moved the decision most")
        self.saliency_caption = QLabel("Choose an input (digit pad, test image) to see its saliency.", wordWrap=True)
        self.saliency_caption.setToolTip("Brighter pixels: a small change there moves the score of "
                                         "the predicted digit more")
        self.saliency_method = QComboBox()
        self.saliency_method.addItem("gradient × input", "gradient_x_input")
        self.saliency_method.addItem("|gradient|", "gradient")
        self.saliency_method.setToolTip("gradient × input: each inked pixel's share of the score; "
                                        "|gradient|: where any change would move the score most")
        self.saliency_method.currentIndexChanged.connect(self._update_saliency)
        title = QHBoxLayout()
        title.addWidget(QLabel("<b>Saliency of the current input</b>"))
        title.addWidget(self.saliency_method)
        title.addStretch()
        grid = QGridLayout()
        grid.addLayout(title, 0, 0, 1, 2)
        grid.addLayout(centred(self.input_view), 1, 0)
        grid.addLayout(centred(self.saliency_view), 1, 1)
        grid.addWidget(self.saliency_caption, 2, 0, 1, 2)
        return grid

    # --- inputs -------------------------------------------------------------
    @Slot(object)
    def set_network(self, net):
        self._net = net
        self.task.cancel()  # pictures of the previous network are no use
        self.saliency_task.cancel()
        self._schedule()
        self._update_saliency()

    @Slot(object)
    def set_mean_image(self, mean):
        """float (784,) in [0, 1]: the average training digit (enables "from mean digit")."""
        self._mean = None if mean is None else np.asarray(mean, dtype=np.float32).reshape(784)
        self._schedule()

    @Slot(object, object)
    def set_input(self, x, true_label=None):
        x = np.asarray(x, dtype=np.float32).reshape(-1)
        self._input = (x, true_label) if len(x) == IMAGE_PIXELS else None  # only images have a saliency
        self._update_saliency()

    @Slot(int)
    def choose_digit(self, digit):
        self.digit_buttons.button(digit).setChecked(True)
        self._schedule()

    def digit(self):
        return self.digit_buttons.checkedId()

    def imagined(self, method="ascent"):
        """float32 (784,) last image of `method` (a key of METHODS), or None."""
        image = self._images.get(method)
        return None if image is None else image.copy()

    def send_to_inspector(self, method):
        """The picture becomes the window's input; the saliency below follows it, as the inspector does."""
        if self._images.get(method) is not None:
            self.set_input(self._images[method], None)
            self.sig_input_chosen.emit(self._images[method].copy(), None)

    def set_export_source(self, source: ExportSource):
        self.export_source = source

    def export_dialog(self):
        """The Export button and File → Export: the imagined digits as a PNG; the path or None.

        A panel not yet seen has imagined nothing: it imagines now (a user's click, ~0.1 s), so
        the export writes the pictures instead of a note that the imagining itself overwrites.
        """
        if self._net is not None and not fit_problem(self._net) and (self._stale or not self._images):
            self._imagine_now()
        return export_imagined(self, {method: title for method, (title, _tip) in METHODS.items()})

    def _imagine_now(self):
        self._timer.stop()
        self._stale = False
        start = self.start.currentData() if self.start.currentData() != "mean" or self._mean is not None else "blank"
        self._imagined(imagine_both(self._net, self.digit(), start, self.steps.value(), self._mean,
                                    start != self.start.currentData()))

    def captions_text(self):
        """method -> its caption as plain text ("✓ network reads 3 (97.0%)")."""
        return {method: label.property("plain") or "" for method, label in self.captions.items()}

    def repaint_colours(self):
        """The palette changed (View → Colours): the captions follow."""
        for method, image in self._images.items():
            self._caption(self.captions[method], image)

    # --- computing ----------------------------------------------------------
    def showEvent(self, event):
        super().showEvent(event)
        if self._stale:
            self._schedule()

    def set_in_view(self, in_view):
        """From the window: a tab behind another still counts as visible to Qt."""
        self._in_view = in_view
        if in_view and self._stale:
            self._schedule()

    @Slot()
    def _schedule(self):
        self._timer.start()

    @Slot()
    def recompute(self):
        """Imagine the chosen digit both ways and show how the network reads each."""
        self._timer.stop()
        problem = fit_problem(self._net)
        if self._net is None or problem:
            self._images.clear()
            for method in self.views:
                self.views[method].set_image(None)
                self.captions[method].setText(problem or "No network")
            return
        start = self.start.currentData()
        if start == "mean" and self._mean is None:
            start = "blank"
            self.timing.setText(NO_MEAN)
        if not (self.isVisible() and self._in_view):
            self._stale = True  # gradient ascent takes ~50 ms: none for a panel nobody sees
            return
        self._stale = False
        net, digit, steps, mean = self._net, self.digit(), self.steps.value(), self._mean
        fell_back = start != self.start.currentData()
        self.task.submit(lambda: imagine_both(net, digit, start, steps, mean, fell_back),
                         network_work(net, IMAGINE_PASSES_PER_STEP * steps))

    @Slot(object)
    def _imagined(self, result):
        """The pictures of one recompute, on the GUI thread."""
        self._images = {"ascent": result.ascent, "back_projection": result.back_projection,
                        "back_query": result.back_query}
        self.seconds = result.seconds
        self.timing.setText(NO_MEAN if result.fell_back else
                            f"Gradient ascent: {result.steps} steps in {1000 * result.seconds:.0f} ms.")
        for method, image in self._images.items():
            self.views[method].set_image(image)
            self._caption(self.captions[method], image)

    @Slot(bool)
    def _show_busy(self, busy):
        if busy:
            self.timing.setText(f"Imagining a {self.digit()}…")
            self.setCursor(Qt.BusyCursor)
        else:
            self.unsetCursor()

    @Slot(str)
    def _imagine_failed(self, line):
        self.timing.setText(line)
        logger.warning("%s", line)

    def _caption(self, label, image):
        probabilities = self._net.predict_proba(image[None])[0]
        top, c = int(probabilities.argmax()), palette.current()
        mark, colour = (c.right_mark, c.hex("right")) if top == self.digit() else (c.wrong_mark, c.hex("wrong"))
        label.setText(f"<span style='color:{colour}'>{mark} network reads <b>{top}</b> "
                      f"({100 * probabilities[top]:.1f}%)</span>")
        label.setProperty("plain", f"{mark} network reads {top} ({100 * probabilities[top]:.1f}%)")

    def _update_saliency(self):
        problem = fit_problem(self._net)
        if problem:
            self.saliency_map = None
            self.saliency_view.set_image(None)
            self.saliency_caption.setText(problem)
            return
        if self._input is None or self._net is None:
            return
        x, true_label = self._input
        net, method = self._net, self.saliency_method.currentData()
        self.saliency_task.submit(lambda: saliency_of(net, x, true_label, method),
                                  network_work(net, SALIENCY_PASSES))

    @Slot(object)
    def _show_saliency(self, result):
        x, true_label, predicted, self.saliency_map = result
        self.input_view.set_image(x)
        self.saliency_view.set_qimage(heat_overlay(x, self.saliency_map))
        truth = "" if true_label is None else f" (true label {int(true_label)})"
        self.saliency_caption.setText(f"Pixels that pushed the network towards {predicted}{truth}")

    @Slot(bool)
    def _saliency_busy(self, busy):
        if busy:
            self.saliency_caption.setText("Working out the saliency on this large network…")


def _preview():
    """The preview network's imagined 0, and its saliency (computed once the panel is on screen)."""
    from mnistbench.gui.widgets.preview import preview_app, run_preview

    preview_app()
    panel = ImaginePanel()
    panel.set_network(preview_network())
    panel.show()  # a hidden panel skips the work (recompute marks it stale)
    panel.recompute()
    panel.set_input(panel.imagined(), None)
    return run_preview(panel)


if __name__ == "__main__":
    raise SystemExit(_preview())
