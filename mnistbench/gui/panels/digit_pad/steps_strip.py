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
SIDE = 36  # px per step: one row of eight, short enough for the pad to fit its dock without scrolling
CAPTION_POINTS = 7  # small captions: "background" sets its column's width


def small_caption(text):
    """A centred caption in a smaller font, under a step's picture."""
    label = QLabel(text, alignment=Qt.AlignHCenter)
    font = label.font()
    font.setPointSizeF(min(font.pointSizeF(), CAPTION_POINTS))
    label.setFont(font)
    return label


class StepsStrip(QWidget):
    """Eight small views in a row, original to centred 28x28."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.views = [DigitView(SIDE, f"{i + 1}. {tip}") for i, (_, tip, _) in enumerate(STEPS)]
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(2)
        layout.setVerticalSpacing(1)
        for column, (view, (caption, _, _)) in enumerate(zip(self.views, STEPS)):
            layout.addWidget(view, 0, column, Qt.AlignHCenter)
            layout.addWidget(small_caption(caption), 1, column)

    def set_steps(self, steps):
        """Show a PreprocessSteps; None empties every view."""
        for view, (_, _, step_image) in zip(self.views, STEPS):
            view.set_image(None if steps is None else step_image(steps))

    def set_page(self, page):
        """Show only the page steps of a photo_pipeline.PageInk (a number has no single digit)."""
        images = (page.gray, page.background_removed, page.mask, page.ink_mask, page.ink_mask.astype(float))
        for i, view in enumerate(self.views):
            view.set_image(images[i].astype(float) if i < len(images) else None)
