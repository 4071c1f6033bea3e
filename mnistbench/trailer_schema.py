"""What a network file's JSON trailer may hold, checked whole when the file loads.

Everything that reads a loaded network's metadata (``info``, ``test``, the
window, a later save) trusts these types, so a trailer that breaks them is a
load error of one line, never a crash later. Keys mnistbench does not know
are kept, as the format promises, when they are plain JSON within the limits.
"""

import math

MAX_DEPTH = 32  # objects and arrays nested deeper than this are refused
MAX_VALUES = 5_000_000  # JSON values in one trailer (a 64 MB trailer holds at most about this many)
MAX_STRING = 1_000_000  # characters in one string


class TrailerProblem(ValueError):
    """What is wrong, with the path of the value (``training.runs[0].epochs``)."""


def check_trailer(metadata):
    """Raise TrailerProblem unless ``metadata`` is plain JSON within limits and its known keys have their types."""
    _check_plain_json(metadata)
    _check_fields(metadata, TOP_LEVEL, "")


# --- plain JSON within limits --------------------------------------------------
def _check_plain_json(root):
    """Depth, count and string length, without recursion (a deep trailer must not overflow the stack)."""
    stack, count = [(root, "trailer", 0)], 0
    while stack:
        value, where, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise TrailerProblem(f"holds more than {MAX_VALUES:,} values")
        if depth > MAX_DEPTH:
            raise TrailerProblem(f"nests objects or arrays more than {MAX_DEPTH} deep (at {where})")
        if isinstance(value, dict):
            stack.extend((item, f"{where}.{key}", depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str):
            if len(value) > MAX_STRING:
                raise TrailerProblem(f"{where} is a string of {len(value):,} characters "
                                     f"(limit {MAX_STRING:,})")
        elif isinstance(value, float) and not math.isfinite(value):
            raise TrailerProblem(f"{where} is not a finite number")
        elif value is not None and not isinstance(value, (bool, int, float)):
            raise TrailerProblem(f"{where} is not a JSON value")


# --- the keys mnistbench reads -------------------------------------------------
def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value):
    return type(value) is int and value >= 0


def _list_of(check):
    return lambda value: isinstance(value, list) and all(check(item) for item in value)


def _number_or_null(value):
    return value is None or _is_number(value)


def _fraction_or_null(value):
    return value is None or (_is_number(value) and 0.0 <= value <= 1.0)


def _is_text(value):
    return isinstance(value, str)


def _is_object(value):
    return isinstance(value, dict)


def _is_bool(value):
    return isinstance(value, bool)


# Each known key: (check, what it must be). Nested objects with known keys are dicts of the same form.
DATASET = {
    "name": (_is_text, "a string"),
    "image_shape": (_list_of(_is_count), "a list of whole numbers"),
    "classes": (_list_of(_is_text), "a list of strings"),
    "class_names": (_list_of(_is_text), "a list of strings"),
    "fingerprint": (_is_text, "a string"),
    "images": (_is_count, "a whole number"),
}
RUN = {
    "config": (_is_object, "an object"),
    "epochs": (_is_count, "a whole number"),
    "stop_reason": (_is_text, "a string"),
    "seconds": (_is_number, "a number"),
}
TRAINING_IMAGES = {  # workflows/seen_images.py: hashes of every image the network trained on
    "hash": (_is_text, "a string"),
    "count": (_is_count, "a whole number"),
    "complete": (_is_bool, "true or false"),
    "chunks": (_list_of(_is_text), "a list of strings"),
}
TRAINING = {
    "epochs": (_is_count, "a whole number"),
    "dataset": (lambda v: isinstance(v, (str, dict)), "a string or an object"),
    "held_out_accuracy": (_fraction_or_null, "a number from 0 to 1"),
    "held_out_set": (_is_text, "a string"),
    "history": (lambda v: isinstance(v, dict) and all(_list_of(_number_or_null)(item) for item in v.values()),
                "an object of lists of numbers"),
    "runs": (_list_of(_is_object), "a list of objects"),
    "training_images": (_is_object, "an object"),
    "started_from": (_is_text, "a string"),
}
TOP_LEVEL = {
    "format": (_is_text, "a string"),
    "program": (_is_text, "a string"),
    "created": (_is_text, "a string"),
    "training": (_is_object, "an object"),
}
NESTED = {("training",): TRAINING, ("training", "dataset"): DATASET,
          ("training", "training_images"): TRAINING_IMAGES}


def _check_fields(obj, fields, where):
    path = tuple(where.split(".")) if where else ()
    for key, (check, meaning) in fields.items():
        if key in obj and not check(obj[key]):
            raise TrailerProblem(f"{where + '.' if where else ''}{key} must be {meaning}, not {_kind(obj[key])}")
    for key in fields:
        child = NESTED.get(path + (key,))
        if child is not None and isinstance(obj.get(key), dict):
            _check_fields(obj[key], child, f"{where + '.' if where else ''}{key}")
    if path == ("training",):
        for i, run in enumerate(obj.get("runs", [])):
            _check_fields(run, RUN, f"training.runs[{i}]")


def _kind(value):
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    if type(value) in kinds:
        return kinds[type(value)]
    return f"the number {value!r}"
