"""The bundled networks: found by name from any folder, listed with what they are worth."""

import argparse
import json
from pathlib import Path

import pytest

from mnistbench import bundled
from mnistbench.commands.networks import add_networks_parser, networks_command
from mnistbench.errors import NetworkFileError
from mnistbench.netfile import BUNDLED_NETWORKS, load_network

SHIPPED = ("best-fashion", "best-mnist", "classic-784-30-10")


def test_the_bundled_networks_live_inside_the_package():
    folder = bundled.bundled_folder()
    assert folder.parent.name == "mnistbench" and (folder.parent / "__init__.py").is_file()
    assert folder == BUNDLED_NETWORKS  # the window and the benchmarks still read this constant
    assert bundled.bundled_names() == list(SHIPPED)


def test_resolve_by_name_from_another_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in SHIPPED:
        path = bundled.resolve_network(name)
        assert path == bundled.bundled_folder() / f"{name}.nn"
        assert load_network(path).layer_sizes[0] == 784
    assert bundled.resolve_network("best-mnist.nn") == bundled.resolve_network("best-mnist")


def test_a_file_of_that_name_wins_over_the_bundled_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "best-mnist").write_bytes(b"mine")
    assert bundled.resolve_network("best-mnist") == Path("best-mnist")


@pytest.mark.parametrize("given", ["best-mnst", "nope.nn", "../networks/best-mnist", "sub/best-mnist"])
def test_neither_file_nor_name_is_one_line_listing_the_names(given, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NetworkFileError) as excinfo:
        bundled.resolve_network(given)
    message = str(excinfo.value)
    assert "\n" not in message and message.startswith(f"{given}: no such file")
    assert "bundled: best-fashion, best-mnist, classic-784-30-10" in message


def test_a_folder_is_not_a_network(tmp_path):
    with pytest.raises(NetworkFileError, match="is a folder, not a network file"):
        bundled.resolve_network(tmp_path)


def test_list_reports_shape_accuracy_and_what_it_was_measured_on():
    by_name = {n.name: n for n in bundled.list_bundled()}
    assert sorted(by_name) == list(SHIPPED)
    best = by_name["best-mnist"]
    assert best.layer_sizes == (784, 512, 128, 10)
    assert best.held_out_accuracy == load_network(best.path).metadata["training"]["held_out_accuracy"]
    assert "mnist-10k-split test set" in best.held_out_set and best.dataset == "mnist-10k-split"
    assert best.size_bytes == best.path.stat().st_size
    assert by_name["best-fashion"].dataset == "fashion-mnist"


def run_networks(*argv):
    parser = argparse.ArgumentParser(prog="mnistbench")
    add_networks_parser(parser.add_subparsers(dest="command"))
    return networks_command(parser.parse_args(["networks", *argv]))


def test_networks_command_table_and_json(capsys):
    assert run_networks() == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if line.startswith("best-mnist "))
    best = {n.name: n for n in bundled.list_bundled()}["best-mnist"]
    assert "784-512-128-10" in row and f"{best.held_out_accuracy:.2%} on mnist-10k-split test set (2000 images)" in row
    assert row.endswith(f"{best.size_bytes / 1e6:.1f} MB")
    assert "mnistbench info best-mnist" in lines[-1]
    assert run_networks("--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == list(SHIPPED)
    assert rows[2]["layers"] == [784, 30, 10] and rows[2]["bytes"] > 90_000
