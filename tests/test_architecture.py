"""Dependencies point one way: no import cycles; only mnistbench.gui imports Qt; the engine is NumPy only;
the data, file, preprocessing and workflow layers never reach up into the CLI, the bench or the window."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mnistbench"
HEADLESS = ["mnistbench.cli", "mnistbench.commands", "mnistbench.commands.bench", "mnistbench.bench",
            "mnistbench.bench_accuracy", "mnistbench.netfile", "mnistbench.data", "mnistbench.preprocess",
            "mnistbench.images", "mnistbench.fidelity", "mnistbench.own_digits", "mnistbench.engine.training",
            "mnistbench.engine.introspect", "mnistbench.workflows.settings", "mnistbench.workflows.recipes",
            "mnistbench.workflows.training_run", "mnistbench.workflows.fine_tuning"]
QT = ("PySide6", "pyqtgraph", "shiboken6")
LOWER_LAYERS = ("mnistbench.data", "mnistbench.netfile", "mnistbench.preprocess", "mnistbench.workflows")
UPPER_LAYERS = ("mnistbench.cli", "mnistbench.commands", "mnistbench.bench", "mnistbench.bench_accuracy",
                "mnistbench.gui")


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported_modules(path):
    """Every module ``path`` imports, at the top or inside a function; ``from a import b`` counts as
    a.b when a.b is a module of the package, else as a."""
    tree = ast.parse(path.read_text())
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base


def import_graph():
    """Module -> the package modules it imports."""
    return {name: {m for m in imported_modules(path) if m in MODULES and m != name}
            for name, path in MODULES.items()}


def find_cycle(graph):
    """One cycle as a list of modules, or None (depth-first search with colours)."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycles_among_mnistbench_modules():
    graph = import_graph()
    assert graph["mnistbench.commands.bench"] >= {"mnistbench.bench", "mnistbench.bench_accuracy"}
    assert "mnistbench.engine.training" in graph["mnistbench.engine.network"]  # function-local imports count
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_only_gui_imports_qt():
    for name, path in MODULES.items():
        if name.startswith("mnistbench.gui"):
            continue
        for module in imported_modules(path):
            assert module.split(".")[0] not in QT, f"{name} imports {module}"


def test_nothing_outside_gui_loads_qt_when_imported():
    code = ("import importlib, sys\n"
            f"for name in {HEADLESS!r}:\n"
            "    importlib.import_module(name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {QT!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


FAST_KERNELS = "mnistbench.engine.fast_kernels"  # the one engine module that may use numba, lazily
BLAS_THREADS = "mnistbench.engine.blas_threads"  # … and the one that reads the BLAS thread setting


def test_engine_imports_only_numpy_the_stdlib_and_itself():
    allowed_stdlib = {"copy", "math", "threading", "time", "dataclasses", "typing"}
    for name, path in MODULES.items():
        if not name.startswith("mnistbench.engine"):
            continue
        fast_only = {FAST_KERNELS: {"numba", "os", "sys", "warnings"}, BLAS_THREADS: {"threadpoolctl", "os"}}
        allowed = allowed_stdlib | fast_only.get(name, set())
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert (top == "numpy" or top in allowed or module.startswith("mnistbench.engine")
                    or module == "mnistbench.errors"), f"{name} imports {module}"


def test_numba_is_imported_only_inside_a_function_of_the_fast_kernels():
    tree = ast.parse(MODULES[FAST_KERNELS].read_text())
    top_level = {alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import)
                 for alias in node.names}
    top_level |= {node.module.split(".")[0] for node in tree.body
                  if isinstance(node, ast.ImportFrom) and node.module}
    assert "numba" not in top_level
    assert "numba" in set(imported_modules(MODULES[FAST_KERNELS]))  # … but it is imported, lazily


def test_lower_layers_never_import_the_cli_the_bench_or_the_window():
    for name, path in MODULES.items():
        if not name.startswith(LOWER_LAYERS):
            continue
        for module in imported_modules(path):
            assert not module.startswith(UPPER_LAYERS), f"{name} imports {module}"


def test_no_pickle_anywhere():
    for path in MODULES.values():
        modules = set(imported_modules(path))
        assert not modules & {"pickle", "cPickle", "dill", "joblib", "shelve"}, path
        assert "allow_pickle=True" not in path.read_text(), path
