"""The capture stage's results remembered for the last few scenarios, so moving a later control does not redo it.

The capture controls (opt-out, edge aggregation, pseudonymisation, face recognition) read only the world, the
observation log, the seed, the sensor deployments and their own settings. When a dashboard user moves a storage
or release control (retention, blocks, k, differential privacy, the release level), or the key rotation, the
states before it are the same as last time: they are looked up here instead of being recomputed. The states are
deterministic functions of that key, so a remembered state is exactly what recomputing would give.

A small LRU bounds the memory (each state shares its arrays with the one before it). Entries hold the world and
log they were computed from, so their ``id`` cannot be reused while the entry lives. Remembered arrays are made
read-only: a control that wrote into its input would fail loudly instead of corrupting a later run.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from simulation.controls.base import ReleaseState
from simulation.observations import ObservationLog
from simulation.world import World

MAX_STATES = 4
"""States remembered at once (two cache points per scenario: the last two scenarios)."""

_STATES: OrderedDict[tuple, tuple[World, ObservationLog, ReleaseState, tuple[dict, ...]]] = OrderedDict()


def _freeze(state: ReleaseState) -> None:
    """Make every array of the state's record and edge tables read-only."""
    for tables in (state.records, state.edge_counts):
        for table in tables.values():
            for column in table.values():
                column.flags.writeable = False


def remembered_capture(world: World, log: ObservationLog, key: tuple,
                       make: Callable[[], tuple[ReleaseState, list[dict]]]) -> tuple[ReleaseState, list[dict]]:
    """Return ``make()`` (a state and its audit rows), remembered per (world, log, key).

    Args:
        world: The world the state was computed from.
        log: The observation log it was computed from.
        key: Everything else the state depends on (seed, sensors and the settings of the controls applied).
        make: Computes the state and its audit rows.
    """
    full_key = (id(world), id(log), key)
    if full_key in _STATES:
        _STATES.move_to_end(full_key)
        _, _, state, audit = _STATES[full_key]
        return state, list(audit)
    state, audit = make()
    _freeze(state)
    _STATES[full_key] = (world, log, state, tuple(audit))
    while len(_STATES) > MAX_STATES:
        _STATES.popitem(last=False)
    return state, audit


def clear_remembered_captures() -> None:
    """Forget every remembered capture state (benchmarks use it to time a cold release)."""
    _STATES.clear()


def remembered_count() -> int:
    """Return how many capture states are remembered."""
    return len(_STATES)
