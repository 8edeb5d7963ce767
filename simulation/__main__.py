"""Entry point of ``python -m simulation``."""

import sys

from simulation.allocator import keep_freed_memory
from simulation.cli import main

if __name__ == "__main__":  # worker processes started by the sweep engine import this module too
    keep_freed_memory()  # a command runs once and exits: reuse freed memory rather than fault in fresh pages
    sys.exit(main())
