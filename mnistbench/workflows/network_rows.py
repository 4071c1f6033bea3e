"""Network files as rows of the table of models, with the seen-data check.

A file's row comes from its header and training record (no data needed). A
held-out figure is only honest on images the network never trained on, so
``measure_rows`` (``compare --data``) tests every network on one dataset's
test half and counts how many of those images were in the network's
training set (found from its record, checked by fingerprint): the warning
says how many, and what the accuracy is on the others.
"""

import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np

from mnistbench.bundled import bundled_names, is_bundled, resolve_network
from mnistbench.data import load_dataset
from mnistbench.errors import DatasetError
from mnistbench.netfile import DEFAULT_EXTENSION, load_network
from mnistbench.workflows.evaluation import evaluate_test_set
from mnistbench.workflows.run_rows import RunRow
from mnistbench.workflows.training_record import fingerprint


def network_row(name_or_path):
    """(RunRow, Network) of a network file or a bundled network's name."""
    path = resolve_network(name_or_path)
    net = load_network(path)
    record = net.metadata.get("training", {})
    runs = record.get("runs") or [{}]
    dataset = record.get("dataset")
    seconds = [run.get("seconds") for run in record.get("runs", []) if run.get("seconds") is not None]
    row = RunRow(id=None, status="bundled" if is_bundled(path) else "file", network=str(path),
                 layer_sizes=tuple(net.layer_sizes), parameters=net.parameter_count,
                 dataset=(dataset.get("name", "") if isinstance(dataset, dict) else str(dataset or "")),
                 held_out_accuracy=record.get("held_out_accuracy"), held_out_set=record.get("held_out_set", ""),
                 seconds=sum(seconds) if seconds else None, epochs=record.get("epochs", 0),
                 settings=runs[-1].get("config", {}), message=runs[-1].get("message", ""))
    return row, net


def folder_rows(folder=None):
    """Rows of every ``.nn`` file in ``folder`` (the bundled networks when None), sorted by name."""
    if folder is None:
        return [network_row(name)[0] for name in bundled_names()]
    return [network_row(path)[0] for path in sorted(Path(folder).glob("*" + DEFAULT_EXTENSION))]


def measure_rows(rows_and_networks, dataset):
    """Rows re-measured on ``dataset``'s test half, each with a warning when it saw some of those images."""
    dataset.require_test()
    test_keys = image_keys(dataset.test_images)
    measured = []
    for row, net in rows_and_networks:
        evaluation = evaluate_test_set(net, dataset)
        row = replace(row, held_out_accuracy=round(evaluation.accuracy, 6),
                      held_out_set=f"{dataset.name} test set ({dataset.n_test} images)")
        seen, why = seen_mask(net, test_keys)
        if seen is None:
            row = replace(row, warning=why)
        elif seen.any():
            unseen = ~seen
            others = (f"on the {int(unseen.sum()):,} others: "
                      f"{np.mean(evaluation.predicted_labels[unseen] == evaluation.true_labels[unseen]):.2%}"
                      if unseen.any() else "it has seen all of them")
            row = replace(row, warning=f"{int(seen.sum()):,} of these {dataset.n_test:,} images were in this "
                                       f"network's training set; {others}{why}")
        measured.append(row)
    return measured


def seen_mask(net, test_keys):
    """(bool array: which test images the network trained on, note) or (None, why it cannot tell)."""
    described = net.metadata.get("training", {}).get("dataset")
    if isinstance(described, str) and described:  # older records name the dataset only
        described = {"name": described}
    if not isinstance(described, dict) or not (described.get("source") or described.get("name")):
        return None, "its record does not say what it trained on: cannot tell whether it saw these images"
    trained_on = None
    for where in dict.fromkeys(w for w in (described.get("source"), described.get("name")) if w):
        try:
            trained_on = load_dataset(where)
            break
        except DatasetError:
            continue
    if trained_on is None:
        return None, f"its training data ({described.get('name')}) is not here: cannot check for seen images"
    note = ""
    if not described.get("fingerprint"):
        note = f" (its record names {trained_on.name} but no fingerprint: going by the name)"
    elif fingerprint(trained_on.train_images, trained_on.train_labels) != described["fingerprint"]:
        return None, f"{trained_on.name} here differs from the data it trained on: cannot check for seen images"
    return np.isin(test_keys, image_keys(trained_on.train_images)), note


def image_keys(images):
    """One 64-bit digest per image: equal images, equal keys."""
    flat = np.ascontiguousarray(images).reshape(len(images), -1)
    return np.array([int.from_bytes(hashlib.blake2b(image.tobytes(), digest_size=8).digest(), "little")
                     for image in flat], dtype=np.uint64)
