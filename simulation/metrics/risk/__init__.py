"""Stage 4, risk half: one attack per module, each scored against the truth (0 is no risk).

Attacks read the record datasets the adversary's role may read (``release.visible_to(role)``); the truth is read
only to draw the adversary's background knowledge and to score. ``location_attack`` also exposes an exact, fast
scikit-mobility LocationAttack usable on any (user, location[, time]) table.
"""

from __future__ import annotations

from collections.abc import Callable

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.exposure import risk_exposure
from simulation.metrics.risk.face_errors import risk_face_false_alerts_per_10k
from simulation.metrics.risk.linkage import risk_linkage
from simulation.metrics.risk.reidentification import risk_reidentification
from simulation.metrics.risk.sensitive import risk_sensitive_inference
from simulation.metrics.risk.tracking import risk_tracking
from simulation.metrics.risk.unicity import risk_unicity

RISK_METRICS: dict[str, Callable[[AssessmentContext], MetricResult]] = {
    "risk_unicity": risk_unicity,
    "risk_reidentification": risk_reidentification,
    "risk_tracking": risk_tracking,
    "risk_linkage": risk_linkage,
    "risk_sensitive_inference": risk_sensitive_inference,
    "risk_exposure": risk_exposure,
    "risk_face_false_alerts_per_10k": risk_face_false_alerts_per_10k,
}
"""Every risk metric by outcome name (share-valued ones lie in [0, 1])."""
