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
