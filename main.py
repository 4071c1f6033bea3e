"""`python main.py [network file …]` opens the mnistbench workbench."""

import sys

from mnistbench.launcher import open_workbench

if __name__ == "__main__":
    raise SystemExit(open_workbench(sys.argv))
