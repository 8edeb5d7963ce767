"""True sensitive visits: the truth against which sensitive-place inference is scored.

A resident truly visits a sensitive place when they spend a slot, not at home and not travelling, in a zone whose
land use is in ``codes.SENSITIVE_USES`` (clinics, hospitals, places of worship, nightlife: health, religion and
private life, GDPR Art. 9 special categories). The attack itself is in ``resident_attacks``.
"""

from __future__ import annotations

import numpy as np

from simulation.codes import AWAY, HOME, SENSITIVE_USES, TRAVEL
from simulation.metrics.base import AssessmentContext
from simulation.metrics.risk.point_index import sorted_unique
from simulation.metrics.truths import remembered_truth


def visit_key_spans(ctx: AssessmentContext) -> tuple[int, int]:
    """Return the unit and time-bin spans of the visit keys of a release: ``(n_units, n_bins)``."""
    release = ctx.release
    return int(np.asarray(release.units).max()) + 1, release.horizon_minutes // release.time_bin_minutes + 1


def sensitive_visits(ctx: AssessmentContext) -> np.ndarray:
    """Return the sorted distinct (resident, unit, time bin) keys of true sensitive visits (truth)."""
    world, release = ctx.world, ctx.release
    sensitive_zone = world.city.zones["land_use"].isin(SENSITIVE_USES).to_numpy()
    zone, activity = world.zone, world.activity
    visit = sensitive_zone[zone] & (activity != HOME) & (activity != TRAVEL) & (activity != AWAY)
    slot, resident = np.nonzero(visit)
    units = np.asarray(release.units, dtype=np.int64)
    n_units, n_bins = visit_key_spans(ctx)
    time_bin = slot.astype(np.int64) * world.slot_minutes // release.time_bin_minutes
    return sorted_unique((resident.astype(np.int64) * n_units + units[zone[slot, resident]]) * n_bins + time_bin)


def remembered_visits(ctx: AssessmentContext) -> np.ndarray:
    """Return :func:`sensitive_visits`, computed once per world and release geometry."""
    release = ctx.release
    return remembered_truth(ctx.world, ("sensitive_visits", np.asarray(release.units).tobytes(),
                                        release.time_bin_minutes, release.horizon_minutes),
                            lambda: sensitive_visits(ctx))
