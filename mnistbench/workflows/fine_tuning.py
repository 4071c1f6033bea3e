"""Fine-tuning on the user's own digits without forgetting the dataset it learned.

The drawn digits are the training half, less every fifth one: those are held
out, so the accuracy on your own digits after fine-tuning is measured on
digits it did not train on (the record lists the ones it did). Beside them the
network sees a replay of the current dataset's training half (a few thousand
images, the user's digits repeated to be a tenth of them) for a couple of
epochs at a tenth of the learning rate, without augmentation: the user's digits are learned while
the test accuracy stays within about a point (checked on real data in
tests/test_fine_tuning_realdata.py). The test half is the current dataset's,
so the result is also judged on images the user did not draw.
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from mnistbench.data import DIGIT_CLASSES, Dataset
from mnistbench.own_digits import check_set, empty_set
from mnistbench.workflows.evaluation import evaluate_test_set
from mnistbench.workflows.training_run import train_and_record

OWN_DIGITS_NAME = "your digits"
HOLD_OUT_EVERY = 5  # every fifth digit drawn is kept out of fine-tuning to judge it (from 5 digits on)
REPLAY_IMAGES = 3000  # images of the dataset's training half replayed beside the user's digits
OWN_SHARE = 0.1  # the user's digits are repeated to make about this share of the images trained on
EPOCHS = 2  # at most this many epochs of fine-tuning ...
LEARNING_RATE_SCALE = 0.1  # ... at this fraction of the training panel's learning rate
REPLAY_SEED = 0  # which replay images: the same ones each time for the same dataset


def fine_tuning_split(count):
    """(trained, held out): indices of ``count`` drawn digits; every fifth one is held out."""
    everything = np.arange(count)
    if count < HOLD_OUT_EVERY:
        return everything, everything[:0]
    held = everything[HOLD_OUT_EVERY - 1::HOLD_OUT_EVERY]
    return np.setdiff1d(everything, held), held


def fine_tuning_dataset(images, labels, base_dataset=None, replay=REPLAY_IMAGES) -> Dataset:
    """The digits fine-tuning trains on (the held-out fifth left out), mixed with a replay.

    With a ``base_dataset`` that has a training half, ``replay`` of its images (fewer if
    it has fewer) join the user's digits, which are repeated to be ``OWN_SHARE`` of the mix.
    """
    trained, _ = fine_tuning_split(len(labels))
    own = own_digits_dataset(np.asarray(images)[trained], np.asarray(labels).reshape(-1)[trained],
                             base_dataset)
    chosen = replay_indices(base_dataset, replay)
    if not len(chosen) or not own.n_train:
        return own
    repeats = max(1, round(OWN_SHARE * len(chosen) / ((1 - OWN_SHARE) * own.n_train)))
    train_images = np.concatenate([np.repeat(own.train_images, repeats, axis=0),
                                   base_dataset.train_images[chosen]])
    train_labels = np.concatenate([np.repeat(own.train_labels, repeats), base_dataset.train_labels[chosen]])
    return Dataset(own.name, train_images, train_labels, own.test_images, own.test_labels,
                   own.class_names, own.source)


def replay_indices(base_dataset, replay=REPLAY_IMAGES):
    """Sorted indices of ``replay`` images of ``base_dataset``'s training half (none without one)."""
    n = 0 if base_dataset is None else base_dataset.n_train
    if not n or replay <= 0:
        return np.arange(0)
    return np.sort(np.random.default_rng(REPLAY_SEED).choice(n, min(replay, n), replace=False))


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
    """The training panel's settings, gentled for fine-tuning: at most ``EPOCHS`` epochs at a tenth
    of its learning rate, held constant, on the digits as drawn (no augmentation: shifted and
    rotated copies of a dozen digits left most of them unlearned), no early stopping, and every
    validation point on the whole test half."""
    return config.replace(validation_size=0, epochs=min(config.epochs, EPOCHS), early_stopping_patience=0,
                          learning_rate=config.learning_rate * LEARNING_RATE_SCALE, schedule="constant",
                          augment=False)


@dataclass(frozen=True)
class FineTuningPlan:
    """What fine-tuning will do, for the question asked before it starts."""
    digits: int  # the user's digits
    trained: int  # of them, the ones it trains on
    held_out: int  # the ones kept out to judge it
    replay: int  # images of the dataset's training half mixed in
    dataset_name: str  # the dataset they come from ("" without one)
    epochs: int
    learning_rate: float

    def question(self) -> str:
        held = (f"{self.held_out} held out to judge it" if self.held_out else
                "none held out (keep 5 or more to judge it on digits it did not train on)")
        replay = (f", mixed with {self.replay:,} {self.dataset_name} training images so it does not forget them"
                  if self.replay else "")
        return (f"Fine-tune the current network on {self.trained} of your {self.digits} digits "
                f"({held}){replay}?\n\n{self.epochs} epoch(s) at learning rate {self.learning_rate:g}. "
                f"The network changes; save it afterwards to keep it.")


def fine_tuning_plan(labels, base_dataset, config, replay=REPLAY_IMAGES) -> FineTuningPlan:
    trained, held = fine_tuning_split(len(labels))
    tuned = fine_tuning_config(config)
    return FineTuningPlan(len(labels), len(trained), len(held), len(replay_indices(base_dataset, replay)),
                          "" if base_dataset is None else base_dataset.name, tuned.epochs, tuned.learning_rate)


def held_out_accuracy(net, images, labels) -> Optional[float]:
    """Accuracy of ``net`` on the user's held-out digits (None when none are held out)."""
    _, held = fine_tuning_split(len(labels))
    if not len(held):
        return None
    x = np.asarray(images)[held].reshape(len(held), -1) / 255.0
    return float(np.mean(net.predict(x) == np.asarray(labels).reshape(-1)[held]))


def accuracy_on_test_half(net, base_dataset) -> Optional[float]:
    """Accuracy of ``net`` on ``base_dataset``'s test half (None without one)."""
    if base_dataset is None or not base_dataset.n_test:
        return None
    return evaluate_test_set(net, base_dataset).accuracy


def fine_tuning_summary(before_test, after_test, before_own, after_own) -> str:
    """One line with both figures, before → after (either may be None: not measured)."""
    def change(what, before, after):
        return f"{what} {100 * before:.2f} % → {100 * after:.2f} %" if None not in (before, after) else ""
    parts = [change("test accuracy", before_test, after_test),
             change("your held-out digits", before_own, after_own)]
    return "fine-tuned: " + ("; ".join(p for p in parts if p) or "no test set nor held-out digits to judge it")


def fine_tune(net, images, labels, base_dataset, config, *, replay=REPLAY_IMAGES, callbacks=None,
              control=None):
    """Train ``net`` in place on the user's digits bar the held-out ones, with a replay (``train_and_record``)."""
    dataset = fine_tuning_dataset(images, labels, base_dataset, replay)
    return train_and_record(net, dataset, fine_tuning_config(config), callbacks=callbacks, control=control)
