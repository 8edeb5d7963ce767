"""Differential privacy (on release): contribution bounding, then Laplace noise on every count of a public domain.

1. **Contribution bounding.** In each kind's table, every contributor adds to at most ``max_contributions`` (m)
   cells; when it appears in more, m of its cells are kept at random (stream
   ``stream(seed, "control", "differential_privacy", kind, "bounding")``) and the rest are dropped and counted
   (``contributions_clipped``). Each kept contribution adds 1 to one cell, so one contributor changes the table's
   counts by at most m in L1 norm: the sensitivity is m. The curator only holds pseudonyms, so a contributor is a
   pseudonym within its key epoch and scope: with rotating or per-sensor keys one person may hold several
   pseudonyms and the guarantee holds per pseudonym, not per person (the audit says so). Records and edge counts
   without an identifier cannot be bounded; they are noised with the same scale and the audit says so. Tables
   that count no people (``env_iot`` readings) are released without noise.
2. **Noise.** Every cell of the public domain (every time bin of the horizon x every unit holding a sensor of the
   kind, where sensors are listed in the public register) gets Laplace noise of scale b = m / epsilon, so a cell is
   released whether or not anybody was seen in it and the domain leaks nothing. Counts are released unclipped
   (they may be negative; the expected absolute error of a cell is b).

OpenDP (0.16) is used to derive and check the scale: ``make_laplace`` is built on the same domain (vectors of
float counts, L1 distance) with the scale b, and its privacy map must give at most epsilon for an input distance of
m. The noise itself is NOT drawn by OpenDP: its samplers cannot be seeded, which would break "same scenario and
seed, same results"; it is drawn from the named numpy stream ``stream(seed, "control", "differential_privacy",
kind, "noise")`` (a simulation of the release, not a production release, so a seeded PRNG is the right choice).

Thresholding sits after the noise (see :mod:`simulation.controls.k_suppression`): thresholding noisy counts, as
Google's mobility releases do, keeps the threshold from leaking whether a small true count existed.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import opendp.prelude as dp
import pandas as pd

from simulation.controls.aggregation import NO_PERSON_KINDS, cell_key, with_values
from simulation.controls.base import Control, ControlContext, ReleaseState, Table, audit_row, n_rows, take
from simulation.rng import stream
from simulation.scenario import ScenarioConfig

dp.enable_features("contrib")


@lru_cache(maxsize=256)
def laplace_scale(max_contributions: int, epsilon: float) -> float:
    """Return the Laplace scale giving ``epsilon`` for counts of L1 sensitivity ``max_contributions``.

    The scale is m / epsilon; OpenDP's ``make_laplace`` on float vectors with L1 distance confirms that its privacy
    map sends an input distance of m to at most epsilon.

    Raises:
        ValueError: If OpenDP's privacy map disagrees (it never should).
    """
    scale = max_contributions / epsilon
    measurement = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l1_distance(T=float),
                                    scale=scale)
    spent = measurement.map(float(max_contributions))
    if spent > epsilon * (1 + 1e-9):
        raise ValueError(f"OpenDP gives epsilon={spent} for scale {scale}, above the budget {epsilon}")
    return scale


def bound_contributions(contrib: Table, max_contributions: int, rng: np.random.Generator) -> tuple[Table, int]:
    """Keep at most ``max_contributions`` cells per contributor, chosen at random.

    Args:
        contrib: Contributions (time, unit, person, weight); person -1 rows are anonymous and always kept.
        max_contributions: Cells a contributor may add to.
        rng: Stream choosing which cells are kept.

    Returns:
        The bounded contributions and the number of contributions dropped.
    """
    person = contrib["person"]
    priority = rng.random(len(person))
    identified = person >= 0
    per_person = np.bincount(person[identified]) if identified.any() else np.zeros(0, np.int64)
    keep = np.ones(len(person), dtype=bool)
    crowded = np.flatnonzero(identified & (per_person[np.clip(person, 0, None)] > max_contributions)
                             if len(per_person) else np.zeros(len(person), bool))
    if len(crowded):
        # rank each crowded contributor's cells by their random priority; keep the first m
        order = crowded[np.argsort(person[crowded] + priority[crowded], kind="stable")]
        sorted_person = person[order]
        starts = np.r_[0, np.flatnonzero(sorted_person[1:] != sorted_person[:-1]) + 1]
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        keep[order[rank >= max_contributions]] = False
    return take(contrib, keep), int((~keep).sum())


def noisy_domain_counts(contrib: Table, domain_units: np.ndarray, horizon_minutes: int, bin_minutes: int,
                        n_units: int, scale: float, rng: np.random.Generator):
    """Return the time, unit and noisy count of every cell of the public domain (time-major order)."""
    times = np.arange(0, horizon_minutes, bin_minutes, dtype=np.int64)
    grid_time = np.repeat(times, len(domain_units))
    grid_unit = np.tile(domain_units.astype(np.int64, copy=False), len(times))
    domain = cell_key(grid_time, grid_unit, n_units, bin_minutes)
    key = cell_key(contrib["time"], contrib["unit"], n_units, bin_minutes)
    where = np.clip(np.searchsorted(domain, key), 0, max(len(domain) - 1, 0))
    inside = (domain[where] == key) if len(domain) else np.zeros(len(key), bool)
    exact = np.bincount(where[inside], weights=contrib["weight"][inside], minlength=len(domain))
    return grid_time, grid_unit, exact + rng.laplace(0.0, scale, size=len(domain))


class DifferentialPrivacy(Control):
    """Contribution bounding and Laplace noise on aggregate counts."""

    name = "differential_privacy"
    stage = "release"

    def changes_records(self, config: ScenarioConfig) -> bool:
        """Return False: only the aggregate tables change here."""
        return False

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Bound, noise and release every cell of each kind's public domain."""
        settings = context.config.controls.differential_privacy
        if not settings.enabled:
            return state, []
        m, epsilon = settings.max_contributions, settings.epsilon
        scale = laplace_scale(m, epsilon)
        n_units = int(state.units.max()) + 1
        sensors = context.log.sensors
        aggregates, rows = dict(state.aggregates), []
        for kind, contrib in state.contributions.items():
            if kind in NO_PERSON_KINDS:
                continue
            zones = sensors.loc[sensors["kind"] == kind, "zone"].to_numpy(np.int64)
            domain_units = np.unique(state.units[zones])
            bounded, clipped = bound_contributions(contrib, m, stream(context.seed, "control",
                                                                      "differential_privacy", kind, "bounding"))
            time, unit, noisy = noisy_domain_counts(
                bounded, domain_units, context.horizon_minutes, state.time_bin_minutes, n_units, scale,
                stream(context.seed, "control", "differential_privacy", kind, "noise"))
            counts = pd.DataFrame({"time": time.astype(np.int32), "unit": unit.astype(np.int32), "count": noisy},
                                  copy=False)
            aggregates[kind] = with_values(counts, state.cell_values[kind])
            anonymous = int((contrib["person"] < 0).sum())
            note = (f"epsilon={epsilon:g} per table, at most {m} cells per pseudonym (per key epoch and scope); "
                    f"{len(counts)} domain cells noised")
            if anonymous:
                note += f"; {anonymous} contributions without identifier not bounded"
            rows.append(audit_row(self, kind, n_rows(contrib), len(counts), note, noise_scale=scale,
                                  contributions_clipped=clipped))
        return state.evolve(aggregates=aggregates), rows
