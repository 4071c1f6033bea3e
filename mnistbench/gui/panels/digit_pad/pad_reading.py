"""What the digit pad reads in a drawing or photo: one digit with every step, or a number.

Qt-free, so it is tested without a window: the panel only shows the result.
The same pipeline as `mnistbench predict` (preprocess_digit, read_number).
"""

from dataclasses import dataclass

from mnistbench.errors import ImageError
from mnistbench.number_reading import read_candidates, segment_page
from mnistbench.photo_pipeline import page_ink
from mnistbench.preprocess import crop_image, digit_from_page


@dataclass(frozen=True)
class PadReading:
    """steps: PreprocessSteps of the one digit, or None; number: a NumberReading when
    several digits are side by side, else None; problem: the one-line reason
    nothing could be read, else ""."""

    steps: object = None
    number: object = None
    problem: str = ""


def read_pad(image, net=None, threshold=None, crop=None):
    """Read `image` (drawing or photo): several digits become a number, one digit gets its steps.

    The page is found once for both readings: the pad reads while the user draws.
    """
    try:
        image, offset = crop_image(image, crop)
        page = page_ink(image, threshold)
        if net is not None:
            number = read_candidates(net, *segment_page(page, offset))
            if len(number.digits) > 1:
                return PadReading(number=number)
        return PadReading(steps=digit_from_page(page, offset, steps=True))
    except ImageError as error:
        return PadReading(problem=str(error))


def describe(reading):
    """The line under the steps: what to do, what went wrong, or how the digit was placed."""
    if reading is None:
        return ("Draw a digit, or several side by side, or open a photo: each step from the "
                "picture to the 28×28 image MNIST's way is shown here.")
    if reading.problem:
        return reading.problem[:1].upper() + reading.problem[1:] + "."
    if reading.number is not None:
        return f"{len(reading.number.digits)} digits side by side: each box shows its reading."
    dy, dx = reading.steps.centre_of_mass_shift
    return (f"Threshold {reading.steps.threshold:.2f}. Centre of mass moved the digit {dx:+d} px across, "
            f"{dy:+d} px down from plain box centring.")


def digit_boxes(reading):
    """[(box, "digit confidence%"), ...] of a number's digits; [] for one digit or nothing."""
    if reading is None or reading.number is None:
        return []
    return [(d.box, f"{d.digit} {d.confidence:.0%}") for d in reading.number.digits]


def automatic_threshold(reading):
    """The threshold the pipeline chose, or None when nothing was read."""
    if reading is None or reading.problem:
        return None
    return reading.steps.threshold if reading.steps is not None else reading.number.page.threshold
