"""What every privacy control is: a named step of stage 3 that turns one working state into the next.

A control reads its own section of ``config.controls``, returns a new :class:`ReleaseState` (it never changes the
arrays of the state it was given) and the audit rows saying what it did. The order of the controls is fixed in
:mod:`simulation.controls.pipeline`.

Datasets inside the state are :data:`Table` objects: plain dicts of equally long numpy arrays, which are cheaper
to filter than DataFrames at a million rows. Working record columns (:data:`RECORD_WORK_COLUMNS`; ``unit``,
``epoch``, ``named`` and ``person`` appear when the control that sets them has run):
``time`` (int64 minutes from the start of the horizon, rounded down to the time bin after generalisation),
``sensor`` (int32 device index), ``zone`` (int32), ``unit`` (int32 released spatial unit), ``token`` (int64:
the raw identifier, then its pseudonym; -1 if none), ``value`` (float32), ``resident`` (int32, the truth, kept
only to be handed to scoring as ``Release.record_truth``), ``epoch`` (int32 key epoch), ``named`` (bool: the
record names a person, see :mod:`simulation.release`) and ``person`` (int64 dense code of the released identifier,
set by pseudonymisation: two records share a code exactly when they share a pseudonym; -1 without identifier).
Smart-meter records also carry ``reading_minutes`` (int16, set by opt-out: the minutes a reading covers, 1440
for an opted-out meter's daily total, 0 for one sampling interval), which is never released.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
import pandas as pd

from simulation.controls.keyed_hash import PendingPseudonyms
from simulation.observations import ObservationLog
from simulation.scenario import ScenarioConfig
from simulation.world import World

if TYPE_CHECKING:
    from simulation.release import NoisedTable

Stage = Literal["capture", "storage", "release"]
Table = dict[str, np.ndarray]
RECORD_WORK_COLUMNS: tuple[str, ...] = (
    "time", "sensor", "zone", "unit", "token", "value", "resident", "epoch", "named", "person",
)
EDGE_COLUMNS: tuple[str, ...] = ("time", "sensor", "zone", "unit", "count", "value", "instant_minutes")
"""Columns of an edge count table: one row per (device, sampling slot); ``instant_minutes`` is the device's
sampling interval, used to turn summed counts into people present per sampling instant."""


KIND_THREADS = 2
"""Sensor kinds processed at once by :func:`map_kinds` (the cores the tool is sized for)."""


def map_kinds[T](work: Callable[[str], T], kinds: Iterable[str]) -> list[T]:
    """Return ``[work(kind) for kind in kinds]``, computed KIND_THREADS kinds at a time.

    Most of the work on one record dataset (numpy sorts, gathers, masks and arithmetic, pandas hashing) releases
    the GIL, so two datasets are processed at once on two cores. ``work`` must not write anything another kind
    reads; each result is then exactly what a call on its own returns.
    """
    kinds = list(kinds)
    if len(kinds) < 2:
        return [work(kind) for kind in kinds]
    with ThreadPoolExecutor(max_workers=KIND_THREADS, thread_name_prefix="kinds") as pool:
        return list(pool.map(work, kinds))


def n_rows(table: Table) -> int:
    """Return the number of rows of a table (0 for an empty dict)."""
    return len(next(iter(table.values()))) if table else 0


def take(table: Table, rows: np.ndarray) -> Table:
    """Return the rows of a table selected by a boolean mask or an index array (the table itself if all)."""
    if rows.dtype == bool and rows.all():
        return table
    return {name: column[rows] for name, column in table.items()}


def with_columns(table: Table, **columns: np.ndarray) -> Table:
    """Return a table with some columns replaced or added (the others are shared, not copied)."""
    return {**table, **columns}


@dataclass(frozen=True, eq=False)
class ControlContext:
    """What a control may read besides the working state.

    Attributes:
        world: Stage 1 output. Controls read only the city, the residents' registers the operator really holds
            (``card``, ``card_registered``, ``meter``, ``plate``) and, to model physical opt-out at capture,
            which resident carries a phone. Nothing else of the truth.
        log: Stage 2 output (its ``sensors`` table, slot length and watchlist size; records enter via the state).
        config: The scenario; each control reads its own section of ``config.controls``.
        horizon_minutes: Length of the simulated horizon.
        sampling_minutes: Sampling interval of every device (index = device index).
        sensor_names: Deployment name of every device (index = device index).
    """

    world: World
    log: ObservationLog
    config: ScenarioConfig
    horizon_minutes: int
    sampling_minutes: np.ndarray
    sensor_names: np.ndarray

    @property
    def seed(self) -> int:
        """The scenario seed."""
        return self.config.seed


@dataclass(frozen=True, eq=False)
class ReleaseState:
    """The datasets between two controls.

    Attributes:
        records: Record datasets still held, by sensor kind (columns in the module docstring).
        captured: The record datasets as they stood at the end of capture, the source of the aggregates (a city
            computes its statistics as data arrives and keeps them after the raw rows are deleted); None until
            the capture stage is over.
        edge_counts: Counts sent by edge-aggregating devices, by sensor kind (columns :data:`EDGE_COLUMNS`).
        edge_presence: Per edge-aggregated kind, who was counted (columns ``resident``, ``instant_minutes``): the
            truth, read only by the privacy accounting (:mod:`simulation.controls.dp_accounting`).
        contributions: Per kind, one row per (time, unit, contributor) before counting: ``time``, ``unit``,
            ``person`` (contributor code, -1 for a record without identifier), ``weight`` (people it adds),
            ``resident`` (the truth, read only by the privacy accounting) and, for kinds with personal readings,
            ``reading`` (the contributor's mean reading in the cell).
        cell_values: Per kind, the mean reading of each (time, unit) cell (columns time, unit, value).
        aggregates: Released aggregate tables by kind (columns time, unit, count, value).
        noised: Per aggregate table that differential privacy noised, how and at what privacy loss.
        pending: Per pseudonymised kind, the triples whose keyed hashes the ``token`` codes stand for (see
            :mod:`simulation.controls.pseudonymisation`); hashed when the records are released.
        units: Released unit of every zone.
        time_bin_minutes: Width of released time bins.
        identified: Record datasets whose records name a person.
        readable: Record datasets each party may read.
        audit: Audit rows so far (dicts with the keys of ``AUDIT_COLUMNS``).
    """

    records: dict[str, Table]
    units: np.ndarray
    time_bin_minutes: int
    captured: dict[str, Table] | None = None
    edge_counts: dict[str, Table] = field(default_factory=dict)
    edge_presence: dict[str, Table] = field(default_factory=dict)
    contributions: dict[str, Table] = field(default_factory=dict)
    cell_values: dict[str, pd.DataFrame] = field(default_factory=dict)
    aggregates: dict[str, pd.DataFrame] = field(default_factory=dict)
    noised: dict[str, NoisedTable] = field(default_factory=dict)
    pending: dict[str, PendingPseudonyms] = field(default_factory=dict)
    identified: frozenset[str] = frozenset()
    readable: dict[str, list[str]] = field(default_factory=dict)
    audit: tuple[dict, ...] = ()

    def evolve(self, **changes: object) -> ReleaseState:
        """Return a copy with some fields replaced."""
        return replace(self, **changes)


def audit_row(control: Control, dataset: str, rows_in: int, rows_out: int, note: str = "", *,
              cells_suppressed: int = 0, noise_scale: float = 0.0, contributions_clipped: int = 0) -> dict:
    """Return one audit row (the ``order`` is filled in by the pipeline)."""
    return {"order": 0, "control": control.name, "dataset": dataset, "rows_in": int(rows_in),
            "rows_out": int(rows_out), "cells_suppressed": int(cells_suppressed), "noise_scale": float(noise_scale),
            "contributions_clipped": int(contributions_clipped), "note": note}


class Control(ABC):
    """One privacy control.

    Attributes:
        name: The control's name (its section of ``config.controls`` where it has one).
        stage: When it acts: at capture, in storage or on release.
    """

    name: ClassVar[str]
    stage: ClassVar[Stage]

    def changes_records(self, config: ScenarioConfig) -> bool:
        """Return whether the control may change the record datasets (or their readers) under ``config``.

        True unless a control says otherwise; the controls after the last one that may are free to run while
        the record datasets are already being read (see ``apply_controls``'s ``on_records``).
        """
        return True

    @abstractmethod
    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Apply the control.

        Args:
            state: The datasets as the previous control left them.
            context: The scenario and what of the world a control may read.

        Returns:
            The new state and the audit rows saying what the control did.
        """
