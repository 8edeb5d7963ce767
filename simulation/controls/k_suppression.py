"""k-suppression (on release, after differential privacy): aggregate cells counting fewer than k are removed.

A cell is released only if its count is at least k (k of 0 or 1 disables suppression). With differential privacy
on, the threshold is applied to the noisy counts, as Google's mobility releases do (cells under 100 dropped after
noise in the Maps OD data): a threshold on exact counts would itself reveal whether a small true count existed.
The audit gives the cells and the count mass removed (negative noisy counts count as 0). Tables that count
no people (``env_iot`` readings) are left alone. A larger k removes a superset of the cells a smaller k
removes, because the noise does not depend on k.
"""

from __future__ import annotations

import numpy as np

from simulation.controls.aggregation import NO_PERSON_KINDS
from simulation.controls.base import Control, ControlContext, ReleaseState, audit_row
from simulation.scenario import ScenarioConfig


class KSuppression(Control):
    """Cells with a count below k are removed."""

    name = "k_suppression"
    stage = "release"

    def changes_records(self, config: ScenarioConfig) -> bool:
        """Return False: only the aggregate tables change here."""
        return False

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Drop small cells from every aggregate table."""
        k = context.config.controls.k_suppression.k
        if k <= 1:
            return state, []
        aggregates, rows = {}, []
        for kind, table in state.aggregates.items():
            if kind in NO_PERSON_KINDS:
                aggregates[kind] = table
                continue
            small = table["count"].to_numpy() < k
            aggregates[kind] = table[~small].reset_index(drop=True)
            counts = np.clip(table["count"].to_numpy(), 0.0, None)
            mass, total = float(counts[small].sum()), float(counts.sum())
            share = mass / total if total > 0 else 0.0
            rows.append(audit_row(self, kind, len(table), len(aggregates[kind]),
                                  f"k={k}; count mass suppressed {mass:.1f} ({share:.1%})",
                                  cells_suppressed=int(small.sum())))
        return state.evolve(aggregates=aggregates), rows
