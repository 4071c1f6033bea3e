"""Add the list of training images (``training["training_images"]``) to network files made before it existed.

    python scripts/add_training_images.py mnistbench/networks/best-fashion.nn [...]

Retraining is the plain way (``scripts/make_networks.sh``); this is for a file
whose weights should stay as they are. The images are recomputed from the
dataset the record names, and only when the file proves it is that data: the
record's dataset fingerprint must match, or, for records older than the
fingerprint, the recorded held-out accuracy must come out again to six places on
that dataset's test half. The run's validation rule picks the images it trained
on; when the record does not say, every training image counts as seen (too
many, never too few: warnings about seen test images only get stricter).
"""

import argparse
import re
import sys

from mnistbench.data import load_dataset
from mnistbench.errors import MnistbenchError
from mnistbench.netfile import load_network, save_network
from mnistbench.workflows.evaluation import evaluate_test_set
from mnistbench.workflows.seen_images import SeenImages
from mnistbench.workflows.training_record import dataset_name, fingerprint, last_run_config
from mnistbench.workflows.training_run import trained_images
from mnistbench.workflows.validation_split import training_data

HELD_OUT = re.compile(r"^([\d,]+) training images held out")


def prove_same_data(net, dataset) -> str:
    """How the file shows it was trained on ``dataset``; raises MnistbenchError when it does not."""
    record = net.metadata["training"]
    recorded = record.get("dataset")
    if isinstance(recorded, dict) and recorded.get("fingerprint"):
        if recorded["fingerprint"] != fingerprint(dataset.train_images, dataset.train_labels):
            raise MnistbenchError(f"{dataset.name}'s training half differs from the one recorded")
        return "the dataset fingerprint matches"
    accuracy = round(evaluate_test_set(net, dataset).accuracy, 6)
    if accuracy != record.get("held_out_accuracy"):
        raise MnistbenchError(f"no dataset fingerprint, and the held-out accuracy on {dataset.name} is "
                              f"{accuracy}, not the recorded {record.get('held_out_accuracy')}")
    return f"no dataset fingerprint; the recorded held-out accuracy {accuracy} comes out again"


def add_training_images(path) -> str:
    net = load_network(path)
    record = net.metadata.get("training", {})
    if len(record.get("runs", [])) != 1:
        raise MnistbenchError(f"{path}: only a network of one recorded run can be rebuilt this way")
    recorded = record.get("dataset")
    dataset = load_dataset(recorded.get("source") if isinstance(recorded, dict) else dataset_name(net))
    proof = prove_same_data(net, dataset)
    validation = record["runs"][0].get("validation")
    if validation is None:  # the record does not say what was held out: count them all as seen
        seen = SeenImages.from_images(dataset.train_images)
    else:
        match = HELD_OUT.match(validation)
        holdout = int(match.group(1).replace(",", "")) if match else 0
        seen = SeenImages.from_images(trained_images(dataset, training_data(dataset, last_run_config(net), holdout)))
    record["training_images"] = seen.to_record()
    save_network(net, path)
    return f"{path}: {proof}; recorded {len(seen.hashes):,} training images of {dataset.name}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    status = 0
    for path in parser.parse_args(argv).files:
        try:
            print(add_training_images(path))
        except MnistbenchError as error:
            print(f"add_training_images: {error}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
