"""Release level (on release): whether record-level datasets are kept and shared, or aggregates only.

``level="aggregates"`` drops every record dataset (and with them their truth columns and the identified set): only
the aggregate tables leave. ``level="records"`` changes nothing.
"""

from __future__ import annotations

from simulation.controls.base import Control, ControlContext, ReleaseState, audit_row, n_rows
from simulation.scenario import ScenarioConfig


class ReleaseLevel(Control):
    """Record datasets dropped when only aggregates are released."""

    name = "release"
    stage = "release"

    def changes_records(self, config: ScenarioConfig) -> bool:
        """Return True when only aggregates are released: the record datasets are then dropped."""
        return config.controls.release.level == "aggregates"

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Drop record datasets for an aggregates-only release."""
        if context.config.controls.release.level != "aggregates":
            return state, []
        rows = [audit_row(self, kind, n_rows(table), 0, "aggregates only: record dataset dropped")
                for kind, table in state.records.items()]
        return state.evolve(records={}, identified=frozenset()), rows
