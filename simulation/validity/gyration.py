"""The radius of gyration: how far each resident ranges over the horizon.

Definition (González, Hidalgo and Barabási 2008): r_g = sqrt(mean over visits of |r_i - r_cm|^2), where r_i are
the positions of the resident's visits and r_cm their centre of mass. Each stay counts once, as the paper counts
positions at events (a time-weighted version is reported too). Positions are zone centres in the city and the
regional place while out of town (:mod:`simulation.validity.movements`).

The paper finds P(r_g) = (r_g + r0)^-beta exp(-r_g / kappa) with r0 = 5.8 km, beta = 1.65 +- 0.15 and
kappa = 350 km: a heavy tail. We fit beta by maximum likelihood over the residents whose r_g is at least
R_MIN_KM (r0 and kappa fixed at the paper's values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from simulation.validity.evidence import Evidence
from simulation.validity.fact import Fact
from simulation.validity.movements import Movements

FAMILY = "gyration"
R0_KM = 5.8
"""The paper's r0."""
KAPPA_KM = 350.0
"""The paper's cutoff kappa."""
BETA_PUBLISHED = 1.65
"""The paper's exponent beta_r."""
R_MIN_KM = 3.0
"""Smallest r_g in the fit: about the half-width of the default city, so the fit reads the tail beyond it."""
MIN_TAIL = 30
"""Fewest residents in the fitted range for a fit (fewer: the fact is not measured)."""


def radius_of_gyration(m: Movements, time_weighted: bool = False) -> np.ndarray:
    """Return every resident's radius of gyration in km (see the module docstring).

    Args:
        m: The stays.
        time_weighted: Weight each stay by its length instead of once.
    """
    n = m.n_residents
    weight = m.stay_slots.astype(float) if time_weighted else np.ones(len(m.stay_resident))
    total = np.bincount(m.stay_resident, weight, minlength=n)
    total = np.where(total > 0, total, 1.0)
    x, y = m.stay_x_km, m.stay_y_km
    cx = np.bincount(m.stay_resident, weight * x, minlength=n) / total
    cy = np.bincount(m.stay_resident, weight * y, minlength=n) / total
    spread = np.bincount(m.stay_resident, weight * ((x - cx[m.stay_resident]) ** 2 + (y - cy[m.stay_resident]) ** 2),
                         minlength=n) / total
    return np.sqrt(spread)


def _grid(r_min: float) -> np.ndarray:
    return np.geomspace(r_min, r_min + 30 * KAPPA_KM, 4000)


def gonzalez_density(r: np.ndarray, beta: float = BETA_PUBLISHED) -> np.ndarray:
    """Return the unnormalised density (r + r0)^-beta exp(-r / kappa) of the paper."""
    return (np.asarray(r, float) + R0_KM) ** -beta * np.exp(-np.asarray(r, float) / KAPPA_KM)


def fit_beta(r_g: np.ndarray, r_min: float = R_MIN_KM) -> float:
    """Return the maximum-likelihood beta of the paper's form over the values at least ``r_min`` (NaN if too few)."""
    tail = r_g[r_g >= r_min]
    if len(tail) < MIN_TAIL:
        return float("nan")
    grid = _grid(r_min)
    log_sum = float(np.log(tail + R0_KM).sum())

    def negative_log_likelihood(beta: float) -> float:
        norm = np.trapezoid(gonzalez_density(grid, beta), grid)
        return beta * log_sum + float((tail / KAPPA_KM).sum()) + len(tail) * np.log(norm)

    return float(minimize_scalar(negative_log_likelihood, bounds=(0.05, 8.0), method="bounded").x)


def _curve(r_g: np.ndarray, r_min: float) -> pd.DataFrame:
    """Return the log-binned density of r_g and the paper's curve scaled to our share beyond ``r_min``."""
    top = max(float(r_g.max(initial=0.0)), r_min * 2)
    edges = np.geomspace(0.1, top * 1.01, 30)
    counts = np.histogram(r_g, edges)[0]
    centres = np.sqrt(edges[1:] * edges[:-1])
    density = counts / np.diff(edges) / max(len(r_g), 1)
    tail_share = float(np.mean(r_g >= r_min)) if len(r_g) else 0.0
    grid = _grid(r_min)
    norm = np.trapezoid(gonzalez_density(grid), grid)
    published = np.where(centres >= r_min, tail_share * gonzalez_density(centres) / norm, np.nan)
    frame = pd.DataFrame({"x": centres, "ours": np.where(counts > 0, density, np.nan), "published": published})
    frame.attrs.update(x_title="radius of gyration r_g (km)", y_title="P(r_g), share of residents per km",
                       log_x=True, log_y=True,
                       published_label=f"(r_g + {R0_KM:g})^-{BETA_PUBLISHED:g} exp(-r_g/{KAPPA_KM:g}), "
                                       f"scaled to our tail")
    return frame


def gyration_tail(evidence: Evidence) -> Fact:
    """The heavy tail of the radius of gyration: beta of P(r_g) ~ (r_g + 5.8 km)^-beta exp(-r_g / 350 km).

    Definition: the maximum-likelihood beta over residents with r_g >= 3 km, r_g weighted by stays (module
    docstring). Source: González, Hidalgo and Barabási 2008, beta_r = 1.65 +- 0.15 over six months of phone
    records. Tolerance 1.3 to 2.0: one week is shorter than the paper's six months. Not measured (outside) when
    fewer than 30 residents reach 3 km.
    """
    m = evidence.movements
    r_g = radius_of_gyration(m)
    timed = radius_of_gyration(m, time_weighted=True)
    beta = fit_beta(r_g)
    tail = int((r_g >= R_MIN_KM).sum())
    detail = (f"median {np.median(r_g):.2f} km (time-weighted {np.median(timed):.2f} km), 90th percentile "
              f"{np.percentile(r_g, 90):.2f} km, max {r_g.max():.1f} km; {tail} residents ({tail / len(r_g):.1%}) "
              f"at {R_MIN_KM:g} km or more")
    return Fact("gyration_tail", FAMILY, "Radius of gyration: tail exponent beta of P(r_g)",
                "beta = 1.65 +- 0.15 (r0 5.8 km, cutoff 350 km)", "Gonzalez et al. 2008", 1.3, 2.0, beta, "",
                detail, curve=_curve(r_g, R_MIN_KM))


FACTS = (gyration_tail,)
"""The facts of this family."""
