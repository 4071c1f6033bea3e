"""`mnistbench predict`: read a digit, or a whole number, from each image.

Every image is read on its own: one that cannot be read gets its one-line
error and the others go on (exit 1 at the end). `--number` reads several
digits side by side; `--steps` writes the preprocessing of the first image.
"""

import json
import sys

import numpy as np

from mnistbench.bundled import resolve_network
from mnistbench.errors import MnistbenchError
from mnistbench.images import load_digit, save_steps_png
from mnistbench.netfile import load_network
from mnistbench.number_reading import format_number, number_record, read_number_file
from mnistbench.workflows.evaluation import network_inputs


def predict_command(args):
    net = load_network(resolve_network(args.file))
    classes = net.metadata.get("class_names") or [str(i) for i in range(net.layer_sizes[-1])]
    failed = 0
    if args.steps:
        failed += not _write_steps(args)
    read = _read_number if args.number else _read_digit
    rows = []
    for path in args.images:
        try:
            row, line = read(net, classes, path, args.threshold)
        except MnistbenchError as error:
            failed += 1
            print(f"mnistbench: {error}", file=sys.stderr)
            rows.append({"image": str(path), "error": str(error)})
            continue
        rows.append(row)
        if not args.json:
            print(line, flush=True)
    if args.json:
        print(json.dumps(rows, indent=2))
    if failed:
        print(f"mnistbench: {failed} of {len(args.images)} images could not be read", file=sys.stderr)
    return 1 if failed else 0


def _read_digit(net, classes, path, threshold):
    """One digit: its reading, every class's probability and where it was found in the image."""
    steps = load_digit(path, steps=True, threshold=threshold)
    p = net.predict_proba(network_inputs(net, steps.centred_28[np.newaxis]))[0]
    best = int(p.argmax())
    top, left, bottom, right = steps.image_box
    row = {"image": str(path), "prediction": classes[best], "probability": float(p[best]),
           "probabilities": [round(float(v), 6) for v in p],
           "box": {"top": top, "left": left, "bottom": bottom, "right": right}}
    spread = " ".join(f"{classes[i]}:{v:.2f}" for i, v in enumerate(p))
    return row, f"{path}: {classes[best]} ({p[best]:.1%})   {spread}"


def _read_number(net, classes, path, threshold):
    """Several digits side by side: the number, each digit's confidence and box."""
    reading = read_number_file(net, path, classes, threshold=threshold)
    return number_record(reading, path), f"{path}: {format_number(reading)}"


def _write_steps(args) -> bool:
    try:
        save_steps_png(args.steps, load_digit(args.images[0], steps=True, threshold=args.threshold))
    except MnistbenchError as error:
        print(f"mnistbench: {error}", file=sys.stderr)
        return False
    print(f"wrote the preprocessing steps of {args.images[0]} to {args.steps}", file=sys.stderr)
    return True
