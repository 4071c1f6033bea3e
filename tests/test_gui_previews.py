"""Every module of the workbench that runs alone (``python -m …``) starts, shows itself and ends cleanly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

pytestmark = pytest.mark.gui
PACKAGE = Path(__file__).resolve().parents[1] / "mnistbench"
OFFSCREEN_NOTES = "This plugin does not support"  # the offscreen platform, not our code


def preview_modules():
    """Dotted names of every gui module with a ``__main__`` block (found, so a new one is tested too)."""
    found = []
    for path in sorted((PACKAGE / "gui").rglob("*.py")):
        if 'if __name__ == "__main__":' in path.read_text(encoding="utf-8"):
            found.append(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
    return found


def test_the_panels_and_the_window_have_previews():
    modules = preview_modules()
    panels = {name.split(".")[3] for name in modules if ".panels." in name}
    assert panels == {p.name for p in (PACKAGE / "gui" / "panels").iterdir() if (p / "__init__.py").is_file()}
    assert "mnistbench.gui.app" in modules


@pytest.mark.parametrize("module", preview_modules())
def test_a_preview_runs_offscreen_and_closes_cleanly(module):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MNISTBENCH_PREVIEW_SECONDS="0.5")
    done = subprocess.run([sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=120)
    problems = [line for line in done.stderr.splitlines() if OFFSCREEN_NOTES not in line]
    assert done.returncode == 0 and not problems, "\n".join(problems)
