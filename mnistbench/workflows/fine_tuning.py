"""Fine-tuning on the user's own digits: the dataset it trains on, then the usual train-and-record.

The drawn digits are the training half; the test half is the current
dataset's, so the result is judged on images the user did not draw.
"""

import numpy as np

from mnistbench.data import DIGIT_CLASSES, Dataset
from mnistbench.own_digits import check_set, empty_set
from mnistbench.workflows.training_run import train_and_record

OWN_DIGITS_NAME = "your digits"


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
    """Train ``net`` in place on the user's digits (see ``train_and_record``); a TrainingOutcome."""
    dataset = own_digits_dataset(images, labels, base_dataset)
    return train_and_record(net, dataset, fine_tuning_config(config), callbacks=callbacks, control=control)
