"""Entry point of ``python -m simulation``."""

import sys

from simulation.cli import main

if __name__ == "__main__":  # worker processes started by the sweep engine import this module too
    sys.exit(main())
