"""Live facial recognition false alerts, and which demographic groups bear them.

Definition: every face passing a camera with live facial recognition is scored against the watchlist; a score
at or above ``controls.face_recognition.match_threshold`` raises an alert. A false alert is an alert on someone
not on the watchlist (truth: ``log.watchlist``). risk = false alerts per 10,000 faces scanned, from the released
``cctv`` records that carry a score (the alerts the system raised). The breakdown gives, per demographic group
(``world.residents['group']``), faces scanned, false alerts, the rate per 10,000 and the group's share of all
false alerts. Sources: National Physical Laboratory, "Facial Recognition Technology in Law Enforcement:
Equitability Study" (2023: false-positive identification rate and demographic differentials by threshold);
Grother, Ngan and Hanaoka, NIST IR 8280 "FRVT Part 3: Demographic Effects" (2019). 0 without face recognition.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult

PER = 10_000
COLUMNS = ["group", "faces", "false_alerts", "per_10k", "share_of_false_alerts"]


def risk_face_false_alerts_per_10k(ctx: AssessmentContext) -> MetricResult:
    """Return false alerts per 10,000 faces scanned, by demographic group in the breakdown."""
    name = "risk_face_false_alerts_per_10k"
    uses_face_recognition = any(getattr(s, "face_recognition", False) for s in ctx.config.sensors)
    frame = ctx.release.records.get("cctv")
    if not uses_face_recognition or frame is None or frame.empty:
        return MetricResult(name, 0.0, pd.DataFrame(columns=COLUMNS))
    value = frame["value"].to_numpy(np.float64)
    resident = np.asarray(ctx.release.record_truth["cctv"], dtype=np.int64)
    scanned = ~np.isnan(value) & (resident >= 0)
    threshold = ctx.config.controls.face_recognition.match_threshold
    alert = scanned & (value >= np.float32(threshold))
    member = np.isin(resident, np.asarray(ctx.log.watchlist, dtype=np.int64))
    false_alert = alert & ~member
    group_code, group_names = pd.factorize(ctx.world.residents["group"].astype(str), sort=True)
    scanned_group = group_code[resident[scanned]]  # counted per group code: no string per face
    faces = np.bincount(scanned_group, minlength=len(group_names))
    false_per_group = np.bincount(scanned_group, weights=false_alert[scanned], minlength=len(group_names))
    present = faces > 0
    by_group = pd.DataFrame({"group": np.asarray(group_names, dtype=object)[present], "faces": faces[present],
                             "false_alerts": false_per_group[present].astype(np.int64)})
    by_group["per_10k"] = PER * by_group["false_alerts"] / by_group["faces"]
    total_false = int(false_alert.sum())
    by_group["share_of_false_alerts"] = by_group["false_alerts"] / total_false if total_false else 0.0
    faces = int(scanned.sum())
    rate = PER * total_false / faces if faces else 0.0
    return MetricResult(name, float(rate), by_group[COLUMNS])
