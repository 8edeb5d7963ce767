"""A small LRU of results computed from one world and observation log, for results that are costly to redo.

Stages 3 and 4 rerun on the same world and log whenever a control moves; parts of them depend only on some of
the settings (the capture controls, or the settings that shape the released records). Such a part is
remembered under (world, log, key), where the key names everything else it depends on; the part is a
deterministic function of those, so a remembered result is exactly what recomputing would give. Entries refer to
their world and log weakly (a memo never keeps a world alive) and are used only while those very objects live, so
a new object that happens to get a dead one's ``id`` is never served its results; the LRU bounds the memory.

A result can also be started ahead of the call that needs it (:meth:`OutputMemo.start`): it is computed on a
background thread while the caller goes on, and the call that asks for it then waits for it instead of
computing it again.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from simulation.observations import ObservationLog
from simulation.world import World

AHEAD_THREADS = 2
"""Results computed ahead at once (the cores the tool is sized for); later starts wait for a free thread."""
_AHEAD = ThreadPoolExecutor(max_workers=AHEAD_THREADS, thread_name_prefix="ahead")


_MEMOS: weakref.WeakSet[OutputMemo] = weakref.WeakSet()


def forget_dead_entries() -> int:
    """Forget, in every memo, the results of worlds and logs that no longer exist; return how many went.

    A memo never keeps a world alive, but keeps its results until newer ones push them out; a server whose
    visitors have left calls this to give that memory back.
    """
    return sum(memo.forget_dead() for memo in list(_MEMOS))


class OutputMemo[T]:
    """Results remembered per (world, log, key), the least recently used forgotten first.

    Args:
        max_entries: Results remembered at once.
        on_store: Called on a newly computed result before it is remembered (e.g. to make its arrays read-only).
    """

    def __init__(self, max_entries: int, on_store: Callable[[T], None] | None = None) -> None:
        self.max_entries = max_entries
        self._on_store = on_store
        self._entries: OrderedDict[tuple, tuple[weakref.ref, weakref.ref, T]] = OrderedDict()
        self._lock = threading.Lock()  # dashboard sessions share a memo from several threads
        _MEMOS.add(self)

    def get(self, world: World, log: ObservationLog, key: tuple, make: Callable[[], T]) -> T:
        """Return ``make()``, remembered per (world, log, key).

        Args:
            world: The world the result is computed from.
            log: The observation log it is computed from.
            key: Everything else the result depends on (hashable).
            make: Computes the result.
        """
        full_key = (id(world), id(log), key)
        with self._lock:
            entry = self._entries.get(full_key)
            found = entry is not None and entry[0]() is world and entry[1]() is log
            if found:
                self._entries.move_to_end(full_key)
        if found:
            if not isinstance(entry[2], Future):
                return entry[2]
            if not entry[2].cancel() and entry[2].exception() is None:
                return entry[2].result()  # started ahead and running or done: wait for it rather than redo it
        result = self._made(make)  # outside the lock: two threads may compute the same result, never wait on each other
        self._remember(world, log, full_key, result)
        return result

    def start(self, world: World, log: ObservationLog, key: tuple, make: Callable[[], T]) -> None:
        """Begin computing ``make()`` on a background thread, for a later :meth:`get` with the same key to collect.

        Nothing is started if the result is remembered or already started. A start still waiting for a free
        thread when the result is asked for is cancelled and computed by the caller; one that failed is computed
        again by the caller, so its error surfaces there.
        """
        full_key = (id(world), id(log), key)
        with self._lock:
            entry = self._entries.get(full_key)
            if entry is not None and entry[0]() is world and entry[1]() is log:
                return
            future = _AHEAD.submit(self._made, make)
            self._store(world, log, full_key, future)

    def _made(self, make: Callable[[], T]) -> T:
        result = make()
        if self._on_store is not None:
            self._on_store(result)
        return result

    def _remember(self, world: World, log: ObservationLog, full_key: tuple, result: T) -> None:
        with self._lock:
            self._store(world, log, full_key, result)

    def _store(self, world: World, log: ObservationLog, full_key: tuple, result: T | Future) -> None:
        self._entries[full_key] = (weakref.ref(world), weakref.ref(log), result)
        self._entries.move_to_end(full_key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._entries.clear()

    def forget_dead(self) -> int:
        """Forget the results whose world or log no longer exists; return how many went."""
        with self._lock:
            dead = [key for key, (world, log, _) in self._entries.items() if world() is None or log() is None]
            for key in dead:
                del self._entries[key]
        return len(dead)

    def __len__(self) -> int:
        """Return how many results are remembered."""
        return len(self._entries)


class ArrayMemo[T]:
    """A function of one array, its results remembered per read-only array (by identity) while the array lives.

    Arrays of remembered states are made read-only (``simulation.controls.state_memo``), so the same array object
    always holds the same values; a writeable array may change, so its result is computed every time. An entry
    goes when its array is collected, before the array's ``id`` can be reused.

    Args:
        make: Computes the result from the array.
    """

    def __init__(self, make: Callable[[np.ndarray], T]) -> None:
        self._make = make
        self._entries: dict[int, tuple[weakref.ref, T]] = {}

    def __call__(self, array: np.ndarray) -> T:
        """Return ``make(array)``, remembered if the array is read-only."""
        if array.flags.writeable:
            return self._make(array)
        key = id(array)
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is array:
            return entry[1]
        result = self._make(array)  # two threads may compute the same result; either one is kept
        self._entries[key] = (weakref.ref(array, lambda _, key=key: self._entries.pop(key, None)), result)
        return result

    def __len__(self) -> int:
        """Return how many results are remembered."""
        return len(self._entries)
