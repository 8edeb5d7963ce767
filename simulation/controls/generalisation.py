"""Spatial and temporal generalisation (on release): zones merged into blocks, times rounded down to bins.

A block of ``b x b`` zones becomes one released unit: the zone at grid position (x, y) belongs to unit
``(y // b) * ceil(width / b) + (x // b)`` (with b = 1 the unit is the zone id). Times are rounded down to a
multiple of ``temporal_bin_minutes``. Both apply to the records still held, to the records as captured (the
source of the aggregates) and to edge counts, so every released table uses the same units and bins
(``Release.units``, ``Release.time_bin_minutes``). Each released point is a function of the original one, so
generalisation never increases the number of distinct (unit, time) points of any trace.
"""

from __future__ import annotations

import numpy as np

from simulation.controls.base import Control, ControlContext, ReleaseState, Table, audit_row, n_rows
from simulation.world.city import City


def block_units(city: City, block: int) -> np.ndarray:
    """Return the released unit of every zone when zones are merged into block x block squares."""
    x = city.zones["x"].to_numpy(np.int64)
    y = city.zones["y"].to_numpy(np.int64)
    per_row = -(-city.width // block)
    return ((y // block) * per_row + x // block).astype(np.int32, copy=False)


def generalise(table: Table, units: np.ndarray, bin_minutes: int) -> Table:
    """Return a table with ``unit`` taken from its zone and ``time`` rounded down to the bin.

    When every zone is its own unit, the zone column is shared as the unit column rather than copied. Released
    times are int32 minutes (the released datasets' own type, so the release shares the column).
    """
    zone = table["zone"]
    same = units.dtype == zone.dtype and np.array_equal(units, np.arange(len(units)))
    binned = table["time"] // bin_minutes
    binned *= bin_minutes
    return {**table, "unit": zone if same else units[zone], "time": binned.astype(np.int32, copy=False)}


class Generalisation(Control):
    """Zones merged into blocks and times rounded down to bins."""

    name = "generalisation"
    stage = "release"

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Generalise records, captured records and edge counts."""
        settings = context.config.controls.generalisation
        bin_minutes = settings.temporal_bin_minutes
        units = block_units(context.world.city, settings.spatial_block_zones)
        records, rows, done = {}, [], {}

        def generalised(table: Table) -> Table:
            """Generalise each table once: the captured records are often the stored ones (nothing deleted)."""
            if id(table) not in done:
                done[id(table)] = generalise(table, units, bin_minutes)
            return done[id(table)]

        n_units = int(units.max()) + 1 if len(units) else 0
        for kind, table in state.records.items():
            records[kind] = generalised(table)
            rows.append(audit_row(self, kind, n_rows(table), n_rows(table),
                                  f"{len(units)} zones -> {n_units} units ({settings.spatial_block_zones}x"
                                  f"{settings.spatial_block_zones} blocks), times rounded down to {bin_minutes} min"))
        captured = {kind: generalised(table) for kind, table in (state.captured or {}).items()}
        edge = {kind: generalise(table, units, bin_minutes) for kind, table in state.edge_counts.items()}
        for kind, table in edge.items():
            rows.append(audit_row(self, kind, n_rows(table), n_rows(table),
                                  f"edge counts to {n_units} units and {bin_minutes}-min bins"))
        return state.evolve(records=records, captured=captured, edge_counts=edge, units=units,
                            time_bin_minutes=bin_minutes), rows

