"""The settings table: every config field once, CLI flags and aliases, ranges that agree with the config."""

import dataclasses

import pytest

from mnistbench.cli import parse_args
from mnistbench.engine.config import TrainingConfig
from mnistbench.errors import ConfigError
from mnistbench.workflows.recipes import RECIPES, build_network, recipe_architecture, recipe_config
from mnistbench.workflows.settings import (ARCHITECTURE_SETTINGS, KINDS, TRAINING_SETTINGS, architecture_from_args,
                                           config_from_args, parse_number)

# A value other than the default for every field: the CLI must pass each one through.
CHANGED = dict(optimizer="momentum", learning_rate=0.02, momentum=0.7, beta1=0.8, beta2=0.99, epsilon=1e-6,
               weight_decay=1e-4, dropout=0.1, augment=True, augment_shift=1.5, augment_rotation=5.0,
               schedule="step", step_epochs=3, step_gamma=0.5, batch_size=32, epochs=7, validation_size=200,
               evaluations_per_epoch=2, early_stopping_patience=3, binarize=True, seed=11)


def test_every_config_field_has_exactly_one_row():
    fields = [f.name for f in dataclasses.fields(TrainingConfig)]
    rows = [setting.field for setting in TRAINING_SETTINGS]
    assert sorted(rows) == sorted(fields) and len(rows) == len(set(rows))
    assert set(CHANGED) == set(fields)


def test_rows_are_well_formed_and_flags_unique():
    flags = [flag for s in TRAINING_SETTINGS + ARCHITECTURE_SETTINGS for flag in s.flags]
    assert len(flags) == len(set(flags))
    for setting in TRAINING_SETTINGS:
        assert setting.flags[0] == "--" + setting.field.replace("_", "-")  # the canonical flag
        assert setting.kind in KINDS and setting.label and setting.help
        assert (setting.kind == "choice") == bool(setting.choices)
    for setting in TRAINING_SETTINGS:
        if setting.applies_when:
            field, values = setting.applies_when
            assert field in {s.field for s in TRAINING_SETTINGS} and values


def test_every_setting_reaches_the_config_through_its_canonical_flag():
    argv = ["train"]
    for setting in TRAINING_SETTINGS:
        value = CHANGED[setting.field]
        argv += [setting.flags[0]] if setting.kind == "bool" else [setting.flags[0], str(value)]
    assert config_from_args(parse_args(argv)) == TrainingConfig(**CHANGED)


def test_aliases_work_and_defaults_are_the_configs():
    assert config_from_args(parse_args(["train"])) == TrainingConfig()
    short = config_from_args(parse_args(["train", "--lr", "0.5", "--early-stopping", "2"]))
    long = config_from_args(parse_args(["train", "--learning-rate", "0.5", "--early-stopping-patience", "2"]))
    assert short == long == TrainingConfig(learning_rate=0.5, early_stopping_patience=2)


@pytest.mark.parametrize("setting", [s for s in TRAINING_SETTINGS if s.kind in ("int", "float")],
                         ids=lambda s: s.field)
def test_ranges_agree_with_the_configs_own_checks(setting):
    TrainingConfig(**{setting.field: setting.maximum})
    with pytest.raises(ConfigError, match=setting.field):
        TrainingConfig(**{setting.field: setting.maximum + 1})
    with pytest.raises(ConfigError, match=setting.field):
        TrainingConfig(**{setting.field: setting.minimum - 1})
    if setting.kind == "int":
        TrainingConfig(**{setting.field: setting.minimum})


def test_architecture_from_args_and_a_bad_layer_list():
    args = parse_args(["train", "--layers", "784,20,10", "--activation", "tanh", "--init", "xavier"])
    assert architecture_from_args(args) == {"layer_sizes": [784, 20, 10], "activation": "tanh",
                                            "output": "softmax", "loss": "cross_entropy", "init": "xavier"}
    with pytest.raises(ConfigError, match="--layers must be numbers separated by commas"):
        architecture_from_args(parse_args(["train", "--layers", "784,x"]))


def test_parse_number_accepts_a_decimal_comma_and_names_the_field():
    learning_rate = TRAINING_SETTINGS[[s.field for s in TRAINING_SETTINGS].index("learning_rate")]
    assert parse_number(learning_rate, " 0,5 ") == 0.5
    with pytest.raises(ConfigError, match="learning_rate must be a number, not 'fast'"):
        parse_number(learning_rate, "fast")


@pytest.mark.parametrize("name", list(RECIPES))
def test_a_recipe_is_the_cli_default_and_flags_still_win(name):
    args = parse_args(["train", "--recipe", name])
    assert config_from_args(args) == recipe_config(name)
    assert architecture_from_args(args) == recipe_architecture(name)
    assert config_from_args(parse_args(["train", "--recipe", name, "--epochs", "2"])).epochs == 2
    net = build_network(recipe_architecture(name), seed=recipe_config(name).seed)
    assert list(net.layer_sizes) == recipe_architecture(name)["layer_sizes"]


def test_an_unknown_recipe_is_one_line():
    with pytest.raises(ConfigError, match="unknown recipe 'fast'; choose from classic"):
        recipe_config("fast")
