"""How outcome numbers read on screen: shares as percentages, counts with one decimal, changes in points."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulation.release import NoisedTable

COUNT_SUFFIXES: tuple[str, ...] = ("_per_10k", "_resident_days", "_count", "_epsilon_total")
"""Outcome name endings of counts, rates and privacy budgets; every other outcome is a share between 0 and 1."""


def is_share(name: str) -> bool:
    """Return whether an outcome is a share between 0 and 1 (shown as a percentage)."""
    return not name.endswith(COUNT_SUFFIXES)


def format_value(name: str, value: float) -> str:
    """Return an outcome value as shown: '72%' for shares, '3.4' for counts, 'n/a' when not measurable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if is_share(name):
        return f"{value:.0%}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def format_change(name: str, value: float, reference: float) -> str | None:
    """Return the change from a reference ('+5 pts', '-1.2'), or None if either number is missing."""
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (value, reference)):
        return None
    change = value - reference
    if is_share(name):
        points = round(change * 100)
        return "no change" if points == 0 else f"{points:+d} pts"
    if round(change, 1) == 0:
        return "no change"
    return f"{change:+,.0f}" if abs(change) >= 100 else f"{change:+,.1f}"


def epsilon_line(noised: Mapping[str, NoisedTable], dp_enabled: bool, records_released: bool) -> str:
    """Return one plain line on the differential-privacy budget of a release, for under the headline.

    Args:
        noised: ``Release.noised``: each noised table's accounting.
        dp_enabled: Whether the scenario switches differential privacy on.
        records_released: Whether record-level datasets are kept and shared besides the counts.
    """
    if not dp_enabled or not noised:
        return ("Differential privacy is off: the published counts carry no formal privacy guarantee "
                "(no epsilon applies).")
    total = sum(table.epsilon for table in noised.values())
    informal = sum(not table.formal for table in noised.values())
    line = (f"Differential privacy: total epsilon per person **{total:,.3g}** over {len(noised)} noised tables "
            f"(basic composition: the tables' epsilons add up; smaller is more private).")
    if informal:
        line += (f" {informal} of them cannot bound each person's part (counts without an identifier, or "
                 f"several identifiers per person), so their epsilon is what the most-counted resident implies, "
                 f"not a guarantee.")
    if records_released:
        line += " It covers the published counts only, not the records the city keeps and shares."
    return line
