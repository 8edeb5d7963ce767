"""The score of every grid-valued service: a mass-weighted symmetric accuracy.

The accuracy is the mass-weighted symmetric error turned into a score (a weighted SMAPE, Kapp et al. 2022,
``similarity_measures.py`` of dp_mobility_report)::

    accuracy = 1 - sum |estimate - truth| / sum (|estimate| + |truth|)

which lies in [0, 1]: 1 when every cell is exact, 0 when the estimate and the truth never overlap (or one is
empty). Cells without an estimate count as an estimate of zero.
"""

from __future__ import annotations

import numpy as np

from simulation.metrics.utility.released import UnitIndex


def fit_hours(grid: np.ndarray, hours: int) -> np.ndarray:
    """Cut or zero-pad the hour axis of a (rows, hours) grid."""
    if grid.shape[1] >= hours:
        return grid[:, :hours]
    return np.pad(grid, ((0, 0), (0, hours - grid.shape[1])))


def accuracy(estimate: np.ndarray, truth: np.ndarray) -> float:
    """Return 1 - sum|estimate - truth| / sum(|estimate| + |truth|) over the cells (NaN estimates count as 0).

    Returns 1.0 when both are empty everywhere (nothing to get wrong), 0.0 when only one is.
    """
    est = np.nan_to_num(np.asarray(estimate, dtype=np.float64))
    tru = np.nan_to_num(np.asarray(truth, dtype=np.float64))
    denominator = float(np.abs(est).sum() + np.abs(tru).sum())
    if denominator <= 0.0:
        return 1.0
    return float(np.clip(1.0 - np.abs(est - tru).sum() / denominator, 0.0, 1.0))


def accuracy_at_units(estimate: np.ndarray, truth: np.ndarray, covered: np.ndarray, units: UnitIndex) -> float:
    """Return :func:`accuracy` after summing the covered zones of each released unit (the release's own grain).

    Beside the zone-level score, it shows how much of a loss comes from coarser units rather than from noise.
    """
    rows = units.of_zone[covered]
    est = np.zeros((units.n_units, estimate.shape[1]))
    tru = np.zeros((units.n_units, truth.shape[1]))
    np.add.at(est, rows, np.nan_to_num(estimate[covered]))
    np.add.at(tru, rows, truth[covered])
    return accuracy(est, tru)


def people_hours_share(truth_occupancy: np.ndarray, covered: np.ndarray) -> float:
    """Return the share of all people-hours spent in the covered zones (0 when nobody is anywhere).

    Kept in [0, 1]: summed in another order, the covered part of a sum can exceed the whole by a rounding error.
    """
    total = float(truth_occupancy.sum())
    return min(1.0, float(truth_occupancy[covered].sum() / total)) if total > 0 else 0.0


def utility_score(accuracy_value: float, coverage: float) -> float:
    """Return a service's utility, ``accuracy x coverage``, kept in [0, 1] exactly.

    A product of two numbers rounded near 1 can land a rounding error above it (``utility_crowd`` gave
    1.0000000000000002 before).
    """
    return float(min(1.0, max(0.0, accuracy_value * coverage)))
