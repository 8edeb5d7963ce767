"""Access policy (in storage): which parties may read, and so join, which record datasets.

Fills ``Release.readable`` from ``controls.access.grants``. A party can join two datasets (link a Wi-Fi pseudonym
to a plate by co-occurrence, say) only when it may read both; aggregates are public. The adversary of stage 4
takes the grants of its role. The audit notes, for each party, what it reads and which pairs it can join.
"""

from __future__ import annotations

from itertools import combinations

from simulation.controls.base import Control, ControlContext, ReleaseState, audit_row, n_rows
from simulation.scenario import PARTIES


class Access(Control):
    """Record datasets readable by each party."""

    name = "access"
    stage = "storage"

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Record each party's grants; one audit row per party."""
        grants = context.config.controls.access
        readable, rows = {}, []
        for party in PARTIES:
            kinds = sorted(set(grants.datasets_for(party)))
            readable[party] = kinds
            held = [kind for kind in kinds if kind in state.records]
            pairs = ["+".join(pair) for pair in combinations(held, 2)]
            n_held = sum(n_rows(state.records[kind]) for kind in held)
            note = (f"{party} reads {', '.join(held) or 'no record dataset'}"
                    + (f"; can join {', '.join(pairs)}" if pairs else "") + "; aggregates are public")
            rows.append(audit_row(self, party, n_held, n_held, note))
        return state.evolve(readable=readable), rows
