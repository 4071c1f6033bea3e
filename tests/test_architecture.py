"""Dependencies point one way: only mnistbench.gui may import Qt; the engine is NumPy only."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mnistbench"
HEADLESS = ["mnistbench.cli", "mnistbench.commands", "mnistbench.bench", "mnistbench.bench_accuracy",
            "mnistbench.netfile", "mnistbench.data", "mnistbench.preprocess", "mnistbench.images",
            "mnistbench.fidelity", "mnistbench.evaluation", "mnistbench.engine.training",
            "mnistbench.engine.introspect"]


def test_nothing_outside_gui_loads_qt():
    code = ("import importlib, sys\n"
            f"for name in {HEADLESS!r}:\n"
            "    try:\n        importlib.import_module(name)\n"
            "    except ModuleNotFoundError as e:\n"
            "        if e.name != name: raise\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_engine_imports_only_numpy_the_stdlib_and_itself():
    allowed_stdlib = {"copy", "math", "threading", "time", "dataclasses", "typing"}
    for path in sorted((PACKAGE / "engine").glob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert (top == "numpy" or top in allowed_stdlib or module.startswith("mnistbench.engine")
                    or module == "mnistbench.errors"), f"{path.name} imports {module}"


def test_no_pickle_anywhere():
    for path in PACKAGE.rglob("*.py"):
        modules = set(imported_modules(path))
        assert not modules & {"pickle", "cPickle", "dill", "joblib", "shelve"}, path
        assert "allow_pickle=True" not in path.read_text(), path
