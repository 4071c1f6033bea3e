"""Every preprocessing step in a row, so a user sees where a photo went wrong."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from mnistbench.gui.widgets.digit_views import DigitView

STEPS = (  # (caption, tooltip, the step's image from a PreprocessSteps)
    ("original", "The picture as grey levels (photos shrunk to a working size)", lambda s: s.grayscale),
    ("background", "The page's own brightness divided out: uneven light and shadows are gone",
     lambda s: s.background_removed),
    ("threshold", "Darker than the threshold (Otsu's, or yours): what counts as ink", lambda s: s.threshold_mask),
    ("no lines", "Ruled and grid lines taken out of the ink", lambda s: s.lines_removed),
    ("chosen", "The digit picked among specks and lines, in soft grey levels", lambda s: s.chosen),
    ("crop", "Cropped to the digit's ink", lambda s: s.cropped),
    ("20×20", "Scaled so the longest side is 20 px", lambda s: s.scaled_20),
    ("centred", "Placed in 28x28 with its centre of mass in the middle: what the network gets",
     lambda s: s.centred_28),
)
SIDE = 52  # px per step
PER_ROW = 4  # two rows of four: the captions are wider than the pictures; eight in a row outgrow a small dock


class StepsStrip(QWidget):
    """Eight small views in two rows, original to centred 28x28."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.views = [DigitView(SIDE, f"{i + 1}. {tip}") for i, (_, tip, _) in enumerate(STEPS)]
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for i, (view, (caption, _, _)) in enumerate(zip(self.views, STEPS)):
            row, column = divmod(i, PER_ROW)
            layout.addWidget(view, 2 * row, column, Qt.AlignHCenter)
            layout.addWidget(QLabel(caption, alignment=Qt.AlignHCenter), 2 * row + 1, column)

    def set_steps(self, steps):
        """Show a PreprocessSteps; None empties every view."""
        for view, (_, _, step_image) in zip(self.views, STEPS):
            view.set_image(None if steps is None else step_image(steps))

    def set_page(self, page):
        """Show only the page steps of a photo_pipeline.PageInk (a number has no single digit)."""
        images = (page.gray, page.background_removed, page.mask, page.ink_mask, page.ink_mask.astype(float))
        for i, view in enumerate(self.views):
            view.set_image(images[i].astype(float) if i < len(images) else None)
