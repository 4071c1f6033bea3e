"""Every training hyper-parameter in one frozen dataclass.

The workbench's training panel and the CLI both build a ``TrainingConfig``;
the engine only ever reads one. Defaults train a good MNIST network in well
under a minute on two cores.
"""

import dataclasses
from dataclasses import dataclass

from mnistbench.errors import ConfigError

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam")
SCHEDULES = ("constant", "step", "cosine")


@dataclass(frozen=True)
class TrainingConfig:
    # optimiser
    optimizer: str = "adam"  # sgd | momentum | nesterov | adam
    learning_rate: float = 1e-3  # step size at the start of training
    momentum: float = 0.9  # velocity decay for momentum / nesterov
    beta1: float = 0.9  # Adam: decay of the running mean of gradients
    beta2: float = 0.999  # Adam: decay of the running mean of squared gradients
    epsilon: float = 1e-8  # Adam: keeps the division finite
    # regularisation
    weight_decay: float = 0.0  # L2: adds weight_decay * W to every weight gradient
    dropout: float = 0.0  # probability of zeroing a hidden activation while training
    augment: bool = False  # randomly shift and rotate 28x28 inputs each batch
    augment_shift: float = 2.0  # largest shift, in pixels
    augment_rotation: float = 10.0  # largest rotation, in degrees
    binarize: bool = False  # train on black-and-white digits: pixels >= 0.5 become 1, the rest 0
    # learning-rate schedule
    schedule: str = "constant"  # constant | step | cosine
    step_epochs: int = 10  # step: multiply the rate by step_gamma every this many epochs
    step_gamma: float = 0.1
    # the loop
    batch_size: int = 64
    epochs: int = 5
    validation_size: int = 1000  # random validation subset size for each evaluation
    evaluations_per_epoch: int = 4  # how often the validation curve gets a point
    early_stopping_patience: int = 0  # epochs without improvement before stopping; 0 = off
    seed: int = 0  # shuffling, dropout, augmentation and validation subsets

    def __post_init__(self):
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_choice("schedule", self.schedule, SCHEDULES)
        _check_range("learning_rate", self.learning_rate, 0.0, 10.0, low_open=True)
        for name in ("momentum", "beta1", "beta2", "step_gamma"):
            _check_range(name, getattr(self, name), 0.0, 1.0)
        _check_range("epsilon", self.epsilon, 0.0, 1.0, low_open=True)
        _check_range("weight_decay", self.weight_decay, 0.0, 1.0)
        _check_range("dropout", self.dropout, 0.0, 0.95)
        _check_range("augment_shift", self.augment_shift, 0.0, 10.0)
        _check_range("augment_rotation", self.augment_rotation, 0.0, 90.0)
        for name in ("augment", "binarize"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be true or false, not {getattr(self, name)!r}")
        for name, low, high in (("batch_size", 1, 65536), ("epochs", 1, 100000),
                                ("step_epochs", 1, 100000), ("validation_size", 0, 10**8),
                                ("evaluations_per_epoch", 0, 1000),
                                ("early_stopping_patience", 0, 100000), ("seed", 0, 2**63 - 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ConfigError(f"{name} must be a whole number from {low} to {high}, not {value!r}")

    def replace(self, **changes):
        """A copy with some values changed (and checked again)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigError(f"unknown training setting(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)

    def describe(self):
        """A JSON-safe dict, stored in the network file's training record."""
        return dataclasses.asdict(self)


def check_choice(name, value, choices):
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def _check_range(name, value, low, high, low_open=False):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and (low < value if low_open else low <= value) and value <= high
    if not ok:
        bracket = "(" if low_open else "["
        raise ConfigError(f"{name} must be a number in {bracket}{low}, {high}], not {value!r}")
