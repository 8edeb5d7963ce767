"""How outcome numbers read on screen: shares as percentages, counts with one decimal, changes in points."""

from __future__ import annotations

import math

COUNT_SUFFIXES: tuple[str, ...] = ("_per_10k", "_resident_days", "_count")
"""Outcome name endings of counts and rates; every other outcome is a share between 0 and 1."""


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
