#!/usr/bin/env bash
# One entry point for a fresh machine: sets up .venv when needed, then runs.
#   ./dev.sh gui      start the workbench
#   ./dev.sh test     run the test suite
#   ./dev.sh bench    print speed, memory and accuracy figures
#   ./dev.sh cli ...  run the mnistbench command line
set -euo pipefail
cd "$(dirname "$0")"
VENV=${MNISTBENCH_VENV:-.venv}
PY=${PYTHON:-python3}

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PY" -m venv "$VENV"
    fi
    local stamp="$VENV/.mnistbench-installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e ".[gui,test]"
        touch "$stamp"
    fi
}

cmd=${1:-gui}
shift || true
setup
case "$cmd" in
    gui)   exec "$VENV/bin/python" main.py "$@" ;;
    test)  exec "$VENV/bin/python" -m pytest "$@" ;;
    bench) exec "$VENV/bin/mnistbench" bench "$@" ;;
    cli)   exec "$VENV/bin/mnistbench" "$@" ;;
    setup) ;;
    *) echo "dev.sh: unknown command '$cmd' (use gui, test, bench, cli or setup)" >&2; exit 2 ;;
esac
