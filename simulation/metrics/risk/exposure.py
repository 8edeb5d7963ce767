"""Breach exposure: how much attributable personal data the city holds when a breach happens.

Definition: a released record is attributable when it carries an identifier (a raw identifier or a keyed-hash
pseudonym: pseudonymised data remain personal data, GDPR Recital 26, and a breach of the store leaks the
pseudonyms with whatever links them). At the end of the horizon the store holds the records younger than their
dataset's retention period (``controls.retention``; applied here again, so the metric holds for any release).
Exposure counts the resident-days held: distinct (resident, day) pairs with at least one held attributable record
in any dataset, whoever may read it (a breach ignores the access policy). Cf. the breach-impact framing of
ENISA's "Recommendations for a methodology of the assessment of severity of personal data breaches" (2013),
where volume and identifiability drive severity.

risk_exposure = held resident-days / (residents x days in the horizon), in [0, 1];
extra ``risk_exposure_resident_days`` = the held resident-days. Breakdown per dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult


def held_resident_days(ctx: AssessmentContext) -> tuple[np.ndarray, pd.DataFrame]:
    """Return a (resident x day) mask of the resident-days held, and a per-dataset table."""
    release = ctx.release
    days = max(int(np.ceil(release.horizon_minutes / 1440)), 1)
    held = np.zeros(ctx.world.n_residents * days, dtype=bool)
    rows = []
    for kind, frame in sorted(release.records.items()):
        retention = ctx.config.controls.retention.for_kind(kind)
        time = frame["time"].to_numpy()  # columns read as released (int32), widened only where multiplied
        resident = np.asarray(release.record_truth.get(kind, np.full(len(frame), -1)))
        keep = (frame["pseudonym"].to_numpy() != -1) & (resident >= 0) & (
            time >= release.horizon_minutes - retention * 1440)
        mask = np.zeros_like(held)
        mask[resident[keep].astype(np.int64) * days + np.minimum(time[keep] // 1440, days - 1)] = True
        held |= mask
        rows.append({"dataset": kind, "retention_days": retention, "records_held": int(keep.sum()),
                     "resident_days": int(mask.sum())})
    return held, pd.DataFrame(rows, columns=["dataset", "retention_days", "records_held", "resident_days"])


def risk_exposure(ctx: AssessmentContext) -> MetricResult:
    """Return the share of resident-days held as attributable records at the end of the horizon."""
    held, breakdown = held_resident_days(ctx)
    days = max(int(np.ceil(ctx.release.horizon_minutes / 1440)), 1)
    possible = ctx.world.n_residents * days
    count = int(held.sum())
    value = float(count / possible) if possible else 0.0
    return MetricResult("risk_exposure", value, breakdown, {"risk_exposure_resident_days": float(count)})
