"""Ranking alternatives by privacy bought per unit of utility lost, their sentences, and the Pareto frontier.

Every figure is the headline pair of a run: ``risk_overall`` (share of residents any attack reaches, lower is
better) and ``utility_overall`` (weighted service utility, higher is better), both in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from simulation.recommend.alternatives import Alternative

RISK = "risk_overall"
UTILITY = "utility_overall"
MIN_RISK_REDUCTION = 0.005
"""Smallest fall of the headline risk (half a percentage point) that counts as a reduction: below it, a change is
within the seed-to-seed noise of the presets (standard deviation at most 0.005, ``tests/test_risk_metamorphic.py``)."""
UTILITY_FLOOR = 0.001
"""Utility losses below a tenth of a point (and gains) count as this loss, so that the score of a change that costs
nothing is its risk reduction times 1,000: free changes rank first, among themselves by the risk they remove."""


@dataclass(frozen=True)
class Evaluated:
    """A scenario that was run: the current one, one alternative, or a combination of alternatives.

    Attributes:
        label: What it is, in words ("Rotate keys hourly", "Current scenario", "Top 3 combined").
        alternatives: The alternatives applied to the current scenario (none for the current scenario).
        row: Its results row (``simulation.results.results_row`` as a dict: settings, outcomes, flags).
    """

    label: str
    alternatives: tuple[Alternative, ...]
    row: dict = field(hash=False, compare=False)

    @property
    def risk(self) -> float:
        """Return the headline risk."""
        return float(self.row[RISK])

    @property
    def utility(self) -> float:
        """Return the overall utility."""
        return float(self.row[UTILITY])


def risk_reduction(base: Evaluated, other: Evaluated) -> float:
    """Return how much lower the headline risk of ``other`` is than that of ``base`` (negative if higher)."""
    return base.risk - other.risk


def utility_lost(base: Evaluated, other: Evaluated) -> float:
    """Return how much lower the overall utility of ``other`` is than that of ``base`` (negative if higher)."""
    return base.utility - other.utility


def score(base: Evaluated, other: Evaluated) -> float:
    """Return the risk reduction per unit of utility lost (losses below ``UTILITY_FLOOR`` count as the floor)."""
    return risk_reduction(base, other) / max(utility_lost(base, other), UTILITY_FLOOR)


def rank(base: Evaluated, candidates: Sequence[Evaluated]) -> list[Evaluated]:
    """Return the candidates that lower the risk by at least ``MIN_RISK_REDUCTION``, best score first.

    Ties (equal scores) are broken by the larger risk reduction, then by the order given.
    """
    useful = [c for c in candidates if risk_reduction(base, c) >= MIN_RISK_REDUCTION]
    return sorted(useful, key=lambda c: (-score(base, c), -risk_reduction(base, c)))


def sentence(base: Evaluated, other: Evaluated) -> str:
    """Return one sentence with the numbers: "Rotate keys hourly: privacy risk 53.6% -> 38.5%, utility ..."."""
    lost = utility_lost(base, other)
    cost = (f"{100 * lost:.1f} points of utility" if lost >= UTILITY_FLOOR
            else "no utility lost" if lost > -UTILITY_FLOOR else f"utility up {100 * -lost:.1f} points")
    return (f"{other.label}: privacy risk {base.risk:.1%} -> {other.risk:.1%}, utility {base.utility:.1%} -> "
            f"{other.utility:.1%} ({100 * risk_reduction(base, other):.1f} points less risk; {cost}).")


def pareto_frontier(points: Sequence[Evaluated]) -> list[Evaluated]:
    """Return the points that no other point beats on both axes, ordered by risk.

    A point is beaten when another has utility at least as high and risk at least as low, one of them strictly; of
    identical points the first is kept.
    """
    frontier: list[Evaluated] = []
    for point in points:
        dominated = any(
            other.utility >= point.utility and other.risk <= point.risk
            and (other.utility > point.utility or other.risk < point.risk) for other in points)
        duplicate = any(kept.utility == point.utility and kept.risk == point.risk for kept in frontier)
        if not dominated and not duplicate:
            frontier.append(point)
    return sorted(frontier, key=lambda p: (p.risk, -p.utility))
