"""Read a number: several digits side by side ("2026", a house number, a date), each with its confidence.

The page is found as for one digit (`photo_pipeline`), its ink split into
digits (`ink_components`: pieces stacked in the same columns merged, specks
and line bits dropped, touching digits cut where the ink is thinnest), and
each digit made the MNIST way (`preprocess.mnist_digit`) and read. The CLI,
the digit pad and the photo benchmark all call `read_number`.
"""

from dataclasses import dataclass

import numpy as np

from mnistbench.errors import ImageError
from mnistbench.ink_components import digit_groups, group_mask, label_components, split_touching
from mnistbench.photo_pipeline import page_ink
from mnistbench.preprocess import crop_image, mnist_digit, soft_ink, to_network_input


@dataclass(frozen=True)
class DigitReading:
    """One digit of a number: its box (top, left, bottom, right) in the original
    image's pixels, the uint8 (28, 28) image the network read, the class name it
    chose and the probability it gave it."""

    box: tuple
    image: np.ndarray
    digit: str
    confidence: float


@dataclass(frozen=True)
class NumberReading:
    """The digits left to right, and the page steps they were found on (photo_pipeline.PageInk)."""

    digits: tuple
    page: object

    @property
    def text(self):
        return "".join(d.digit for d in self.digits)

    @property
    def confidences(self):
        return tuple(d.confidence for d in self.digits)


def segment_number(image, threshold=None, crop=None):
    """(PageInk, list of (box in original pixels, uint8 (28, 28))) for each digit, left to right.

    Raises ImageError when there is no ink.
    """
    image, (top0, left0) = crop_image(image, crop)
    page = page_ink(image, threshold)
    labels, components = label_components(page.ink_mask, page.darkness)
    groups = digit_groups(components)
    if not groups:
        raise ImageError("the drawing is empty")
    height = float(np.median([g.height for g in groups]))
    groups = [part for group in groups for part in split_touching(group, page.ink_mask, labels, height)]
    digits = []
    for group in groups:
        made = mnist_digit(soft_ink(page, group_mask(group, labels, page.ink_mask)))
        top, left, bottom, right = made.bbox
        box = (top0 + top * page.scale, left0 + left * page.scale,
               top0 + bottom * page.scale, left0 + right * page.scale)
        digits.append((tuple(int(v) for v in box), made.centred_28))
    return page, digits


def read_number(net, image, threshold=None, crop=None, class_names=None):
    """Split `image` into digits and read each with `net`: a NumberReading."""
    page, digits = segment_number(image, threshold, crop)
    names = class_names or [str(i) for i in range(net.layer_sizes[-1])]
    inputs = np.stack([to_network_input(img28) for _, img28 in digits])
    probabilities = net.predict_proba(inputs)
    readings = tuple(DigitReading(box, img28, names[int(p.argmax())], float(p.max()))
                     for (box, img28), p in zip(digits, probabilities))
    return NumberReading(readings, page)


def format_number(reading):
    """The CLI's line: "2026 (0.97, 0.99, 0.88, 0.95)"."""
    return f"{reading.text} ({', '.join(f'{c:.2f}' for c in reading.confidences)})"


def number_record(reading, image_name):
    """A JSON-safe dict for `predict --number --json`: the number and each digit's box and reading."""
    return {
        "image": str(image_name),
        "number": reading.text,
        "digits": [{"digit": d.digit, "confidence": round(d.confidence, 6),
                    "box": {"top": d.box[0], "left": d.box[1], "bottom": d.box[2], "right": d.box[3]}}
                   for d in reading.digits],
    }
