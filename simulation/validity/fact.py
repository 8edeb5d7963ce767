"""One stylised fact measured on a run: its published value, source, tolerance, our value and the verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

WITHIN, OUTSIDE, INFO = "within", "outside", "info"
"""Verdicts: our value is within the tolerance, outside it, or the fact is reported without a tolerance."""


@dataclass(frozen=True, eq=False)
class Fact:
    """A stylised fact of human mobility or of re-identification, measured on one run.

    Attributes:
        key: Short identifier (snake case), e.g. ``trips_per_day``.
        family: The module that measures it (activity, gyration, visits, unicity, anonymity).
        title: What is measured, in words.
        published: The published value as text, e.g. ``"3.1-3.4"``.
        source: Short reference (the full one is in docs/validity.md).
        low: Lowest value within tolerance (None: no lower bound).
        high: Highest value within tolerance (None: no upper bound).
        value: Our value (NaN when it cannot be measured).
        unit: Unit of value and bounds ("" for a pure number).
        detail: More of our figures, in words (e.g. the weekday and weekend split).
        reported_only: Reported without a verdict (an informative figure, not a target).
        curve: Optional table for the fact's chart: column ``x``, column ``ours`` and, where the source gives a
            curve, ``published``; ``curve.attrs`` may hold axis titles and scales.
    """

    key: str
    family: str
    title: str
    published: str
    source: str
    low: float | None
    high: float | None
    value: float
    unit: str = ""
    detail: str = ""
    reported_only: bool = False
    curve: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def tolerance(self) -> str:
        """The tolerance as text, e.g. ``"2.8 to 4"`` or ``"at most -0.01"``."""
        if self.reported_only:
            return "none (reported)"
        if self.low is not None and self.high is not None:
            return f"{self.low:g}" if self.low == self.high else f"{self.low:g} to {self.high:g}"
        if self.low is not None:
            return f"at least {self.low:g}"
        return f"at most {self.high:g}"

    @property
    def verdict(self) -> str:
        """``within``, ``outside`` (also when the value cannot be measured) or ``info``."""
        if self.reported_only:
            return INFO
        if self.value is None or not math.isfinite(self.value):
            return OUTSIDE
        inside = (self.low is None or self.value >= self.low) and (self.high is None or self.value <= self.high)
        return WITHIN if inside else OUTSIDE

    def row(self) -> dict:
        """Return the fact as one row of the facts table."""
        return {"family": self.family, "fact": self.key, "title": self.title, "published": self.published,
                "source": self.source, "tolerance": self.tolerance, "low": self.low, "high": self.high,
                "ours": self.value, "unit": self.unit, "verdict": self.verdict, "detail": self.detail}


def facts_table(facts: list[Fact]) -> pd.DataFrame:
    """Return one row per fact (columns of :meth:`Fact.row`)."""
    return pd.DataFrame([fact.row() for fact in facts])
