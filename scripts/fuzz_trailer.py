"""Fuzz the network file's JSON trailer through `info`, `test` and the window's panels.

    python scripts/fuzz_trailer.py [--count 10000] [--seed 0] [--no-panels]

Each round mutates a real training record (a value replaced by another type,
a key dropped or added, a list emptied or grown, deep nesting, bytes of the
JSON text flipped), writes it as a network file's trailer, and then runs
`mnistbench info`, `mnistbench test` (on a small generated dataset) and, for
files that load, every network panel's ``set_network``. The only acceptable
outcomes are success or one-line messages; any traceback is printed and
counted, and the script exits 1 if there was one.
"""

import argparse
import contextlib
import io
import json
import os
import random
import struct
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np

from mnistbench.cli import main as cli_main
from mnistbench.data.idx import write_idx
from mnistbench.engine.network import Network
from mnistbench.errors import MnistbenchError
from mnistbench.netfile import load_network, save_network

ODD_VALUES = (None, True, 0, -1, 1.5, 1e308, "", "x" * 300, [], {}, [1, "a", None], {"k": [{}]},
              "mnist", [[[[[]]]]], 2 ** 63, -0.0)


def base_network():
    net = Network([784, 16, 10], activation="relu", output="softmax", loss="cross_entropy", seed=0)
    net.metadata["class_names"] = [str(i) for i in range(10)]
    net.metadata["training"] = {
        "dataset": {"name": "generated", "image_shape": [28, 28], "classes": list("0123456789"),
                    "fingerprint": "ab" * 8},
        "epochs": 2, "held_out_accuracy": 0.5, "held_out_set": "generated test set (50 images)",
        "history": {"train_loss": [1.0, 0.5], "validation_loss": [None, 0.7]},
        "runs": [{"config": {"optimizer": "adam", "learning_rate": 0.001}, "epochs": 2,
                  "stop_reason": "completed", "seconds": 1.5}]}
    return net


def paths_of(value, prefix=()):
    """Every (path, value) inside a JSON value."""
    yield prefix, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_of(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths_of(item, prefix + (i,))


def mutate(metadata, rng):
    """One structural mutation of a copy of ``metadata``."""
    data = json.loads(json.dumps(metadata))
    places = [p for p, _ in paths_of(data) if p]
    path = rng.choice(places)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    action = rng.randrange(5)
    if action == 0:
        parent[key] = rng.choice(ODD_VALUES)
    elif action == 1 and isinstance(parent, dict):
        del parent[key]
    elif action == 2:
        nested = value = []
        for _ in range(rng.choice((5, 40, 400))):
            value.append([])
            value = value[0]
        parent[key] = nested
    elif action == 3 and isinstance(parent[key], list):
        parent[key] = parent[key] * rng.choice((0, 2, 50))
    else:
        target = parent[key] if isinstance(parent[key], dict) else data
        target[rng.choice(("extra", "training", "dataset", "runs", "history"))] = rng.choice(ODD_VALUES)
    return data


def trailer_text(metadata, rng):
    text = json.dumps(metadata)
    if rng.random() < 0.15:  # flip a few characters of the JSON text itself
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            chars[rng.randrange(len(chars))] = rng.choice('{}[]",:0a\\ ')
        text = "".join(chars)
    return text.encode("utf-8", "surrogatepass")


def write_with_trailer(path, payload, body):
    path.write_bytes(payload + b"MNBJ" + struct.pack("<I", len(body)) + body)


def generated_dataset(folder):
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 60), ("t10k", 50)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", rng.integers(0, 10, n).astype(np.uint8))
    return folder


def run_cli(argv):
    """Exit code and stderr of one in-process CLI call; a traceback escapes as an exception."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli_main(argv)
    lines = err.getvalue().strip().splitlines()
    if code not in (0, 1) or any(not line.startswith("mnistbench: ") for line in lines):
        raise AssertionError(f"exit {code}, stderr {lines[:3]}")  # each message is one line of its own
    return code


class Panels:
    """The window's network panels, built once offscreen."""

    def __init__(self):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication
        from mnistbench.gui.panels.digit_pad.digit_pad_panel import DigitPadPanel
        from mnistbench.gui.panels.image_browser.image_browser_panel import ImageBrowserPanel
        from mnistbench.gui.panels.imagine.imagine_panel import ImaginePanel
        from mnistbench.gui.panels.inspector.inspector_panel import InspectorPanel
        from mnistbench.gui.panels.own_digits.own_digits_panel import OwnDigitsPanel

        self.app = QApplication.instance() or QApplication([])
        self.panels = [InspectorPanel(), ImageBrowserPanel(), DigitPadPanel(), ImaginePanel(), OwnDigitsPanel()]

    def show(self, net):
        for panel in self.panels:
            panel.set_network(net)
        self.app.processEvents()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-panels", action="store_true", help="only the command line")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tracebacks, loaded, refused = 0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["MNISTBENCH_CACHE"] = str(tmp / "cache")  # never touch the user's cache
        data = generated_dataset(tmp / "data")
        base = base_network()
        save_network(base, tmp / "base.nn")
        raw = (tmp / "base.nn").read_bytes()
        payload = raw[:raw.index(b"MNBJ")]
        metadata = json.loads(raw[len(payload) + 8:])
        panels = None if args.no_panels else Panels()
        path = tmp / "fuzzed.nn"
        for round_ in range(args.count):
            write_with_trailer(path, payload, trailer_text(mutate(metadata, rng), rng))
            try:
                try:
                    net = load_network(path)
                    loaded += 1
                except MnistbenchError as error:
                    assert "\n" not in str(error), str(error)
                    refused += 1
                    net = None
                run_cli(["info", str(path)])
                if round_ % 10 == 0:  # `test` reads the dataset: every tenth round keeps the run short
                    run_cli(["test", str(path), "--data", str(data)])
                if net is not None and panels is not None and round_ % 5 == 0:
                    panels.show(net)
                    save_network(net, tmp / "resaved.nn")  # what loads must save again
            except Exception:  # noqa: BLE001 - the fuzzer's job is to report every kind
                tracebacks += 1
                print(f"round {round_}: traceback with trailer {path.read_bytes()[len(payload) + 8:][:200]!r}")
                traceback.print_exc()
            if (round_ + 1) % 1000 == 0:
                print(f"{round_ + 1:,} trailers: {loaded:,} loaded, {refused:,} refused in one line, "
                      f"{tracebacks} tracebacks", flush=True)
    print(f"done: {args.count:,} mutated trailers through info, test and the panels; "
          f"{loaded:,} loaded, {refused:,} refused in one line, {tracebacks} tracebacks")
    return 1 if tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
