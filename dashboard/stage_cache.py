"""The stage outputs every dashboard session shares, bounded by bytes and released when nobody uses them.

``st.cache_resource`` bounds a cache by its number of entries only, and keeps an entry until it is pushed out:
four visits of 10,000-resident links left 2 GB in use minutes after the visitors left. :class:`StageCache` keeps
each stage's output under its stage key, with

- a byte budget: the size of an output is the memory of the arrays and frames it holds (:func:`deep_nbytes`,
  each buffer counted once); when the budget is passed, the least recently used outputs go first;
- dependants: an output names the output it was computed from (a release its log, a log its world), and goes with
  it, so no release outlives the log it holds and a world is never rebuilt beside an old copy still in use;
- idle expiry: an output nobody asked for during ``idle_seconds`` goes, unless pinned (the default preset, which
  every new visitor opens);
- one computation per key: a session asking for an output another session is computing waits for that result
  (and computes it itself if that session is stopped, e.g. because its visitor closed the page).

:mod:`dashboard.server_memory` sweeps it and gives the memory back once visitors have left.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import numpy as np
import pandas as pd

_ARRAY_PARTS = ("_ndarray", "_data", "_mask", "_codes", "categories")
"""Where pandas' extension arrays keep their numpy buffers (plain, masked and categorical arrays)."""


def deep_nbytes(value: Any) -> int:
    """Return the bytes of the numpy buffers held by a value, walking dataclasses, frames and containers.

    Each underlying buffer is counted once (views of one array count as the array), so the size of one output is
    not overstated by the views it holds; Python objects other than arrays count a nominal 64 bytes.
    """
    seen: set[int] = set()
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            root = item
            while isinstance(root.base, np.ndarray):
                root = root.base
            if id(root) not in seen or root is item:
                seen.add(id(root))
                total += root.nbytes
                if item.dtype == object:
                    total += 64 * item.size
        elif isinstance(item, pd.DataFrame):
            stack.extend(item.iloc[:, i].array for i in range(item.shape[1]))
            stack.append(item.index)
        elif isinstance(item, pd.RangeIndex):
            total += 64  # a range holds no buffer (its .array would make one)
        elif isinstance(item, pd.Series | pd.Index):
            stack.append(item.array)
        elif isinstance(item, pd.api.extensions.ExtensionArray):
            parts = [getattr(item, name) for name in _ARRAY_PARTS if hasattr(item, name)]
            stack.extend(parts)
            total += 0 if parts else int(item.nbytes)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        else:
            total += 64
    return total


@dataclasses.dataclass
class _Entry:
    value: Any
    nbytes: int
    parent: str | None
    used: float


class StageCache:
    """Stage outputs by key, bounded by bytes, expiring when idle, computed once per key.

    Args:
        budget_bytes: Most bytes of outputs kept (the one just computed is always kept).
        idle_seconds: Outputs not asked for during this long are dropped by :meth:`drop_idle`.
        clock: Returns the time in seconds (tests pass a fake one).
    """

    def __init__(self, budget_bytes: int, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget_bytes = budget_bytes
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._running: dict[str, Future] = {}
        self._pinned: set[str] = set()
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], Any], parent: str | None = None) -> Any:
        """Return the output under ``key``, computing it (once, whichever session asks first) if missing.

        Args:
            key: The stage key.
            compute: Computes the output; runs in the caller's thread (a Streamlit script may draw in it).
            parent: The key of the output this one was computed from; it goes when that one goes.
        """
        while True:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None:
                    entry.used = self._clock()
                    self._entries.move_to_end(key)
                    return entry.value
                running = self._running.get(key)
                if running is None:
                    running = self._running[key] = Future()
                    break  # this caller computes it
            try:
                return running.result()  # another session computes it: wait for its result (or its error)
            except Exception:
                raise
            except BaseException:  # noqa: S112 - that session was stopped (its visitor left): compute it here
                continue
        try:
            value = compute()
        except BaseException as error:
            with self._lock:
                del self._running[key]
            running.set_exception(error)
            raise
        with self._lock:
            del self._running[key]
            self._entries[key] = _Entry(value, deep_nbytes(value), parent, self._clock())
            self._shrink(keep=key)
        running.set_result(value)
        return value

    def contains(self, key: str) -> bool:
        """Return whether an output is kept under ``key``."""
        with self._lock:
            return key in self._entries

    def pin(self, key: str) -> None:
        """Never drop ``key`` for being idle (the byte budget still applies)."""
        with self._lock:
            self._pinned.add(key)

    @property
    def nbytes(self) -> int:
        """Return the bytes of the outputs kept."""
        with self._lock:
            return sum(entry.nbytes for entry in self._entries.values())

    def __len__(self) -> int:
        """Return how many outputs are kept."""
        return len(self._entries)

    def drop_idle(self) -> int:
        """Drop every output (with its dependants) not asked for during ``idle_seconds``; return how many went."""
        with self._lock:
            limit = self._clock() - self.idle_seconds
            idle = [key for key, entry in self._entries.items() if entry.used < limit and key not in self._pinned]
            return sum(self._drop(key) for key in idle)

    def clear(self) -> None:
        """Drop every output."""
        with self._lock:
            self._entries.clear()

    def _shrink(self, keep: str) -> None:
        total = sum(entry.nbytes for entry in self._entries.values())
        for key in list(self._entries):
            if total <= self.budget_bytes:
                return
            if key != keep and key in self._entries and not self._is_ancestor(key, keep):
                self._drop(key)
                total = sum(entry.nbytes for entry in self._entries.values())

    def _is_ancestor(self, key: str, of: str) -> bool:
        entry = self._entries.get(of)
        while entry is not None and entry.parent is not None:
            if entry.parent == key:
                return True
            entry = self._entries.get(entry.parent)
        return False

    def _drop(self, key: str) -> int:
        """Drop an output and its dependants (caller holds the lock); return how many went."""
        if key not in self._entries:
            return 0
        del self._entries[key]
        children = [child for child, entry in self._entries.items() if entry.parent == key]
        return 1 + sum(self._drop(child) for child in children)
