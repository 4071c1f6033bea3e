"""The training record a network carries in its file: what it learnt from and how well it did.

Every run, from the CLI, the window, the bench or fine-tuning, writes the same
keys (the engine has already appended the run's config and history):

- ``dataset``: {name, source, image_shape, classes, n_train, fingerprint} of the last run's data;
- ``runs[-1]``: also the dataset name and fingerprint, the validation rule and message;
  its ``held_out``: {accuracy, set, count};
- ``held_out_accuracy``, ``held_out_set``, ``held_out_count``: the latest held-out result;
- ``test_dataset``: {name, source, fingerprint} of the test half it was measured on, if any;
- ``training_images``: a hash of every image any run trained on (``seen_images.SeenImages``);
  the held-out result leaves out test images among them and says so;
- ``metadata["class_names"]``.

``find_evaluation_dataset`` reads it back for ``mnistbench test``; older files
whose ``dataset`` is a bare name still work.
"""

import dataclasses
import hashlib
from pathlib import Path

import numpy as np

from mnistbench.data import load_dataset
from mnistbench.engine.config import TrainingConfig
from mnistbench.errors import ConfigError, DatasetError

FALLBACK_DATASET = "mnist"  # what a network without a record is tested on
_CONFIG_FIELDS = {field.name for field in dataclasses.fields(TrainingConfig)}


def fingerprint(images, labels):
    """A short hex digest of images and labels: equal data, equal fingerprint."""
    digest = hashlib.sha256(np.ascontiguousarray(images).tobytes())
    digest.update(np.asarray(labels, dtype=np.int64).tobytes())
    return digest.hexdigest()[:16]


def describe_dataset(dataset):
    """The JSON-safe description of a dataset's training half kept in the record."""
    return {"name": dataset.name, "source": _where(dataset),
            "image_shape": list(dataset.train_images.shape[1:]), "classes": list(dataset.class_names),
            "n_train": dataset.n_train, "fingerprint": fingerprint(dataset.train_images, dataset.train_labels)}


def _where(dataset):
    """The dataset's folder as an absolute path (found again from any working directory)."""
    folder = Path(dataset.source)
    return str(folder.resolve()) if folder.is_dir() else str(dataset.source)


def record_training(net, dataset, result, validation_description, held_out=None, tested_on=None,
                    seen_images=None):
    """Complete the run the engine just appended; ``held_out`` is (Evaluation, set description) or None.

    ``tested_on`` is the dataset whose test half the held-out result comes from (None otherwise);
    ``seen_images`` (SeenImages) every image the network has trained on, this run included.
    """
    record = net.metadata.setdefault("training", {})
    record["dataset"] = describe_dataset(dataset)
    run = record["runs"][-1]
    run.update(dataset=dataset.name, fingerprint=record["dataset"]["fingerprint"],
               validation=validation_description, message=result.message)
    for key in ("held_out_accuracy", "held_out_set", "held_out_count", "test_dataset"):
        record.pop(key, None)  # a result about earlier weights would mislead
    if seen_images is not None:
        record["training_images"] = seen_images.to_record()
    if held_out is not None:
        evaluation, description = held_out
        if evaluation.seen_count:  # an earlier run trained on some of them: judge on the others
            description += f", less the {evaluation.seen_count:,} seen in training"
            evaluation = evaluation.unseen()
        run["held_out"] = {"accuracy": round(evaluation.accuracy, 6), "set": description,
                           "count": evaluation.count}
        record.update(held_out_accuracy=run["held_out"]["accuracy"], held_out_set=description,
                      held_out_count=evaluation.count)
    if tested_on is not None:
        record["test_dataset"] = {"name": tested_on.name, "source": _where(tested_on),
                                  "fingerprint": fingerprint(tested_on.test_images, tested_on.test_labels)}
    net.metadata["class_names"] = list(dataset.class_names)


def find_evaluation_dataset(net):
    """(dataset, note): the dataset to test ``net`` on, found from its record; ``note`` is "" or one
    line saying why it may not be the data the record names. MNIST for a network without a record."""
    record = net.metadata.get("training", {})
    wanted = record.get("test_dataset") or {}
    candidates = []
    for entry in (wanted, record.get("dataset")):
        if isinstance(entry, str):  # files written before the record described its data
            entry = {"name": entry}
        if isinstance(entry, dict):
            candidates += [entry.get(key) for key in ("name", "source") if entry.get(key)]
    candidates.append(FALLBACK_DATASET)
    first = first_error = None
    for candidate in dict.fromkeys(candidates):  # in order, without repeats
        try:
            dataset = load_dataset(candidate)
            dataset.require_test()
        except DatasetError as error:
            first_error = first_error or error
            continue
        if wanted.get("fingerprint") == fingerprint(dataset.test_images, dataset.test_labels):
            return dataset, ""
        first = first or dataset
    if first is None:
        raise first_error
    if wanted:
        return first, f"note: {first.name}'s test set differs from the one recorded ({wanted.get('name')})"
    if len(candidates) == 1:
        return first, f"note: no training record names a dataset; testing on {first.name}"
    return first, ""


def last_run_config(net):
    """The TrainingConfig of the network's last recorded run (None without one): Train continues alike.

    Only the settings this version knows are read; a value out of range is a ConfigError.
    """
    runs = net.metadata.get("training", {}).get("runs") or []
    recorded = runs[-1].get("config") if runs else None
    if not isinstance(recorded, dict):
        return None
    known = {name: value for name, value in recorded.items() if name in _CONFIG_FIELDS}
    try:
        return TrainingConfig().replace(**known)
    except (ConfigError, TypeError, ValueError) as error:
        raise ConfigError(f"the network's last run has a setting this version refuses: {error}") from None


def recorded_classes(net):
    """The class names the network was trained on, or None when its file does not say."""
    names = net.metadata.get("class_names")
    if not isinstance(names, list):
        dataset = net.metadata.get("training", {}).get("dataset")
        names = dataset.get("classes") if isinstance(dataset, dict) else None
    return [str(name) for name in names] if isinstance(names, list) else None


def dataset_mismatch(net, dataset) -> str:
    """One line when ``net`` cannot be judged on ``dataset`` (other classes or outputs); else ""."""
    if dataset is None:
        return ""
    if net.layer_sizes[-1] != len(dataset.class_names):
        return (f"this network has {net.layer_sizes[-1]} outputs and {dataset.name} has "
                f"{len(dataset.class_names)} classes")
    classes = recorded_classes(net)
    if classes is None or classes == list(dataset.class_names):
        return ""
    trained_on = dataset_name(net) or "other data"
    return f"this network was trained on {trained_on} ({', '.join(classes[:3])}, …), not on {dataset.name}'s classes"


def dataset_name(net) -> str:
    """The name of the dataset the network was last trained on, "" when its record does not say."""
    recorded = net.metadata.get("training", {}).get("dataset")
    recorded = recorded.get("name", "") if isinstance(recorded, dict) else recorded
    return recorded if isinstance(recorded, str) else ""


def note_started_from(net, where: str) -> None:
    """Say in the record which file the next run starts from (a bundled network is never saved over)."""
    net.metadata.setdefault("training", {})["started_from"] = where
