"""Retention (in storage): each dataset's records older than its retention period are deleted.

The moment that matters is the end of the horizon (when a breach or a request would find the data): a record
survives when ``time >= horizon_minutes - retention_days * 1440``. Retention 0 deletes every record (TfL deletes
paid road-charging reads by the next working day). Aggregates are not affected: they were computed as the data
arrived (see :mod:`simulation.controls.pipeline`). Shorter retention keeps a subset of the rows a longer one keeps.
"""

from __future__ import annotations

from simulation.controls.base import Control, ControlContext, ReleaseState, audit_row, n_rows, take


class Retention(Control):
    """Records older than the dataset's retention period at the end of the horizon are deleted."""

    name = "retention"
    stage = "storage"

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Delete expired records, one audit row per dataset."""
        settings = context.config.controls.retention
        records, rows = {}, []
        for kind, table in state.records.items():
            days = settings.for_kind(kind)
            cutoff = context.horizon_minutes - days * 1440.0
            kept = take(table, table["time"] >= cutoff)
            records[kind] = kept
            dropped = n_rows(table) - n_rows(kept)
            rows.append(audit_row(self, kind, n_rows(table), n_rows(kept),
                                  f"kept {days:g} days; {dropped} rows deleted"))
        return state.evolve(records=records), rows
