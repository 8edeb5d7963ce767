"""Aggregation (on release, after generalisation): per (time bin, unit) counts of people and mean readings.

Where it sits: aggregation counts the records **as captured** (after opt-out, pseudonymisation and the face-match
threshold, before retention deletes old rows), generalised to the released units and bins. A city computes its
statistics as the data arrive and keeps them after the raw rows are deleted (TfL keeps aggregate Wi-Fi and OD
counts indefinitely), so retention limits what is exposed, not what is counted. Edge counts join here too.

The count of a cell is:
- for record datasets: the number of distinct contributors (pseudonyms, which are unique per key epoch and scope)
  seen in the cell, plus one per record without an identifier (an anonymous camera sighting); for
  ``people_counter``, whose records already are counts, the sum of those counts;
- for edge-aggregated kinds: the people counted per sampling instant, summed over the unit's devices and averaged
  over the instants of the bin (no identifier leaves the device, so distinct people over a bin are unknowable).
The value of a cell is the mean reading of its records (NaN if none); differential privacy, when on, noises or
withholds it (:mod:`simulation.controls.differential_privacy`).

Daily totals of opted-out meters (``reading_minutes`` of 1440, see :mod:`simulation.controls.opt_out`) are shared
out evenly over the day's reading intervals before counting (:func:`daily_total_runs`), as electricity
settlement allocates the reads of meters that are not read half-hourly over the day by a load profile (Elexon,
"Load Profiles and their use in Electricity Settlement"; here a flat profile, which needs nothing but the total).
A day's total would otherwise land in the day's first bin.

Contributions are kept per (cell, contributor) in the state so that differential privacy can bound them before
counting. Each also carries its true resident (``resident``), read only by the privacy accounting, and, for kinds
with personal readings (:data:`READING_KINDS`), the contributor's mean reading in the cell (``reading``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.blockwise import factorize_by_blocks, unique_by_blocks
from simulation.controls.base import Control, ControlContext, ReleaseState, Table, audit_row, map_kinds, n_rows
from simulation.controls.edge_aggregation import COUNT_IN_VALUE_KINDS
from simulation.controls.opt_out import DAY_MINUTES
from simulation.scenario import ScenarioConfig

NO_PERSON_KINDS: tuple[str, ...] = ("env_iot",)
"""Kinds whose counts are numbers of readings, not of people: no noise, no suppression."""
READING_KINDS: tuple[str, ...] = ("smart_meter",)
"""Kinds whose readings are measurements of a person's household (noised under differential privacy)."""


def cell_key(time: np.ndarray, unit: np.ndarray, n_units: int, bin_minutes: int = 1) -> np.ndarray:
    """Return an int64 key per (time, unit): ``(time // bin_minutes) * n_units + unit``.

    Decode with :func:`cell_time_unit`.
    """
    key = (time // bin_minutes).astype(np.int64, copy=False)  # a new array: the caller's times are never written
    key *= n_units  # in place: one int64 array in all, whatever the input types
    key += unit
    return key


def cell_time_unit(key: np.ndarray, n_units: int, bin_minutes: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return the time (minutes, int32) and unit (int32) of cell keys made by :func:`cell_key`."""
    time = key // n_units
    time *= bin_minutes
    return time.astype(np.int32), (key % n_units).astype(np.int32)


def contributions(table: Table, kind: str, n_units: int, bin_minutes: int) -> Table:
    """Return one row per (time, unit, contributor) of a record table, and one per anonymous record.

    Args:
        table: Generalised working records.
        kind: Their sensor kind.
        n_units: Number of released units.
        bin_minutes: Width of the (already applied) time bins.

    Returns:
        A table with columns time (int32 minutes), unit, person (contributor code; -1 anonymous), weight, resident
        (the true resident, for the privacy accounting only; -1 if nobody) and, for :data:`READING_KINDS`,
        reading (the contributor's mean reading in the cell).
    """
    counted_in_value = kind in COUNT_IN_VALUE_KINDS
    identified = np.zeros(n_rows(table), dtype=bool) if counted_in_value else table["person"] >= 0
    anon = ~identified
    n_anon = int(anon.sum())
    rows = slice(None) if n_anon == 0 else identified  # everyone identified (the usual case): no copies
    person = table["person"][rows]
    n_people = int(person.max()) + 1 if len(person) else 1
    time = table["time"][rows]
    pair_key = cell_key(time, table["unit"][rows], n_units, bin_minutes)
    pair_key *= n_people  # in place: (cell, contributor) keys without temporaries
    pair_key += person
    reading = None
    if kind in READING_KINDS and len(pair_key):
        codes, n_pairs = factorize_by_blocks(pair_key, time // bin_minutes)
        pair = np.empty(n_pairs, dtype=np.int64)
        pair[codes] = pair_key
        value = np.nan_to_num(table["value"][rows].astype(np.float64, copy=False))
        reading = np.bincount(codes, weights=value, minlength=n_pairs) / np.bincount(codes, minlength=n_pairs)
    else:
        pair = unique_by_blocks(pair_key, time // bin_minutes)
    pair_person = pair % n_people
    pair_time, pair_unit = cell_time_unit(pair // n_people, n_units, bin_minutes)
    owner = np.full(n_people, -1, dtype=np.int32)
    owner[person] = table["resident"][rows]  # an identifier belongs to one resident (a meter: its household's)
    out = {"time": pair_time, "unit": pair_unit, "person": pair_person, "resident": owner[pair_person]}
    if reading is not None:
        out["reading"] = reading
    if n_anon == 0:  # every weight is one: a read-only view of a single 1.0 rather than an array of them
        return {**out, "weight": np.broadcast_to(np.float64(1.0), len(pair))}
    anon_weight = np.nan_to_num(table["value"][anon].astype(np.float64, copy=False)) if counted_in_value else np.ones(
        n_anon)
    extra = {"time": table["time"][anon].astype(np.int32), "unit": table["unit"][anon].astype(np.int32, copy=False),
             "person": np.full(n_anon, -1, np.int64), "resident": table["resident"][anon].astype(np.int32),
             "reading": np.nan_to_num(table["value"][anon].astype(np.float64, copy=False))}
    joined = {name: np.concatenate([column, extra[name]]) for name, column in out.items()}
    return {**joined, "weight": np.concatenate([np.ones(len(pair)), anon_weight])}


def daily_total_runs(table: Table, sampling_minutes: np.ndarray, bin_minutes: int) -> tuple[Table, Table] | None:
    """Share each daily total of a smart-meter table out evenly over the reading intervals of its day.

    A row whose ``reading_minutes`` is 1440 (an opted-out meter's daily total, stamped at the start of its day and
    rounded down to the bin) stands for one reading per sampling interval of its device over that day, each an
    equal share of the total. Those readings are not made one by one: the ones that share a released bin are
    given as one run (its bin, the sum of their shares and how many they are).

    Args:
        table: Generalised smart-meter records as captured.
        sampling_minutes: Sampling interval of every device (index = device index).
        bin_minutes: Width of the released time bins (at most a day).

    Returns:
        None when the table holds no daily total; else the other rows (the columns counting needs: time, unit,
        person, resident, value) and the runs (columns time, unit, person, resident, value: the sum of the run's
        readings, readings: how many).
    """
    covers = table.get("reading_minutes")
    daily = None if covers is None else covers >= DAY_MINUTES
    if daily is None or not daily.any():
        return None
    rows = np.flatnonzero(daily)
    # opt-out appends the daily totals after the other readings: those are then a prefix, read without a copy
    others = slice(0, rows[0]) if rows[0] + len(rows) == len(daily) else ~daily
    kept = {name: table[name][others] for name in ("time", "unit", "person", "resident", "value")}
    interval = np.maximum(sampling_minutes[table["sensor"][rows]].astype(np.int64), 1)
    per_day = np.maximum(DAY_MINUTES // interval, 1)
    bins_per_day = -(-DAY_MINUTES // bin_minutes)
    source = np.repeat(np.arange(len(rows)), bins_per_day)
    # the day's start was rounded down to a bin no more than a bin before it
    day_start = (table["time"][rows].astype(np.int64) + bin_minutes - 1) // DAY_MINUTES * DAY_MINUTES
    start = np.repeat(day_start, bins_per_day) + np.tile(np.arange(bins_per_day) * bin_minutes, len(rows))
    step = interval[source]
    first = -(-(start - day_start[source]) // step)  # index of the first reading at or after the bin's start
    end = np.minimum(start + bin_minutes, day_start[source] + DAY_MINUTES)
    readings = np.clip(-(-(end - day_start[source]) // step) - first, 0, None)
    readings = np.minimum(readings, np.maximum(per_day[source] - first, 0))
    has = readings > 0
    source, start, readings = source[has], start[has], readings[has]
    share = table["value"][rows].astype(np.float64) / per_day
    runs = {"time": (start // bin_minutes * bin_minutes).astype(table["time"].dtype, copy=False),
            "unit": table["unit"][rows][source], "person": table["person"][rows][source],
            "resident": table["resident"][rows][source], "value": share[source] * readings,
            "readings": readings.astype(np.float64)}
    return kept, runs


def run_contributions(runs: Table) -> Table:
    """Return the contributions of daily-total runs: one per (bin, meter), its mean reading as ``reading``."""
    return {"time": runs["time"].astype(np.int32, copy=False), "unit": runs["unit"].astype(np.int32, copy=False),
            "person": runs["person"].astype(np.int64, copy=False), "resident": runs["resident"],
            "reading": runs["value"] / runs["readings"], "weight": np.ones(len(runs["time"]))}


DENSE_LIMIT = 1 << 22
"""Largest key range summed with a dense bincount; wider ranges are factorised first."""


def group_sums(key: np.ndarray, *weights: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """Return the distinct non-negative keys (sorted) and, for each weight array, its sum per key.

    A weight of None stands for ones (each key's count, as floats), counted without an array of ones.
    """
    if len(key) and int(key.max()) < DENSE_LIMIT:
        counts = np.bincount(key, minlength=int(key.max()) + 1)
        unique = np.flatnonzero(counts)
        sums = [counts[unique].astype(np.float64) if w is None else
                np.bincount(key, weights=w, minlength=len(counts))[unique] for w in weights]
        return (unique.astype(np.int64, copy=False), *sums)
    code, unique = pd.factorize(key)
    order = np.argsort(unique)
    sums = [np.bincount(code, weights=w, minlength=len(unique))[order].astype(np.float64, copy=False)
            for w in weights]
    return (np.asarray(unique, dtype=np.int64)[order], *sums)


def edge_contributions(table: Table, bin_minutes: int, readings: bool = False) -> Table:
    """Return the contributions of edge counts: people per sampling instant, averaged over the bin's instants.

    With ``readings``, each also carries the device's mean reading at that instant (``reading``).
    """
    instants = np.maximum(1, bin_minutes // np.maximum(table["instant_minutes"], 1))
    out = {"time": table["time"].astype(np.int64, copy=False), "unit": table["unit"].astype(np.int32, copy=False),
           "person": np.full(n_rows(table), -1, np.int64), "resident": np.full(n_rows(table), -1, np.int32),
           "weight": table["count"] / instants}
    if readings:
        out["reading"] = np.nan_to_num(table["value"].astype(np.float64, copy=False))
    return out


def count_cells(contrib: Table, n_units: int, bin_minutes: int) -> pd.DataFrame:
    """Return the count of every cell that has a contribution (columns time, unit, count), sorted."""
    weight = contrib["weight"]
    if weight.size and weight.strides == (0,) and weight[0] == 1.0:
        weight = None  # one weight of one seen through a broadcast view (every record names a contributor): counted
    cells, counts = group_sums(cell_key(contrib["time"], contrib["unit"], n_units, bin_minutes), weight)
    time, unit = cell_time_unit(cells, n_units, bin_minutes)
    return pd.DataFrame({"time": time, "unit": unit, "count": counts.astype(np.float64, copy=False)},
                        copy=False)


def mean_values(time: np.ndarray, unit: np.ndarray, value: np.ndarray, n_units: int,
                bin_minutes: int, readings: np.ndarray | None = None) -> pd.DataFrame:
    """Return the mean non-NaN reading of every cell that has one (columns time, unit, value).

    ``readings``: how many readings each row's ``value`` sums (None: each row is one reading).
    """
    value = value.astype(np.float64, copy=False)
    has = ~np.isnan(value)
    has = slice(None) if has.all() else has  # every record holds a reading (meters): no copies
    counted = None if readings is None else readings[has]
    cells, sums, ns = group_sums(cell_key(time[has], unit[has], n_units, bin_minutes), value[has], counted)
    cell_time, cell_unit = cell_time_unit(cells, n_units, bin_minutes)
    return pd.DataFrame({"time": cell_time, "unit": cell_unit, "value": sums / np.maximum(ns, 1)}, copy=False)


def with_values(counts: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Return the count table with the mean reading of each cell (NaN where none)."""
    if values.empty:
        return counts.assign(value=np.nan)
    wanted = _time_unit_key(counts)
    known = _time_unit_key(values)
    readings = values["value"].to_numpy(np.float64)
    if (known[1:] < known[:-1]).any():  # mean_values makes them sorted by (time, unit); anything else is sorted here
        order = np.argsort(known, kind="stable")
        known, readings = known[order], readings[order]
    at = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
    value = np.where(known[at] == wanted, readings[at], np.nan)
    return pd.DataFrame({"time": counts["time"].to_numpy(), "unit": counts["unit"].to_numpy(),
                         "count": counts["count"].to_numpy(), "value": value}, copy=False)


def _time_unit_key(frame: pd.DataFrame) -> np.ndarray:
    """Return an int64 key per row ordered as (time, unit) are."""
    return (frame["time"].to_numpy(np.int64) << 32) | frame["unit"].to_numpy(np.int64)


def concat(tables: list[Table]) -> Table:
    """Concatenate tables with the same columns (a single table is returned as it is, not copied)."""
    if len(tables) == 1:
        return tables[0]
    return {name: np.concatenate([t[name] for t in tables]) for name in tables[0]}


class Aggregation(Control):
    """Records as captured and edge counts turned into per-(time, unit) counts and mean readings."""

    name = "aggregation"
    stage = "release"

    def changes_records(self, config: ScenarioConfig) -> bool:
        """Return False: only the aggregate tables change here."""
        return False

    def _aggregate(self, kind: str, table: Table | None, edge: Table | None, n_units: int,
                   bin_minutes: int, sampling_minutes: np.ndarray) -> tuple[Table, pd.DataFrame, pd.DataFrame, dict]:
        """Return one kind's contributions, cell values, aggregate table and audit row."""
        parts, value_parts, rows_in = [], [], 0
        if table is not None:
            rows_in += n_rows(table)
            split = daily_total_runs(table, sampling_minutes, bin_minutes)
            if split is not None:
                table, runs = split
                parts.append(run_contributions(runs))
                value_parts.append((runs["time"], runs["unit"], runs["value"], runs["readings"]))
            parts.insert(0, contributions(table, kind, n_units, bin_minutes))
            value_parts.insert(0, (table["time"], table["unit"], table["value"], np.ones(n_rows(table))))
        if edge is not None:
            rows_in += n_rows(edge)
            parts.append(edge_contributions(edge, bin_minutes, kind in READING_KINDS))
            value_parts.append((edge["time"], edge["unit"], edge["value"], np.ones(n_rows(edge))))
        contrib = concat(parts)
        time, unit, value, readings = (np.concatenate(column) for column in zip(*value_parts, strict=True))
        values = mean_values(time, unit, value, n_units, bin_minutes,
                             None if len(value_parts) == 1 else readings)
        aggregate = with_values(count_cells(contrib, n_units, bin_minutes), values)
        source = "edge counts" if edge is not None else "records as captured"
        return contrib, values, aggregate, audit_row(self, kind, rows_in, len(aggregate),
                                                     f"{len(aggregate)} (time, unit) cells from {source}")

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Build contributions, cell values and exact aggregate tables for every kind (two kinds at a time)."""
        n_units = int(state.units.max()) + 1
        bin_minutes = state.time_bin_minutes
        captured = state.captured or {}
        kinds = sorted(set(captured) | set(state.edge_counts))
        done = map_kinds(lambda kind: self._aggregate(kind, captured.get(kind), state.edge_counts.get(kind), n_units,
                                                      bin_minutes, context.sampling_minutes), kinds)
        contrib = {kind: piece[0] for kind, piece in zip(kinds, done, strict=True)}
        values = {kind: piece[1] for kind, piece in zip(kinds, done, strict=True)}
        aggregates = {kind: piece[2] for kind, piece in zip(kinds, done, strict=True)}
        rows = [piece[3] for piece in done]
        return state.evolve(contributions=contrib, cell_values=values, aggregates=aggregates), rows
