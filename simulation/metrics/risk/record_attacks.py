"""The attacks on released records, run as one adversary would: chains, then profiles, then per-resident outcomes.

1. ``tracking`` re-links each readable dataset's pseudonyms across key rotations into chains;
2. ``profiles`` links the chains of every two readable datasets by co-occurrence into person profiles;
3. ``resident_attacks`` runs singling out, home/work re-identification, tracking, identification, linkage and
   sensitive-place inference on the profiles, one row per resident.
Every headline figure is a share of all residents; per-dataset and per-dataset-pair figures are breakdowns.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.profiles import LinkableDataset, build_profiles
from simulation.metrics.risk.resident_attacks import RESIDENT_COLUMNS, SUCCESS_COLUMNS, Knowledge, resident_outcomes
from simulation.metrics.risk.sensitive import remembered_visits, visit_key_spans
from simulation.metrics.risk.traces import readable_traces
from simulation.metrics.risk.tracking import DatasetTracking, tracking_parts, tracking_result

ATTACK_COLUMNS: dict[str, str] = {
    "risk_unicity": "singled_out",
    "risk_reidentification": "reidentified",
    "risk_tracking": "tracked",
    "risk_identified": "identified",
    "risk_linkage": "linked_across",
    "risk_sensitive_inference": "sensitive_inferred",
}
"""Outcome name -> the per-resident column whose share of residents it is (attacks on records)."""


@dataclass(eq=False)
class RecordAttacks:
    """What the attacks on records achieved.

    Attributes:
        residents: One row per resident (``resident_attacks.RESIDENT_COLUMNS`` plus ``linked_across``).
        results: One MetricResult per outcome of ATTACK_COLUMNS, each a share of all residents.

    The profiles attacked are not kept: results are remembered per release, and at 100,000 residents the profiles
    and their point index held about 0.7 GB.
    """

    residents: pd.DataFrame
    results: dict[str, MetricResult]


def knowledge_of(ctx: AssessmentContext) -> Knowledge:
    """Return what the adversary knows of every resident: home and work units, p, and how it attacks."""
    residents = ctx.world.residents
    units = np.asarray(ctx.release.units, dtype=np.int64)
    work_zone = residents["work_zone"].to_numpy(np.int64)
    adversary = ctx.config.adversary
    return Knowledge(home_unit=units[residents["home_zone"].to_numpy(np.int64)],
                     work_unit=np.where(work_zone >= 0, units[np.maximum(work_zone, 0)], -1),
                     known_points=adversary.known_points, knows_home_work=adversary.knows_home_work,
                     start_weekday=ctx.world.start_weekday)


def attack_records(ctx: AssessmentContext, tracked: list[tuple[np.ndarray, dict, np.ndarray]],
                   prepared: dict[str, LinkableDataset] | None = None) -> RecordAttacks:
    """Return the per-resident outcomes and the share-of-residents results of the attacks on records.

    Args:
        ctx: The assessment's inputs.
        tracked: What each piece of ``tracking_parts(ctx)`` returned, in their order (hours, row, chains).
        prepared: The datasets already made ready for linking (:func:`track_and_prepare`), by kind.
    """
    traces = readable_traces(ctx.release, ctx.config.adversary.role)
    chains = {piece.kind: chain for piece, (_, _, chain) in zip(tracking_parts(ctx), tracked, strict=True)}
    n = ctx.world.n_residents
    profiles = build_profiles(ctx.release, traces, chains, prepared=prepared) if traces else None
    if profiles is None:
        residents, per_dataset = _nobody(n), pd.DataFrame(columns=["dataset", "residents_in_profiles",
                                                                   *SUCCESS_COLUMNS])
    else:
        n_units, n_bins = visit_key_spans(ctx)
        residents, per_dataset = resident_outcomes(profiles, knowledge_of(ctx), n, remembered_visits(ctx), n_units,
                                                   n_bins, ctx.rng("resident_attacks"))
    share = {outcome: float(residents[column].mean()) if n else 0.0 for outcome, column in ATTACK_COLUMNS.items()}
    tracking = tracking_result(ctx, tracked)
    horizon_hours = max(ctx.release.horizon_minutes / 60.0, 1.0)
    links = profiles.links if profiles is not None else pd.DataFrame()
    made = profiles.links_made if profiles is not None else 0
    results = {
        "risk_unicity": MetricResult("risk_unicity", share["risk_unicity"], per_dataset),
        "risk_reidentification": MetricResult(
            "risk_reidentification", share["risk_reidentification"], per_dataset,
            extra={"risk_home_found": float(residents["home_found"].mean()) if n else 0.0,
                   "risk_work_found": float(residents["work_found"].mean()) if n else 0.0}),
        "risk_tracking": MetricResult(
            "risk_tracking", share["risk_tracking"], tracking.breakdown,
            extra={"risk_tracked_time": float(np.clip(residents["tracked_hours"].mean() / horizon_hours, 0, 1))
                   if n else 0.0}),
        "risk_identified": MetricResult("risk_identified", share["risk_identified"], per_dataset),
        "risk_linkage": MetricResult(
            "risk_linkage", share["risk_linkage"], links,
            extra={"risk_linkage_precision": profiles.links_correct / made if made else 0.0}),
        "risk_sensitive_inference": MetricResult("risk_sensitive_inference", share["risk_sensitive_inference"],
                                                 per_dataset),
    }
    return RecordAttacks(residents=residents, results=results)


def _nobody(n: int) -> pd.DataFrame:
    """Return the per-resident table when the adversary reads no record: nothing achieved."""
    frame = pd.DataFrame({column: np.zeros(n, dtype=bool) for column in RESIDENT_COLUMNS})
    frame["resident"] = np.arange(n)
    frame["profile"] = -1
    for column in ("records", "records_in_profile", "anonymity_set", "tracked_hours", "tracked_days",
                   "linked_datasets"):
        frame[column] = np.zeros(n, dtype=np.int64)
    frame["datasets_in_profile"] = ""
    return frame


def track_and_prepare(ctx: AssessmentContext, piece: DatasetTracking) -> tuple[tuple, LinkableDataset]:
    """Run one dataset's tracking and make the dataset ready for linking: one independent piece of work."""
    tracked = piece()
    return tracked, LinkableDataset.of(ctx.release, piece.kind, piece.traces, tracked[2])


_CACHE: weakref.WeakKeyDictionary[AssessmentContext, RecordAttacks] = weakref.WeakKeyDictionary()


def record_attacks(ctx: AssessmentContext) -> RecordAttacks:
    """Return :func:`attack_records` with tracking run here, one dataset after the other (cached per context)."""
    if ctx not in _CACHE:
        _CACHE[ctx] = attack_records(ctx, [piece() for piece in tracking_parts(ctx)])
    return _CACHE[ctx]
