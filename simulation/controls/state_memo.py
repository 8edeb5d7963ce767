"""Working states of stage 3 remembered for the last few scenarios, so moving a later control does not redo the rest.

The controls up to a checkpoint read only the world, the observation log, the seed, the sensor deployments and
their own settings. When a dashboard user moves a control, the states before it are the same as last time: they
are looked up here (:class:`simulation.memo.OutputMemo`) instead of being recomputed. The checkpoints
(``simulation.controls.pipeline.CHECKPOINTS``) are the opt-outs (moving the key rotation starts there), the end of
capture (moving retention, access or generalisation) and the exact aggregates (moving differential privacy, k or
the release level). Each state shares its arrays with the one before it. Remembered arrays are made read-only: a
control that wrote into its input would fail loudly instead of corrupting a later run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from simulation.controls.base import ReleaseState
from simulation.memo import OutputMemo
from simulation.observations import ObservationLog
from simulation.world import World

MAX_STATES = 6
"""States remembered at once: three checkpoints per scenario, so the last two scenarios (about 105 MB each at the
default scale: the log split by kind, the opt-outs, the pseudonyms, the generalised records and the contributions)."""


def _freeze(result: tuple[ReleaseState, tuple[dict, ...]]) -> None:
    """Make every array of the state's record, edge and contribution tables read-only."""
    state, _ = result
    for tables in (state.records, state.captured or {}, state.edge_counts, state.contributions):
        for table in tables.values():
            for column in table.values():
                column.flags.writeable = False


_STATES: OutputMemo[tuple[ReleaseState, tuple[dict, ...]]] = OutputMemo(MAX_STATES, on_store=_freeze)


def remembered_state(world: World, log: ObservationLog, key: tuple,
                     make: Callable[[], tuple[ReleaseState, list[dict]]]) -> tuple[ReleaseState, list[dict]]:
    """Return ``make()`` (a state and its audit rows), remembered per (world, log, key).

    Args:
        world: The world the state was computed from.
        log: The observation log it was computed from.
        key: Everything else the state depends on (seed, sensors and the settings of the controls applied).
        make: Computes the state and its audit rows.
    """
    def frozen_make() -> tuple[ReleaseState, tuple[dict, ...]]:
        state, audit = make()
        return state, tuple(audit)

    state, audit = _STATES.get(world, log, key, frozen_make)
    return state, list(audit)


def clear_remembered_states() -> None:
    """Forget every remembered state (benchmarks use it to time a cold release)."""
    _STATES.clear()


def remembered_count() -> int:
    """Return how many states are remembered."""
    return len(_STATES)


@contextmanager
def no_states_remembered() -> Iterator[None]:
    """Remember no working state inside the block: for a single run (the command line), where no control moves.

    Each state is then freed as soon as the next control has read it; at 100,000 residents the three remembered
    checkpoints held about 0.9 GB until the run ended.
    """
    previous = _STATES.max_entries
    _STATES.max_entries = 0
    _STATES.clear()
    try:
        yield
    finally:
        _STATES.max_entries = previous
