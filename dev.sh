#!/usr/bin/env bash
# One entry point for a fresh machine: sets up .venv when needed, then runs.
#   ./dev.sh gui      start the workbench
#   ./dev.sh test     run the test suite
#   ./dev.sh bench    print speed, memory and accuracy figures
#   ./dev.sh cli ...  run the mnistbench command line
#   ./dev.sh setup    only create .venv (then .venv/bin/mnistbench works directly)
set -euo pipefail
cd "$(dirname "$0")"
VENV=${MNISTBENCH_VENV:-.venv}
PY=${PYTHON:-python3}

usage() {
    cat <<HELP
usage: ./dev.sh [COMMAND] [ARGS...]

Sets up $VENV on first use (a virtual environment with an editable install of
this checkout, the window's, the fast engine's and the tests' packages), then runs COMMAND:

  gui [FILE]     start the workbench (the default command)
  test [ARGS]    run the test suite (pytest ARGS)
  bench [WHAT]   print speed, memory and accuracy figures (mnistbench bench WHAT)
  cli ARGS       run the mnistbench command line, e.g. ./dev.sh cli networks
  setup          only set up $VENV
  help           this text (installs nothing)

After set-up, mnistbench also runs directly: $VENV/bin/mnistbench --help
(or 'source $VENV/bin/activate' and then 'mnistbench --help').
Environment: PYTHON (interpreter for the venv, default python3),
MNISTBENCH_VENV (venv folder, default .venv).
HELP
}

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PY" -m venv "$VENV"
    fi
    local stamp="$VENV/.mnistbench-installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e ".[gui,fast,test]"
        touch "$stamp"
    fi
}

cmd=${1:-gui}
shift || true
case "$cmd" in
    -h|--help|help) usage; exit 0 ;;
    gui|test|bench|cli|setup) ;;
    *) echo "dev.sh: unknown command '$cmd' (use gui, test, bench, cli, setup or --help)" >&2; exit 2 ;;
esac
setup
case "$cmd" in
    gui)   exec "$VENV/bin/python" main.py "$@" ;;
    test)  exec "$VENV/bin/python" -m pytest "$@" ;;
    bench) exec "$VENV/bin/mnistbench" bench "$@" ;;
    cli)   exec "$VENV/bin/mnistbench" "$@" ;;
    setup) echo "ready: $VENV/bin/mnistbench --help (or: source $VENV/bin/activate)" ;;
esac
