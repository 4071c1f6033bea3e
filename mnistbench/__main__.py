"""`python -m mnistbench …` runs the command line."""

from mnistbench.cli import main

raise SystemExit(main())
