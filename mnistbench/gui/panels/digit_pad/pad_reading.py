"""What the digit pad reads in a drawing or photo: one digit with every step, or a number.

Qt-free, so it is tested without a window: the panel only shows the result.
The same pipeline as `mnistbench predict` (preprocess_digit, read_number).
"""

from dataclasses import dataclass

from mnistbench.errors import ImageError
from mnistbench.number_reading import read_number
from mnistbench.preprocess import preprocess_digit


@dataclass(frozen=True)
class PadReading:
    """steps: PreprocessSteps of the one digit, or None; number: a NumberReading when
    several digits are side by side, else None; problem: the one-line reason
    nothing could be read, else ""."""

    steps: object = None
    number: object = None
    problem: str = ""


def read_pad(image, net=None, threshold=None, crop=None):
    """Read `image` (drawing or photo): several digits become a number, one digit gets its steps."""
    try:
        if net is not None:
            number = read_number(net, image, threshold=threshold, crop=crop)
            if len(number.digits) > 1:
                return PadReading(number=number)
        return PadReading(steps=preprocess_digit(image, steps=True, threshold=threshold, crop=crop))
    except ImageError as error:
        return PadReading(problem=str(error))
