"""Edge aggregation (at capture): devices of the listed kinds send only counts; no record leaves them.

Each device reduces what it captured in one sampling slot to a count and a mean reading: the number of distinct
identifiers it saw, plus one per record without an identifier (for ``people_counter``, whose records already
carry a count, the sum of those counts). These counts join the aggregates at release (see
:mod:`simulation.controls.aggregation`); the kind's record dataset is removed, so nothing about it can be
pseudonymised, kept, read or joined. This is the Array of Things rule: images processed on the node, only
counts published.

Who was counted is kept aside, for the privacy accounting only (``ReleaseState.edge_presence``): the true resident
and the device's sampling interval of every record that named one, so that the epsilon of the counts can be
stated for the person counted most (:mod:`simulation.controls.dp_accounting`). Records without a resident (people
counters' head counts) add nothing there.
"""

from __future__ import annotations

import numpy as np

from simulation.controls.base import Control, ControlContext, ReleaseState, Table, audit_row, n_rows

COUNT_IN_VALUE_KINDS: tuple[str, ...] = ("people_counter",)
"""Kinds whose records are already counts (the reading is the number of people counted)."""


def device_slot_counts(table: Table, kind: str, sampling_minutes: np.ndarray) -> Table:
    """Reduce records to one row per (device, time): people counted and mean reading.

    Args:
        table: Working records of one kind.
        kind: Their sensor kind.
        sampling_minutes: Sampling interval of every device (index = device index).

    Returns:
        A table with the columns of ``EDGE_COLUMNS``.
    """
    n = n_rows(table)
    if n == 0:
        empty_i = np.empty(0, np.int64)
        return {"time": empty_i, "sensor": empty_i.astype(np.int32), "zone": empty_i.astype(np.int32),
                "unit": empty_i.astype(np.int32), "count": np.empty(0), "value": np.empty(0),
                "instant_minutes": empty_i}
    order = np.lexsort((table["token"], table["time"], table["sensor"]))
    sensor, time, token = table["sensor"][order], table["time"][order], table["token"][order]
    value = table["value"][order].astype(np.float64, copy=False)
    new_slot = np.r_[True, (sensor[1:] != sensor[:-1]) | (time[1:] != time[:-1])]
    starts = np.flatnonzero(new_slot)
    if kind in COUNT_IN_VALUE_KINDS:
        people = np.nan_to_num(value)
    else:
        new_token = new_slot | np.r_[True, token[1:] != token[:-1]]
        people = ((token < 0) | new_token).astype(np.float64, copy=False)
    has_value = ~np.isnan(value)
    value_sum = np.add.reduceat(np.where(has_value, value, 0.0), starts)
    value_n = np.add.reduceat(has_value.astype(np.float64, copy=False), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_value = np.where(value_n > 0, value_sum / np.maximum(value_n, 1), np.nan)
    first = order[starts]
    return {"time": table["time"][first], "sensor": table["sensor"][first], "zone": table["zone"][first],
            "unit": table["zone"][first], "count": np.add.reduceat(people, starts), "value": mean_value,
            "instant_minutes": sampling_minutes[table["sensor"][first]].astype(np.int64, copy=False)}


def counted_residents(table: Table, kind: str, sampling_minutes: np.ndarray) -> Table:
    """Return who each counted record was (columns resident, instant_minutes), for the privacy accounting only.

    One row per record with a resident (a sensor records a person at most once per device and sampling slot, so
    each row is one person counted at one instant). Records that already are counts (people counters) name
    nobody and give no rows.
    """
    if kind in COUNT_IN_VALUE_KINDS:
        return {"resident": np.empty(0, np.int32), "instant_minutes": np.empty(0, np.int64)}
    has = table["resident"] >= 0
    return {"resident": table["resident"][has].astype(np.int32, copy=False),
            "instant_minutes": sampling_minutes[table["sensor"][has]].astype(np.int64, copy=False)}


class EdgeAggregation(Control):
    """Devices of the listed kinds release counts per device and sampling slot, no records."""

    name = "edge_aggregation"
    stage = "capture"

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Replace the listed kinds' records by per-device, per-slot counts."""
        kinds = context.config.controls.edge_aggregation.kinds
        records, edge, rows = dict(state.records), dict(state.edge_counts), []
        presence = dict(state.edge_presence)
        for kind in kinds:
            if kind not in records:
                continue
            table = records.pop(kind)
            edge[kind] = device_slot_counts(table, kind, context.sampling_minutes)
            presence[kind] = counted_residents(table, kind, context.sampling_minutes)
            rows.append(audit_row(self, kind, n_rows(table), 0,
                                  f"no record leaves the device; {n_rows(edge[kind])} device-slot counts sent"))
        return state.evolve(records=records, edge_counts=edge, edge_presence=presence), rows

