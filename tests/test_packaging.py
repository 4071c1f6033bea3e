"""A plain install is the whole product: the wheel carries the networks, the README only shipped files.

The wheel is built from a copy of the checkout (so no stale ``build/`` leaks in)
and imported from another folder, where nothing of the checkout can help it.
.ci/run goes further: it installs the wheel with its dependencies into a fresh
venv and runs the CLI and the window from there.
"""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NETWORKS = sorted(p.name for p in (ROOT / "mnistbench" / "networks").glob("*.nn"))
SKIP_COPY = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    source = tmp_path_factory.mktemp("source") / "mnistbench"
    shutil.copytree(ROOT, source, ignore=SKIP_COPY)
    out = tmp_path_factory.mktemp("dist")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    (path,) = out.glob("mnistbench-*.whl")
    return path


def test_the_wheel_ships_every_bundled_network_and_the_license(wheel):
    assert len(NETWORKS) == 3
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for network in NETWORKS:
            shipped = archive.read(f"mnistbench/networks/{network}")
            assert shipped == (ROOT / "mnistbench" / "networks" / network).read_bytes(), network
        (license_file,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert "MIT License" in archive.read(license_file).decode()
    assert not [n for n in names if n.startswith(("tests/", "networks/", "scripts/"))]


def test_the_installed_wheel_finds_its_networks_by_name_from_any_folder(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = ("import mnistbench, mnistbench.bundled as b; from mnistbench.netfile import load_network;"
             "print(mnistbench.__file__); print(','.join(b.bundled_names()));"
             "print(load_network(b.resolve_network('best-mnist')).layer_sizes)")
    env = {**os.environ, "PYTHONPATH": str(site)}  # ahead of the checkout's editable finder
    run = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    origin, names, layers = run.stdout.splitlines()
    assert Path(origin).is_relative_to(site)
    assert names.split(",") == [n.removesuffix(".nn") for n in NETWORKS]
    assert layers == "(784, 512, 128, 10)"


def test_package_data_patterns_match_the_tree():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["license"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    for package, patterns in config["tool"]["setuptools"]["package-data"].items():
        for pattern in patterns:
            assert list((ROOT / package).glob(pattern)), f"{package}/{pattern} matches no file"


def test_the_readme_points_only_at_files_that_ship():
    text = (ROOT / "README.md").read_text()
    assert "shared/" not in text, "the README points beside the checkout"
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    assert "docs/network-file-format.md" in targets
    for target in targets:
        if "://" not in target:
            assert (ROOT / target).is_file(), target
    assert (ROOT / "docs" / "network-file-format.md").read_text().startswith("# Network file format")
    first_two = text.splitlines()[:2]
    assert "`./dev.sh gui`" in first_two[0] and "`./dev.sh test`" in first_two[1]
    assert ".venv/bin/mnistbench" in text and "source .venv/bin/activate" in text


def test_dev_sh_help_installs_nothing(tmp_path):
    venv = tmp_path / "venv"
    env = {**os.environ, "MNISTBENCH_VENV": str(venv), "PYTHON": "false"}  # any install attempt fails
    for flag in ("--help", "-h", "help"):
        run = subprocess.run(["bash", str(ROOT / "dev.sh"), flag], env=env, capture_output=True, text=True,
                             timeout=30)
        assert run.returncode == 0, run.stderr
        assert "usage: ./dev.sh" in run.stdout and f"{venv}/bin/mnistbench" in run.stdout
    assert not venv.exists()
    unknown = subprocess.run(["bash", str(ROOT / "dev.sh"), "bogus"], env=env, capture_output=True, text=True,
                             timeout=30)
    assert unknown.returncode == 2 and "unknown command 'bogus'" in unknown.stderr and not venv.exists()
