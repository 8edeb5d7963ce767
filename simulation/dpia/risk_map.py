"""Risks to residents on a severity x likelihood map, the likelihood read from measured attack success.

The feared events are the per-resident attacks of the assessment (``Assessment.breakdowns["resident_outcomes"]``,
one row per resident, see ``docs/risk.md``). For each:

- **likelihood** is the measured share of residents the attack succeeds against (the chance that it succeeds
  against a resident taken at random), on the four levels of the CNIL PIA method: negligible under 1%, limited
  1-10%, significant 10-50%, maximum 50% or more (thresholds are this project's reading of the CNIL's
  descriptions: "does not seem possible", "seems difficult", "seems possible", "seems extremely easy");
- **severity** is fixed by what the event does to a resident (:data:`EVENTS`), on the same four levels;
- the **overall** level (ICO DPIA template: low, medium, high) adds the two levels (0-3 each): high when both are
  at least significant or the sum is 5 or more, medium from a sum of 3 (a maximum severity however unlikely, a
  limited one that reaches most residents), low below.

Sources: CNIL, "Privacy Impact Assessment (PIA): Methodology", 2018 edition, section 3 (risks: severity and
likelihood on four levels, the risk map); ICO, "Sample DPIA template", step 5 (likelihood, severity, overall risk).
Per-resident columns this module does not know (an attack added later) are shown with significant severity.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LEVELS: tuple[str, ...] = ("negligible", "limited", "significant", "maximum")
"""The CNIL's four levels, for both axes."""
LIKELIHOOD_BOUNDS: tuple[float, ...] = (0.01, 0.10, 0.50)
"""Share of residents at which likelihood reaches limited, significant and maximum."""


@dataclass(frozen=True)
class Event:
    """A feared event: what an attack does to a resident.

    Attributes:
        column: Its per-resident column in ``resident_outcomes``.
        title: The event in a few words.
        severity: Index into :data:`LEVELS`.
        why: Why that severity, in one sentence.
        outcome: The outcome that reports the same share (``risk_*``), if any.
    """

    column: str
    title: str
    severity: int
    why: str
    outcome: str = ""


EVENTS: tuple[Event, ...] = (
    Event("singled_out", "Singled out by a few known points", 1,
          "The trace is unique, so anyone who knows a few of the resident's places and times can pick it out.",
          "risk_unicity"),
    Event("home_found", "Home revealed", 2, "The address a resident sleeps at can be read off their profile.",
          "risk_home_found"),
    Event("work_found", "Workplace revealed", 1, "Where the resident works or studies can be read off their profile.",
          "risk_work_found"),
    Event("reidentified", "Re-identified from home and work", 2,
          "Someone who knows where the resident lives and works finds all their records.", "risk_reidentification"),
    Event("tracked", "Followed over days", 2, "Their movements can be followed on two or more days.",
          "risk_tracking"),
    Event("identified", "Named in the data", 2, "Records tied to their name (plate, registered card, face alert).",
          "risk_identified"),
    Event("linked_across", "Datasets joined on them", 2,
          "Their records from two or more sensor networks are joined into one profile.", "risk_linkage"),
    Event("sensitive_inferred", "Sensitive visits exposed", 3,
          "Visits to clinics, places of worship or nightlife are attributed to them (health, religion: GDPR Art. 9).",
          "risk_sensitive_inference"),
    Event("trajectory_recovered", "Movements rebuilt from published counts", 2,
          "Their week's movements are rebuilt from the published aggregates alone and picked out.",
          "risk_trajectory_recovery"),
)
"""The known feared events, with their severity and why."""
NOT_EVENTS: tuple[str, ...] = ("resident", "profile", "records", "records_in_profile", "datasets_in_profile",
                               "home_inferred", "work_inferred", "anonymity_set", "tracked_hours", "tracked_days",
                               "linked_datasets", "any_attack")
"""Per-resident columns that are not an attack's success."""


@dataclass(frozen=True)
class RiskPoint:
    """One feared event as measured.

    Attributes:
        event: The event.
        share: Share of residents it reaches.
        likelihood: Index into :data:`LEVELS`.
    """

    event: Event
    share: float

    @property
    def likelihood(self) -> int:
        """Return the likelihood level of the measured share."""
        return likelihood_level(self.share)

    @property
    def overall(self) -> str:
        """Return the ICO overall level: low, medium or high."""
        return overall_level(self.event.severity, self.likelihood)


def likelihood_level(share: float) -> int:
    """Return the CNIL likelihood level (index into :data:`LEVELS`) of a measured share of residents."""
    return sum(share >= bound for bound in LIKELIHOOD_BOUNDS)


def overall_level(severity: int, likelihood: int) -> str:
    """Return the ICO overall risk ("low", "medium" or "high") of a severity and a likelihood level."""
    total = severity + likelihood
    if min(severity, likelihood) >= 2 or total >= 5:
        return "high"
    return "medium" if total >= 3 else "low"


def risk_points(residents: pd.DataFrame) -> list[RiskPoint]:
    """Return every feared event measured in a per-resident table, known events first.

    Args:
        residents: ``resident_outcomes`` (one row per resident, boolean success columns).
    """
    known = {event.column: event for event in EVENTS}
    extra = [c for c in residents.columns if c not in known and c not in NOT_EVENTS and residents[c].dtype == bool]
    events = [event for event in EVENTS if event.column in residents.columns]
    events += [Event(c, c.replace("_", " ").capitalize(), 2, "An attack on the published aggregates.") for c in extra]
    return [RiskPoint(event, float(residents[event.column].mean()) if len(residents) else 0.0) for event in events]
