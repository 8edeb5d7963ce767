"""Keep the memory a one-shot run frees inside the process, so the next arrays reuse it instead of fresh pages.

glibc's malloc serves every block above its mmap threshold (at most 32 MB; a column of 100,000 residents' records
is 100-200 MB) with a fresh mapping and unmaps it when freed. The next array then faults in new pages that the
kernel must zero. A run at 100,000 residents allocates and frees tens of GB of temporaries this way; on the 2-core
virtual machine of ``bench/README.md`` zeroing them took about a quarter of the run's CPU time (``perf``:
``clear_page_erms``), and a page-faulting numpy pass ran 15 times slower than the same pass over reused memory.

``keep_freed_memory`` makes malloc serve big blocks from its heap (``M_MMAP_MAX`` 0), keep up to 2 GB of
free heap top (``M_TRIM_THRESHOLD``) and keep threads on the one heap (``M_ARENA_MAX`` 1), so freed blocks are reused.
The process then holds its peak until it exits: right for the command line, which runs and ends, wrong for the
dashboard's server, which must give memory back between visitors (it never calls this). Elsewhere than glibc
(macOS, musl) the call does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
M_ARENA_MAX = -8
"""``mallopt`` parameters (glibc's malloc.h)."""
KEEP_FREE_TOP = 2**31 - 1
"""Free bytes at the heap's top kept rather than given back (mallopt takes an int: 2 GB at most)."""


def keep_freed_memory() -> bool:
    """Tune glibc's malloc for a process that runs once and exits; return whether it was tuned.

    Call it first thing, before threads start. Safe to call twice; does nothing where malloc is not glibc's.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return all(mallopt(parameter, value) == 1 for parameter, value in
               ((M_ARENA_MAX, 1), (M_MMAP_MAX, 0), (M_TRIM_THRESHOLD, KEEP_FREE_TOP)))
