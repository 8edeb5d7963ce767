"""Giving memory back once visitors have left: a janitor thread for the shared caches and Streamlit's sessions.

Three things keep a large simulation in memory after its visitor has gone, and the janitor undoes each:

- the shared stage outputs (:class:`dashboard.stage_cache.StageCache`): dropped when idle;
- the visitor's own session: Streamlit keeps a disconnected session for ``server.disconnectedSessionTTL`` seconds
  so that a reconnecting browser finds it, but forgets it only when another session connects; with nobody
  connecting, a session (and the run its last page held) would stay for good. :func:`forget_expired_sessions`
  makes Streamlit forget the expired ones now;
- what the simulation's memos computed from dropped outputs, and heap memory that Python and numpy freed but the
  C library keeps: :func:`release_memory` drops the first and returns the second (glibc's ``malloc_trim``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time
from collections.abc import Callable

from dashboard.stage_cache import StageCache
from simulation.memo import forget_dead_entries

_LIBC_NAME = ctypes.util.find_library("c")
_LIBC = ctypes.CDLL(_LIBC_NAME) if _LIBC_NAME else None
RELEASE_EVERY_SWEEPS = 6
"""While quiet, memory is released at least this often (in sweeps) even if nothing was dropped."""


def release_memory() -> None:
    """Drop the memos' results of collected outputs and give freed heap memory back to the operating system."""
    gc.collect()
    forget_dead_entries()
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:  # glibc: without it, memory freed by Python and numpy stays in the process's heap
        trim(0)


def forget_expired_sessions() -> int:
    """Make Streamlit forget disconnected sessions older than ``server.disconnectedSessionTTL``; return how many.

    Streamlit's session storage is a TTL cache that removes expired entries only when written to. This reaches
    into Streamlit's runtime (no public call does it); if that changes, nothing is forgotten early and the
    sessions go when the next visitor connects, as before.
    """
    try:
        from streamlit.runtime import Runtime

        manager = Runtime.instance()._session_mgr  # noqa: SLF001 - see the docstring
        cache = manager._session_storage._cache  # noqa: SLF001
        with manager._storage_lock:  # noqa: SLF001
            before = len(cache._data)  # noqa: SLF001 - the count before expiry
            cache.expire()
            return before - len(cache._data)  # noqa: SLF001
    except Exception:  # noqa: BLE001 - best effort: another Streamlit version, or no runtime (tests)
        return 0


def start_janitor(cache: StageCache, every_seconds: float, quiet: Callable[[], bool]) -> threading.Thread:
    """Start a daemon thread that drops idle outputs and expired sessions and, when quiet, releases memory.

    Args:
        cache: The stage outputs to sweep.
        every_seconds: Time between sweeps.
        quiet: Returns whether no run is in progress (memory is only released then).
    """

    def sweep() -> None:
        since_release = 0
        while True:
            time.sleep(every_seconds)
            dropped = cache.drop_idle() + forget_expired_sessions()
            since_release += 1
            if quiet() and (dropped or since_release >= RELEASE_EVERY_SWEEPS):
                release_memory()
                since_release = 0

    thread = threading.Thread(target=sweep, name="dashboard-janitor", daemon=True)
    thread.start()
    return thread
