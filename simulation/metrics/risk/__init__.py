"""Stage 4, risk half: the attacks, scored against the truth (0 is no risk).

The attacks on records (``shares``) run as one adversary: chains per dataset, profiles across datasets, then one
outcome per resident (``record_attacks``, ``resident_attacks``); each outcome is a share of all residents.
``exposure`` and ``face_errors`` count what the city holds and what its face recognition gets wrong. The attack
on released aggregates is ``aggregate_recovery``; the assessment combines them all into the headline.
``location_attack`` also exposes an exact, fast scikit-mobility LocationAttack usable on any (user, location[,
time]) table.
"""

from __future__ import annotations

from collections.abc import Callable

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.exposure import risk_exposure
from simulation.metrics.risk.face_errors import risk_face_false_alerts_per_10k
from simulation.metrics.risk.shares import (
    risk_identified,
    risk_linkage,
    risk_reidentification,
    risk_sensitive_inference,
    risk_tracking,
    risk_unicity,
)

RECORD_ATTACKS: dict[str, Callable[[AssessmentContext], MetricResult]] = {
    "risk_unicity": risk_unicity,
    "risk_reidentification": risk_reidentification,
    "risk_tracking": risk_tracking,
    "risk_identified": risk_identified,
    "risk_linkage": risk_linkage,
    "risk_sensitive_inference": risk_sensitive_inference,
}
"""The attacks on records, each a share of all residents (computed together, per resident)."""

RISK_METRICS: dict[str, Callable[[AssessmentContext], MetricResult]] = {
    **RECORD_ATTACKS,
    "risk_exposure": risk_exposure,
    "risk_face_false_alerts_per_10k": risk_face_false_alerts_per_10k,
}
"""Every risk metric by outcome name (share-valued ones lie in [0, 1])."""
