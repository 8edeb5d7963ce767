"""Facts of visitation: how visits spread over a resident's places (f_k), and how new places accumulate (S(t)).

Definitions (Song, Koren, Wang and Barabási 2010, "Modelling the scaling properties of human mobility"):

- f_k is the share of a resident's visits made to their k-th most visited place, averaged over the residents
  who have a k-th place. The paper finds f_k ~ k^-zeta, zeta = 1.2 +- 0.1.
- S(t) is the number of distinct places a resident has visited by time t; the paper finds S(t) ~ t^mu,
  mu = 0.6 +- 0.02.

Visits are stays and places are zones, or regional places while out of town (:mod:`simulation.validity.movements`).
Exponents are least-squares slopes on log-log axes. Both laws are measured over the scenario's first two weeks
(:data:`simulation.validity.evidence.VISIT_WINDOW_DAYS`): over one week most places beyond the habitual ones are
visited once, which floors f_k whatever the model does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.validity.evidence import Evidence
from simulation.validity.fact import Fact
from simulation.validity.movements import Movements

FAMILY = "visits"
RANKS = 10
"""Ranks k = 1..RANKS in the fit of zeta."""
TAIL_FROM = 3
"""First rank of the tail fit."""
ZETA_PUBLISHED = 1.2
MU_PUBLISHED = 0.6


def visit_shares_by_rank(m: Movements, ranks: int = RANKS) -> np.ndarray:
    """Return f_k for k = 1..ranks (definition in the module docstring)."""
    n_places = int(m.stay_place.max(initial=0)) + 1
    key, count = np.unique(m.stay_resident.astype(np.int64) * n_places + m.stay_place, return_counts=True)
    resident = key // n_places
    order = np.lexsort((-count, resident))
    resident, count = resident[order], count[order]
    first = np.searchsorted(resident, resident, side="left")
    rank = np.arange(len(resident)) - first
    total = np.bincount(resident, count)
    keep = rank < ranks
    share_sum = np.bincount(rank[keep], count[keep] / total[resident[keep]], minlength=ranks)
    holders = np.bincount(rank[keep], minlength=ranks)
    return np.where(holders > 0, share_sum / np.maximum(holders, 1), 0.0)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Return the least-squares slope of log y on log x over the points with y > 0 (NaN if fewer than 2)."""
    ok = (y > 0) & (x > 0)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)[0])


def distinct_places_by_day(m: Movements) -> np.ndarray:
    """Return S(t): the mean number of distinct places visited by the end of day t, for t = 1..days."""
    n_places = int(m.stay_place.max(initial=0)) + 1
    key = m.stay_resident.astype(np.int64) * n_places + m.stay_place
    day = m.stay_start // m.slots_per_day
    order = np.lexsort((day, key))
    key, day = key[order], day[order]
    first_visit = day[np.r_[True, key[1:] != key[:-1]]]
    new_per_day = np.bincount(first_visit, minlength=m.n_days)
    return np.cumsum(new_per_day) / m.n_residents


def _rank_curve(f: np.ndarray) -> pd.DataFrame:
    k = np.arange(1, len(f) + 1)
    frame = pd.DataFrame({"x": k, "ours": f, "published": f[0] * k ** -ZETA_PUBLISHED})
    frame.attrs.update(x_title="rank k of the place", y_title="f_k, share of visits", log_x=True, log_y=True,
                       published_label=f"k^-{ZETA_PUBLISHED:g}, through our f_1")
    return frame


def zipf_visits(evidence: Evidence) -> Fact:
    """The exponent zeta of f_k ~ k^-zeta over the ranks k = 1..10.

    Definition: the module docstring; the slope of log f_k on log k, k = 1..10. Source: Song et al. 2010,
    zeta = 1.2 +- 0.1. Tolerance 1.0 to 1.4.
    """
    f = visit_shares_by_rank(evidence.fortnight)
    k = np.arange(1, len(f) + 1)
    zeta = -_slope(k, f)
    return Fact("zipf_visits", FAMILY, "Visits to the k-th most visited place: zeta of f_k ~ k^-zeta (k = 1-10)",
                "zeta = 1.2 +- 0.1", "Song et al. 2010", 1.0, 1.4, zeta, "",
                "f_1..f_5 = " + ", ".join(f"{v:.3f}" for v in f[:5]), curve=_rank_curve(f))


def zipf_visits_tail(evidence: Evidence) -> Fact:
    """The exponent zeta of f_k ~ k^-zeta over the tail k = 3..10 (the ranks past home and work).

    Definition: as :func:`zipf_visits`, fitted on k = 3..10. Source: Song et al. 2010, zeta = 1.2 +- 0.1
    over every rank. Tolerance 1.0 to 1.4.
    """
    f = visit_shares_by_rank(evidence.fortnight)
    k = np.arange(1, len(f) + 1)
    tail = k >= TAIL_FROM
    zeta = -_slope(k[tail], f[tail])
    return Fact("zipf_visits_tail", FAMILY, "Visits to the k-th most visited place: zeta on the tail (k = 3-10)",
                "zeta = 1.2 +- 0.1", "Song et al. 2010", 1.0, 1.4, zeta, "",
                "f_3..f_10 = " + ", ".join(f"{v:.4f}" for v in f[TAIL_FROM - 1:]))


def distinct_places(evidence: Evidence) -> Fact:
    """The exponent mu of S(t) ~ t^mu, the growth of the number of distinct places visited, t in days.

    Definition: the module docstring; the slope of log S(t) on log t over the days of the horizon.
    Source: Song et al. 2010, mu = 0.6 +- 0.02. Tolerance 0.5 to 0.7 (a week is a short window).
    """
    s = distinct_places_by_day(evidence.fortnight)
    t = np.arange(1, len(s) + 1)
    mu = _slope(t, s)
    curve = pd.DataFrame({"x": t, "ours": s, "published": s[0] * t.astype(float) ** MU_PUBLISHED})
    curve.attrs.update(x_title="day t", y_title="S(t), distinct places visited", log_x=True, log_y=True,
                       published_label=f"t^{MU_PUBLISHED:g}, through our S(1)")
    return Fact("distinct_places", FAMILY, "Distinct places visited: mu of S(t) ~ t^mu", "mu = 0.6 +- 0.02",
                "Song et al. 2010", 0.5, 0.7, mu, "",
                f"S(1) = {s[0]:.2f}, S({len(s)}) = {s[-1]:.2f} places", curve=curve)


FACTS = (zipf_visits, zipf_visits_tail, distinct_places)
"""The facts of this family, in the order they are reported."""
