"""The table of models: every column sorts, prints and exports; legends name what differs."""

import csv
import io
import json
from dataclasses import replace

import pytest

from mnistbench.errors import ConfigError
from mnistbench.workflows.run_rows import (COLUMN_KEYS, RunRow, cell_text, difference_labels, format_csv,
                                           format_table, row_dict, sort_rows)

ADAM = {"optimizer": "adam", "learning_rate": 0.001, "batch_size": 64, "dropout": 0.0, "seed": 0, "epochs": 5}


def rows():
    return [
        RunRow(1, "finished", "/x/a.nn", (784, 64, 10), 50890, "mnist", 0.97, "mnist test set", 12.0, 4, ADAM,
               started="2026-01-02 10:00:00", label="lr 0.001"),
        RunRow(2, "stopped", "", (784, 128, 10), 101770, "mnist", None, "", 3.0, 0,
               dict(ADAM, learning_rate=0.01), started="2026-01-02 11:00:00"),
        RunRow(None, "file", "/y/b.nn", (784, 30, 10), 23860, "fashion-mnist", 0.85, "its test set", None, 30,
               dict(ADAM, optimizer="sgd", learning_rate=3.0, dropout=0.2), warning="seen"),
    ]


@pytest.mark.parametrize("key", COLUMN_KEYS)
def test_every_column_sorts_with_empty_values_last(key):
    for descending in (False, True):
        ordered = sort_rows(rows(), key, descending)
        texts = [cell_text(row, key) for row in ordered]
        filled = [t for t in texts if t]
        assert texts == filled + [""] * (len(texts) - len(filled))
    assert [row.id for row in sort_rows(rows(), "accuracy", True)] == [1, None, 2]
    assert [row.id for row in sort_rows(rows(), "seconds_per_epoch")] == [1, 2, None]


def test_unknown_column_is_one_clear_error():
    with pytest.raises(ConfigError, match="cannot sort by 'speed'; columns: id, status"):
        sort_rows(rows(), "speed")


def test_text_csv_and_json_agree():
    table = format_table(rows()).splitlines()
    assert table[0].split()[:4] == ["id", "status", "label", "network"]
    assert "97.00%" in table[1] and "85.00%!" in table[3] and table[-1] == "! b.nn: seen"
    exported = list(csv.DictReader(io.StringIO(format_csv(rows()))))
    assert [r["accuracy"] for r in exported] == ["0.97", "", "0.85"] and exported[2]["warning"] == "seen"
    dumped = json.loads(json.dumps([row_dict(row) for row in rows()]))
    assert dumped[0]["seconds_per_epoch"] == 3.0 and dumped[0]["layers"] == [784, 64, 10]


def test_legends_name_only_what_differs():
    first, second, third = rows()
    assert difference_labels([first, second]) == ["layers 784-64-10, lr 0.001", "layers 784-128-10, lr 0.01"]
    assert difference_labels([first, third])[1] == ("layers 784-30-10, dataset fashion-mnist, optimizer sgd, "
                                                    "lr 3, dropout 0.2")
    assert difference_labels([first, first]) == ["run 1", "run 1"]


def test_a_setting_missing_from_an_older_record_reads_as_its_default_not_as_a_difference():
    """The bundled networks' records predate "binarize": beside a new run the legend read
    "binarize None" and "binarize False" where only the learning rate differed."""
    first, _second, _third = rows()
    old = replace(first, id=1, settings={"learning_rate": 0.001})
    new = replace(first, id=2, settings={"learning_rate": 0.01, "binarize": False})
    assert difference_labels([old, new]) == ["lr 0.001", "lr 0.01"]
