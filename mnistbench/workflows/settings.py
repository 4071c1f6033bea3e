"""Every training and architecture setting in one table: CLI flags, form rows, help, ranges.

The CLI's ``train`` options and the workbench's training form are both built
from these rows, so adding a ``TrainingConfig`` field means adding one row
here (a test checks that every field has exactly one). The ranges repeat the
config's own checks so widgets can be bounded; a test checks they agree.
"""

import argparse
from dataclasses import dataclass
from typing import Optional

from mnistbench.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from mnistbench.engine.config import OPTIMIZERS, SCHEDULES, TrainingConfig
from mnistbench.engine.initializers import INITIALIZERS
from mnistbench.engine.losses import LOSSES
from mnistbench.errors import ConfigError

KINDS = ("float", "int", "bool", "choice", "layers")


@dataclass(frozen=True)
class Setting:
    field: str  # the TrainingConfig field (or architecture key) it sets
    flags: tuple  # CLI flags, the canonical one first, then friendly aliases
    label: str  # the form's row label
    help: str  # the form's tooltip and the CLI's help
    kind: str  # float | int | bool | choice | layers
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    step: float = 1  # a spin box's step
    log_scale: bool = False  # typed in many magnitudes (1e-3, 0.1): a text field, not a spin box
    choices: tuple = ()
    applies_when: Optional[tuple] = None  # (field, values): only relevant then; the form greys it out
    default: object = None  # architecture rows only; training rows take TrainingConfig's defaults


def _s(field, flags, label, help, kind, minimum=None, maximum=None, **more):
    return Setting(field, tuple(flags), label, help, kind, minimum, maximum, **more)


ADAM, MOMENTUM = ("optimizer", ("adam",)), ("optimizer", ("momentum", "nesterov"))
STEP, AUGMENT = ("schedule", ("step",)), ("augment", (True,))

TRAINING_SETTINGS = (
    _s("optimizer", ["--optimizer"], "Optimiser", "How gradients become steps: plain SGD, momentum, "
       "Nesterov momentum, or Adam (adaptive, the easy default)", "choice", choices=OPTIMIZERS),
    _s("learning_rate", ["--learning-rate", "--lr"], "Learning rate",
       "Step size at the start of training; Adam likes 0.001, SGD 0.1", "float", 0.0, 10.0, log_scale=True),
    _s("momentum", ["--momentum"], "Momentum", "Momentum/Nesterov: how much of the last step carries on",
       "float", 0.0, 1.0, step=0.05, applies_when=MOMENTUM),
    _s("beta1", ["--beta1"], "Adam β1", "Adam: decay of the running mean of gradients", "float", 0.0, 1.0,
       step=0.01, applies_when=ADAM),
    _s("beta2", ["--beta2"], "Adam β2", "Adam: decay of the running mean of squared gradients", "float",
       0.0, 1.0, step=0.001, applies_when=ADAM),
    _s("epsilon", ["--epsilon"], "Adam ε", "Adam: keeps the division finite", "float", 0.0, 1.0,
       log_scale=True, applies_when=ADAM),
    _s("schedule", ["--schedule"], "Schedule", "Learning rate over time: constant, divided in steps, "
       "or a cosine fall to zero", "choice", choices=SCHEDULES),
    _s("step_epochs", ["--step-epochs"], "Step every (epochs)", "Step schedule: epochs between rate drops",
       "int", 1, 100000, applies_when=STEP),
    _s("step_gamma", ["--step-gamma"], "Step factor", "Step schedule: the rate is multiplied by this "
       "at each drop", "float", 0.0, 1.0, step=0.05, applies_when=STEP),
    _s("weight_decay", ["--weight-decay"], "L2 weight decay", "L2 regularisation: pulls every weight "
       "towards zero (0 = off)", "float", 0.0, 1.0, log_scale=True),
    _s("dropout", ["--dropout"], "Dropout", "Chance of silencing each hidden neuron per example while "
       "training (0 = off, 0.2-0.5 typical)", "float", 0.0, 0.95, step=0.05),
    _s("batch_size", ["--batch-size"], "Batch size", "Examples per gradient step", "int", 1, 65536),
    _s("epochs", ["--epochs"], "Epochs", "Passes over the training set", "int", 1, 100000),
    _s("validation_size", ["--validation-size"], "Validation subset", "Random validation examples per "
       "curve point (0 = all of them)", "int", 0, 10**8, step=500),
    _s("evaluations_per_epoch", ["--evaluations-per-epoch"], "Evaluations / epoch",
       "Validation curve points per epoch", "int", 0, 1000),
    _s("early_stopping_patience", ["--early-stopping-patience", "--early-stopping"], "Early stopping",
       "Stop after this many epochs without a better validation loss, keeping the best weights (0 = off)",
       "int", 0, 100000),
    _s("augment", ["--augment"], "Augmentation", "Randomly shift and rotate each training image a little: "
       "slower to learn, generalises better", "bool"),
    _s("augment_shift", ["--augment-shift"], "Largest shift (px)", "Augmentation: largest shift in pixels",
       "float", 0.0, 10.0, step=0.5, applies_when=AUGMENT),
    _s("augment_rotation", ["--augment-rotation"], "Largest rotation (°)",
       "Augmentation: largest rotation in degrees", "float", 0.0, 90.0, step=1.0, applies_when=AUGMENT),
    _s("binarize", ["--binarize"], "Black and white", "Train on black-and-white digits: every pixel of "
       "0.5 or more becomes 1, the rest 0, as one of the original tools did", "bool"),
    _s("seed", ["--seed"], "Seed", "Seed of shuffling, dropout, augmentation and validation subsets "
       "(the CLI also seeds the initial weights with it)", "int", 0, 2**63 - 1),
)

ARCHITECTURE_SETTINGS = (
    _s("layer_sizes", ["--layers"], "Layers", "Neurons per layer, input first, like 784,128,10", "layers",
       1, 65535, default=(784, 128, 10)),
    _s("activation", ["--activation"], "Hidden activation", "Activation of every hidden neuron", "choice",
       choices=HIDDEN_ACTIVATIONS, default="relu"),
    _s("output", ["--output"], "Output activation", "Activation of the output layer", "choice",
       choices=OUTPUT_ACTIVATIONS, default="softmax"),
    _s("loss", ["--loss"], "Loss", "What training minimises", "choice", choices=tuple(LOSSES),
       default="cross_entropy"),
    _s("init", ["--init"], "Initialisation", "How the weights start: He suits ReLU, Xavier suits tanh and "
       "sigmoid", "choice", choices=tuple(INITIALIZERS), default="he"),
)

_CONFIG_DEFAULTS = TrainingConfig()


def default_value(setting):
    """The value a setting starts at: TrainingConfig's default, or the architecture row's own."""
    return getattr(_CONFIG_DEFAULTS, setting.field) if setting.default is None else setting.default


def parse_layers(text, name="layers"):
    """"784,128,10" -> (784, 128, 10); one line naming ``name`` and the text when it is not that."""
    try:
        return tuple(int(n) for n in str(text).split(","))
    except ValueError:
        raise ConfigError(f"{name} must be numbers separated by commas, like 784,128,10, not {text!r}") from None


def parse_number(setting, text):
    """A typed number for a float or int row; a decimal comma is accepted."""
    cleaned = str(text).strip().replace(",", ".")
    try:
        return int(cleaned) if setting.kind == "int" else float(cleaned)
    except ValueError:
        raise ConfigError(f"{setting.field} must be a number, not {str(text).strip()!r}") from None


def add_setting_arguments(parser, settings=TRAINING_SETTINGS + ARCHITECTURE_SETTINGS):
    """One option per row, its dest the field name, its default the setting's default."""
    for setting in settings:
        options = {"dest": setting.field, "default": default_value(setting),
                   "help": setting.help.replace("%", "%%")}
        if setting.kind == "bool":
            options["action"] = argparse.BooleanOptionalAction
        elif setting.kind == "choice":
            options["choices"] = setting.choices
        elif setting.kind == "layers":  # parsed by architecture_from_args: a bad list is one line, exit 1
            options["metavar"] = "N,N,…"
            options["default"] = ",".join(map(str, options["default"]))
        else:
            options["type"] = _argument_type(setting)
            options["metavar"] = setting.flags[0].lstrip("-").replace("-", "_").upper()
        parser.add_argument(*setting.flags, **options)
    return parser


def _argument_type(setting):
    def convert(text):
        try:
            return parse_number(setting, text)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    convert.__name__ = setting.kind  # argparse names the type in its messages
    return convert


def config_from_args(args) -> TrainingConfig:
    """Every TrainingConfig field from the parsed options (none silently dropped)."""
    values = vars(args)
    return TrainingConfig(**{s.field: values[s.field] for s in TRAINING_SETTINGS})


def architecture_from_args(args) -> dict:
    """{layer_sizes, activation, output, loss, init} from the parsed options."""
    values = vars(args)
    architecture = {s.field: values[s.field] for s in ARCHITECTURE_SETTINGS}
    sizes = architecture["layer_sizes"]  # text from the command line, a list from a recipe
    architecture["layer_sizes"] = list(parse_layers(sizes, "--layers") if isinstance(sizes, str) else sizes)
    return architecture
