"""Fine-tuning on the user's own digits: the dataset it trains on, then the usual train-and-record.

The drawn digits are the training half, less every fifth one: those are held
out, so the accuracy on your own digits after fine-tuning is measured on
digits it did not train on (the record lists the ones it did). The test half
is the current dataset's, so the result is also judged on images the user did not draw.
"""

import numpy as np

from mnistbench.data import DIGIT_CLASSES, Dataset
from mnistbench.own_digits import check_set, empty_set
from mnistbench.workflows.training_run import train_and_record

OWN_DIGITS_NAME = "your digits"
HOLD_OUT_EVERY = 5  # every fifth digit drawn is kept out of fine-tuning to judge it (from 5 digits on)


def fine_tuning_split(count):
    """(trained, held out): indices of ``count`` drawn digits; every fifth one is held out."""
    everything = np.arange(count)
    if count < HOLD_OUT_EVERY:
        return everything, everything[:0]
    held = everything[HOLD_OUT_EVERY - 1::HOLD_OUT_EVERY]
    return np.setdiff1d(everything, held), held


def fine_tuning_dataset(images, labels, base_dataset=None) -> Dataset:
    """``own_digits_dataset`` of the digits fine-tuning trains on: the held-out fifth left out."""
    trained, _ = fine_tuning_split(len(labels))
    return own_digits_dataset(np.asarray(images)[trained], np.asarray(labels).reshape(-1)[trained],
                              base_dataset)


def own_digits_dataset(images, labels, base_dataset=None) -> Dataset:
    """A Dataset of the user's digits for training, with ``base_dataset``'s test half (if any).

    ``images`` are uint8 (n, 28, 28), or network inputs in [0, 1] of n x 784 values;
    labels are 0..9. Raises DatasetError (one line) on anything else.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 and images.size and images.size == len(images) * 784:
        images = np.clip(np.round(images.reshape(len(images), 28, 28) * 255), 0, 255).astype(np.uint8)
    images, labels = check_set(images, np.asarray(labels).reshape(-1), where=OWN_DIGITS_NAME)
    if base_dataset is None or not base_dataset.n_test:
        return Dataset(OWN_DIGITS_NAME, images, labels, *empty_set(), DIGIT_CLASSES, OWN_DIGITS_NAME)
    # The source is the base's folder: the record then sends `mnistbench test` to that test half.
    return Dataset(OWN_DIGITS_NAME, images, labels, base_dataset.test_images, base_dataset.test_labels,
                   DIGIT_CLASSES, base_dataset.source)


def fine_tuning_config(config):
    """The training settings for fine-tuning: every validation point uses the whole test half."""
    return config.replace(validation_size=0)


def fine_tune(net, images, labels, base_dataset, config, *, callbacks=None, control=None):
    """Train ``net`` in place on the user's digits bar the held-out ones (``train_and_record``)."""
    dataset = fine_tuning_dataset(images, labels, base_dataset)
    return train_and_record(net, dataset, fine_tuning_config(config), callbacks=callbacks, control=control)
