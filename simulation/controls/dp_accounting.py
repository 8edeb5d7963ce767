"""Person-level privacy accounting of the noised aggregate tables: how much one resident can move each table.

Differential privacy protects a person, so the epsilon reported is the loss of the person who contributes most
(Dwork and Roth 2014, "The Algorithmic Foundations of Differential Privacy", section 2.3: the privacy loss of the
Laplace mechanism is the L1 change a person causes divided by the scale). Each noised statistic ``s`` of a table
spends a share ``budget_s`` of the table's epsilon with its noise calibrated to a sensitivity ``Delta_s``; a
person who changes it by ``L_s`` costs ``budget_s x max(1, L_s / Delta_s)``, and the table costs the sum over its
statistics (basic composition, Dwork and Roth Theorem 3.16). The release's total adds up the tables.

What one person can change, by statistic:
- **counts and sums of readings**: the curator bounds contributions at capture, where the raw identifier (device
  address, plate, card, face template, meter id: before pseudonymisation) exists, to ``m`` per identifier over the
  whole horizon. A person with one identifier in the table changes its counts by at most ``m`` and its sums by at
  most ``m x reading bound``: the loss is the budget, a formal guarantee. A person can hold several identifiers
  (a phone that randomises its address shows a new one each day), and records without an identifier (an
  anonymous camera sighting, an edge count) cannot be bounded by anyone who does not know who they are. There the
  curator's bound does not bound the person, and the accounting reports the loss that the most-counted resident's
  actual contribution ``L`` implies, ``budget x L / m``, marked as no formal guarantee. ``L`` is measured from
  the truth (the only place the simulation reads it outside scoring, like physical opt-out). Counts that name
  nobody even in the truth (people counters' head counts) take the most the public sampling plan allows: one
  count per sampling instant per device of the person's zone (:func:`a_priori_worst`).
- **dropped contributions**: one identifier changes the count of contributions dropped by bounding by at most
  ``cap`` (its dropped ones are capped there); a person with ``q`` identifiers by ``q x cap``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.controls.base import Table
from simulation.controls.edge_aggregation import COUNT_IN_VALUE_KINDS

COUNT_SHARE_WITH_DROPPED = 0.8
"""Share of a bounded table's epsilon spent on its counts; the rest is spent on the count of dropped
contributions, which lets the estimators correct the bias bounding causes."""
READING_SHARE = 0.4
"""Share of the epsilon of a table with noised readings spent on the sums of readings (as much as on its counts)."""


def budget_split(epsilon: float, bounded: bool, readings: bool) -> tuple[float, float, float]:
    """Return the epsilon of a table's counts, sums of readings and count of dropped contributions.

    Unbounded tables spend everything on their counts. A bounded table gives ``1 - COUNT_SHARE_WITH_DROPPED`` of
    its epsilon to the count of dropped contributions; a table with noised readings splits the rest evenly
    between counts and sums. The split depends on the scenario only, never on the data.
    """
    dropped = epsilon * (1.0 - COUNT_SHARE_WITH_DROPPED) if bounded else 0.0
    readings_budget = epsilon * READING_SHARE if readings else 0.0
    return epsilon - dropped - readings_budget, readings_budget, dropped


def worst_recorded(contrib: Table) -> float:
    """Return the most one resident adds to the counts of a table's (bounded) contributions; 0 if none."""
    resident = contrib["resident"]
    has = resident >= 0
    if not has.any():
        return 0.0
    weight = np.broadcast_to(contrib["weight"], resident.shape)[has]
    return float(np.bincount(resident[has], weights=weight).max())


def worst_edge(presence: Table, bin_minutes: int) -> float:
    """Return the most one resident adds to edge counts: 1 / (instants per bin) for each instant counted."""
    if not len(presence["resident"]):
        return 0.0
    instants = np.maximum(1, bin_minutes // np.maximum(presence["instant_minutes"], 1))
    return float(np.bincount(presence["resident"], weights=1.0 / instants).max())


def a_priori_worst(zones: np.ndarray, sampling_minutes: np.ndarray, horizon_minutes: int, bin_minutes: int,
                   edge: bool) -> float:
    """Return the most the public sampling plan lets one person add to counts that name nobody.

    A person stands in one zone at a time and each device counts them at most once per sampling instant: at
    most ``horizon / interval`` counts per device of the busiest zone over the horizon, or, for edge counts
    averaged over a bin's instants, at most one per bin per device.

    Args:
        zones: Zone of each device of the kind.
        sampling_minutes: Sampling interval of each of those devices.
        horizon_minutes: Length of the horizon.
        bin_minutes: Width of a released bin.
        edge: Whether the counts are edge counts (averaged per instant).
    """
    if not len(zones):
        return 0.0
    per_device = (np.full(len(zones), -(-horizon_minutes // bin_minutes), dtype=np.float64) if edge
                  else horizon_minutes / np.maximum(sampling_minutes.astype(np.float64), 1.0))
    return float(np.bincount(zones, weights=per_device).max())


def identifiers_per_person(resident: np.ndarray, contributor: np.ndarray) -> int:
    """Return the most distinct raw identifiers one resident holds among contributions (0 if none)."""
    has = (resident >= 0) & (contributor >= 0)
    if not has.any():
        return 0
    pairs = pd.unique(resident[has].astype(np.int64) * (int(contributor.max()) + 1) + contributor[has])
    return int(np.bincount(pairs // (int(contributor.max()) + 1)).max())


def dropped_capped(contributor: np.ndarray, max_contributions: int, cap: int) -> float:
    """Return the contributions bounding drops, counting at most ``cap`` of each identifier's."""
    has = contributor >= 0
    if not has.any():
        return 0.0
    per_identifier = np.bincount(contributor[has])
    return float(np.clip(per_identifier - max_contributions, 0, cap).sum())


def table_epsilon(budgets: tuple[float, float, float], worst: float, max_contributions: int,
                  identifiers: int) -> float:
    """Return the person-level epsilon of a table (basic composition over its statistics).

    Args:
        budgets: Epsilon of the counts, the sums of readings and the count of dropped contributions.
        worst: The most one resident adds to the counts (``L``).
        max_contributions: The bound ``m`` the counts' noise is calibrated for.
        identifiers: The most raw identifiers one resident holds (``q``).
    """
    counts, readings, dropped = budgets
    spread = max(1.0, worst / max_contributions)
    return counts * spread + readings * spread + dropped * max(1, identifiers)


def formal_note(kind: str, bounded: bool, anonymous: bool, identifiers: int) -> str:
    """Return why a table's epsilon is, or is not, a formal guarantee (for the audit)."""
    if bounded and not anonymous and identifiers <= 1:
        return "formal: every contribution carries an identifier and nobody holds two"
    reasons = []
    if anonymous:
        reasons.append("contributions without an identifier cannot be bounded by the curator"
                       if kind not in COUNT_IN_VALUE_KINDS else "head counts name nobody")
    if identifiers > 1:
        reasons.append(f"one resident holds up to {identifiers} identifiers")
    return "no formal guarantee (" + "; ".join(reasons) + "): epsilon from the largest contribution"
