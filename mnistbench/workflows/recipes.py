"""Named training recipes: the settings behind the bundled networks and the bench.

Each recipe is an architecture (the keys ``architecture_from_args`` gives)
and TrainingConfig values by field name. `mnistbench train --recipe NAME`
starts from them (flags given on the command line still win); the bench
trains with them directly. The network's initial weights take the config's seed.
"""

from mnistbench.engine.config import TrainingConfig
from mnistbench.engine.network import Network
from mnistbench.errors import ConfigError

RELU_SOFTMAX = dict(activation="relu", output="softmax", loss="cross_entropy", init="he")

RECIPES = {
    # Nielsen's network.py, the from-scratch MNIST code people know: 784-30-10 sigmoid,
    # quadratic cost, SGD with learning rate 3.0, mini-batches of 10, 30 epochs.
    "classic": {
        "title": "Classic: Nielsen's 784-30-10 sigmoid, SGD, 30 epochs",
        "architecture": dict(layer_sizes=[784, 30, 10], activation="sigmoid", output="sigmoid",
                             loss="quadratic", init="classic"),
        "config": dict(optimizer="sgd", learning_rate=3.0, batch_size=10, epochs=30, seed=0)},
    # The reference configuration for speed comparisons.
    "reference": {
        "title": "Reference: 784-256-128-10, Adam, 10 epochs (the speed benchmark's)",
        "architecture": dict(layer_sizes=[784, 256, 128, 10], **RELU_SOFTMAX),
        "config": dict(optimizer="adam", learning_rate=1e-3, batch_size=128, epochs=10, seed=0)},
    # The best we found on 8,000 MNIST digits: augmentation does most of the work.
    "best-mnist": {
        "title": "Best MNIST: 784-512-128-10, augmented, 40 epochs",
        "architecture": dict(layer_sizes=[784, 512, 128, 10], **RELU_SOFTMAX),
        "config": dict(optimizer="adam", learning_rate=1e-3, schedule="cosine", batch_size=64, epochs=40,
                       dropout=0.2, augment=True, seed=0)},
    # The quick good network (issue 15): aims at 98 % on 8,000 MNIST digits in a quarter of best-mnist's
    # time (`mnistbench bench quick` prints both, measured in the same run). The workbench's default.
    # One wide hidden layer (its first-layer products are most of an epoch, so narrower layers lost more
    # accuracy than time: 384 wide 97.90 %, 256 wide 97.73 %), no dropout, a higher rate with a cosine
    # decay, and gentler augmentation than best-mnist's, which fits in fewer epochs: 12 epochs gave
    # 98.08 % (seeds 0-2) and 98.00 % (seeds 3-5); 16 epochs at 3e-3 with ±2 px / ±10° 98.00 %,
    # ±1 px / ±6° only 97.5 %.
    "quick": {
        "title": "Quick good network: 784-512-10, augmented, 12 epochs (about 98 % on MNIST digits)",
        "architecture": dict(layer_sizes=[784, 512, 10], **RELU_SOFTMAX),
        "config": dict(optimizer="adam", learning_rate=4e-3, schedule="cosine", batch_size=64, epochs=12,
                       augment=True, augment_shift=1.5, augment_rotation=8.0, seed=0)},
    # The best we found on Fashion-MNIST (60,000 images).
    "best-fashion": {
        "title": "Best Fashion-MNIST: 784-384-128-10, dropout, 40 epochs",
        # 384, not 512: as good (90.17 % against 90.35 %) in 61 % of the time, and the bundled
        # file with its 60,000 image hashes stays under 2 MiB
        "architecture": dict(layer_sizes=[784, 384, 128, 10], **RELU_SOFTMAX),
        "config": dict(optimizer="adam", learning_rate=1e-3, schedule="cosine", batch_size=128, epochs=40,
                       dropout=0.3, seed=0)},
}


DEFAULT_RECIPE = "quick"  # what the workbench's forms hold before anything is loaded


def recipe_title(name) -> str:
    """One line saying what the recipe makes, for choosers and help."""
    return _recipe(name)["title"]


def _recipe(name):
    if name not in RECIPES:
        raise ConfigError(f"unknown recipe {name!r}; choose from {', '.join(RECIPES)}")
    return RECIPES[name]


def recipe_config(name) -> TrainingConfig:
    """The recipe's TrainingConfig (fields it does not name keep their defaults)."""
    return TrainingConfig(**_recipe(name)["config"])


def recipe_architecture(name) -> dict:
    """{layer_sizes, activation, output, loss, init} of the recipe's network."""
    architecture = dict(_recipe(name)["architecture"])
    architecture["layer_sizes"] = list(architecture["layer_sizes"])
    return architecture


def build_network(architecture, seed=0, dtype="float32"):
    """A freshly initialised Network from an architecture dict (as ``recipe_architecture`` gives)."""
    return Network(architecture["layer_sizes"], activation=architecture["activation"],
                   output=architecture["output"], loss=architecture["loss"], init=architecture["init"],
                   seed=seed, dtype=dtype)
