"""Sensitive-place inference: visits to clinics, hospitals, places of worship and nightlife attributed to a person.

Definition: a resident truly visits a sensitive place when they spend a slot, not at home and not travelling,
in a zone whose land use is in ``codes.SENSITIVE_USES`` (health, religion and private life: GDPR Art. 9 special
categories). The visit is exposed when a released record the adversary's role may read places them, in that
zone's released unit and time bin, AND the record is attributable to them: its dataset is identified (plates,
named cards, face matches), or its trace was re-identified (``reidentification``) or linked to an identified
dataset (``linkage``) correctly. This follows the inference attacks of Shokri et al. (IEEE S&P 2011,
"Quantifying location privacy") and the sensitive-location concern of Golle and Partridge (2009).

risk = residents with at least one exposed sensitive visit / residents with at least one sensitive visit
(0 if nobody visits one). Breakdown per dataset: residents exposed through it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.codes import HOME, SENSITIVE_USES, TRAVEL
from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.linkage import linked_traces
from simulation.metrics.risk.point_index import sorted_unique
from simulation.metrics.risk.reidentification import reidentified_traces
from simulation.metrics.risk.traces import readable_traces
from simulation.metrics.truths import remembered_truth


def sensitive_visits(ctx: AssessmentContext) -> np.ndarray:
    """Return the sorted distinct (resident, unit, time bin) keys of true sensitive visits (truth)."""
    world, release = ctx.world, ctx.release
    sensitive_zone = world.city.zones["land_use"].isin(SENSITIVE_USES).to_numpy()
    zone, activity = world.zone, world.activity
    visit = sensitive_zone[zone] & (activity != HOME) & (activity != TRAVEL)
    slot, resident = np.nonzero(visit)
    units = np.asarray(release.units, dtype=np.int64)
    n_units = int(units.max()) + 1
    n_bins = release.horizon_minutes // release.time_bin_minutes + 1
    time_bin = slot.astype(np.int64) * world.slot_minutes // release.time_bin_minutes
    return sorted_unique((resident.astype(np.int64) * n_units + units[zone[slot, resident]]) * n_bins + time_bin)


def risk_sensitive_inference(ctx: AssessmentContext) -> MetricResult:
    """Return the share of residents with a sensitive visit whose released record there is attributable."""
    release = ctx.release
    visits = remembered_truth(ctx.world, ("sensitive_visits", np.asarray(release.units).tobytes(),
                                          release.time_bin_minutes, release.horizon_minutes),
                              lambda: sensitive_visits(ctx))
    n_units = int(np.asarray(release.units).max()) + 1
    n_bins = release.horizon_minutes // release.time_bin_minutes + 1
    visitors = np.unique(visits // (n_units * n_bins))
    if visitors.size == 0:
        return MetricResult("risk_sensitive_inference", 0.0,
                            pd.DataFrame(columns=["dataset", "visitors", "exposed", "share"]))
    reidentified, linked = reidentified_traces(ctx), linked_traces(ctx)
    exposed_any = np.zeros(0, dtype=np.int64)
    rows = []
    for kind, traces in readable_traces(release, ctx.config.adversary.role).items():
        attributable = np.zeros(traces.n_traces, dtype=bool)
        if kind in release.identified:
            attributable[:] = True
        for chosen in (reidentified.get(kind), linked.get(kind)):
            if chosen is not None and chosen.size:
                attributable[chosen] = True
        keep = attributable[traces.trace] & (traces.resident >= 0)
        keys = (traces.resident[keep] * n_units + traces.unit[keep]) * n_bins + traces.time[keep] // \
            traces.time_bin_minutes
        where = np.minimum(np.searchsorted(visits, keys), max(visits.size - 1, 0))
        hit = visits[where] == keys  # visits are sorted and distinct
        exposed = np.unique(traces.resident[keep][hit])
        exposed_any = np.union1d(exposed_any, exposed)
        rows.append({"dataset": kind, "visitors": int(visitors.size), "exposed": int(exposed.size),
                     "share": exposed.size / visitors.size})
    value = float(exposed_any.size / visitors.size)
    return MetricResult("risk_sensitive_inference", value,
                        pd.DataFrame(rows, columns=["dataset", "visitors", "exposed", "share"]))
