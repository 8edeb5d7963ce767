"""A small LRU of results computed from one world and observation log, for results that are costly to redo.

Stages 3 and 4 rerun on the same world and log whenever a control moves; parts of them depend only on some of
the settings (the capture controls, or the settings that shape the released records). Such a part is
remembered under (world, log, key), where the key names everything else it depends on; the part is a
deterministic function of those, so a remembered result is exactly what recomputing would give. Entries refer to
their world and log weakly (a memo never keeps a world alive) and are used only while those very objects live, so
a new object that happens to get a dead one's ``id`` is never served its results; the LRU bounds the memory.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

from simulation.observations import ObservationLog
from simulation.world import World


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
            if entry is not None and entry[0]() is world and entry[1]() is log:
                self._entries.move_to_end(full_key)
                return entry[2]
        result = make()  # outside the lock: two threads may compute the same result, never wait on each other
        if self._on_store is not None:
            self._on_store(result)
        with self._lock:
            self._entries[full_key] = (weakref.ref(world), weakref.ref(log), result)
            self._entries.move_to_end(full_key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return result

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """Return how many results are remembered."""
        return len(self._entries)
