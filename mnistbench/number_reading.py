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
from mnistbench.images import load_image
from mnistbench.ink_components import digit_groups, group_mask, label_components, split_touching
from mnistbench.photo_pipeline import page_ink
from mnistbench.preprocess import crop_image, mnist_digit, soft_ink
from mnistbench.workflows.evaluation import network_inputs


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
    """(PageInk, candidates): for each blob of ink left to right, the ways to read it.

    Each candidate is a list of alternatives, each a list of (box in original
    pixels, uint8 (28, 28)) digits: [whole] for a digit, [whole, split] for a
    blob wide enough to be touching digits. Raises ImageError when there is no ink.
    """
    image, offset = crop_image(image, crop)
    return segment_page(page_ink(image, threshold), offset)


def segment_page(page, offset=(0, 0)):
    """segment_number's work on a photo_pipeline.PageInk found already; offset: where its picture lies."""
    labels, components = label_components(page.ink_mask, page.darkness)
    groups = digit_groups(components, page.ink_mask.shape)
    if not groups:
        raise ImageError("the drawing is empty")
    height = float(np.median([g.height for g in groups]))
    candidates = []
    for group in groups:
        parts = split_touching(group, page.ink_mask, labels, height)
        alternatives = [[group]] + ([parts] if len(parts) > 1 else [])
        candidates.append([[_made(page, labels, g, offset) for g in option] for option in alternatives])
    return page, candidates


def read_number(net, image, threshold=None, crop=None, class_names=None):
    """Split `image` into digits and read each with `net`: a NumberReading.

    A wide blob is read as touching digits only when every part is read more
    surely than the blob as one digit (a wide 2 stays one digit).
    """
    return read_candidates(net, *segment_number(image, threshold, crop), class_names)


def read_candidates(net, page, candidates, class_names=None):
    """Read segment_number's candidates with `net`: a NumberReading (see read_number)."""
    names = class_names or [str(i) for i in range(net.layer_sizes[-1])]
    readings = []
    for alternatives in candidates:
        options = [_read(net, names, digits) for digits in alternatives]
        best = options[0]
        if len(options) > 1 and min(d.confidence for d in options[1]) > best[0].confidence:
            best = options[1]
        readings.extend(best)
    return NumberReading(tuple(readings), page)


def _made(page, labels, group, offset):
    """(box in the original image's pixels, uint8 (28, 28)) for one group of ink."""
    made = mnist_digit(soft_ink(page, group_mask(group, labels, page.ink_mask)))
    top, left, bottom, right = made.bbox
    scale, (top0, left0) = page.scale, offset
    box = (top0 + top * scale, left0 + left * scale, top0 + bottom * scale, left0 + right * scale)
    return tuple(int(v) for v in box), made.centred_28


def _read(net, names, digits):
    probabilities = net.predict_proba(network_inputs(net, np.stack([img28 for _, img28 in digits])))
    return [DigitReading(box, img28, names[int(p.argmax())], float(p.max()))
            for (box, img28), p in zip(digits, probabilities)]


def read_number_file(net, path, class_names=None, threshold=None, crop=None):
    """read_number on an image file; errors name the file ("photo.jpg: the drawing is empty")."""
    image = load_image(path)
    try:
        return read_number(net, image, threshold=threshold, crop=crop, class_names=class_names)
    except ImageError as error:
        raise ImageError(f"{path}: {error}") from None


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
