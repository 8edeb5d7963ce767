"""Differential privacy (on release): contributions bounded per raw identifier, Laplace noise on every statistic.

Each people-counting aggregate table (every kind but ``env_iot``, whose readings count nobody) is released as:

1. **Contribution bounding, per raw identifier over the whole horizon.** The curator bounds at capture, where the
   raw identifier exists (the device address, plate, card number, face template or meter id, before it is
   replaced by a pseudonym), so one identifier keeps at most ``max_contributions`` (m) of its (cell, pseudonym)
   contributions over the whole horizon, whatever the key rotation or scope; the rest are dropped, m kept at
   random (stream ``stream(seed, "control", "differential_privacy", kind, "bounding")``) and counted
   (``contributions_clipped``). Records without an identifier (anonymous camera sightings, people counters' head
   counts) and edge counts cannot be bounded by the curator and are kept whole.
2. **Counts.** Every cell of the public domain (every time bin of the horizon x every unit holding a sensor of the
   kind; sensors are listed in the public register) gets Laplace noise of scale ``m / epsilon_counts``, so a cell
   is released whether or not anybody was seen in it and the domain leaks nothing. Counts are released unclipped
   (they may be negative; the expected absolute error of a cell is its scale), so sums of cells are unbiased.
3. **Readings.** Smart-meter values are a mean of noisy quantities: each kept contribution's mean reading in the
   cell, clipped to ``[0, READING_BOUND_KW x interval hours]`` (the public reading range,
   :data:`simulation.sensors.smart_meter.READING_BOUND_KW`) and weighted as its count is (edge counts: per
   instant), is summed per cell with Laplace noise of scale ``m x bound / epsilon_readings``; the released value
   is that noisy sum over the noisy count, so ``value x count`` is the noisy sum. Other people-counting kinds'
   values are withheld (NaN): their counts carry what they measure.
4. **Dropped contributions.** For a bounded table, the number of contributions bounding dropped, each identifier's
   capped at ``cap`` = the number of time bins in the horizon, is released with Laplace noise of scale
   ``cap / epsilon_dropped``. With the noisy total of the counts it gives the share the bound kept
   (``NoisedTable.kept_share``), which the estimators divide by: without it every count would be biased down by
   what bounding drops (64% of the smart-meter mass at m = 8 per day, 95% at m = 8 per week).

Budget. ``epsilon`` is the budget of one table, split between its statistics by the scenario alone
(:func:`simulation.controls.dp_accounting.budget_split`: counts 0.8 and dropped 0.2 for a bounded table; counts
0.4, readings 0.4 and dropped 0.2 for smart meters, counts 0.6 and readings 0.4 for edge-aggregated ones; all on
the counts for a table that cannot be bounded). The
person-level epsilon each table costs, and the release's total over tables by basic composition, are reported in
``Release.noised`` and ``Release.epsilon_total`` (:mod:`simulation.controls.dp_accounting`). It equals the budget
where every person's contribution is bounded by construction. Where it is not (anonymous sightings, edge counts,
a phone that shows a new random address each day), the table's epsilon is the loss that the most-counted
resident's actual contribution implies, and the audit says there is no formal guarantee. The guarantee covers
the aggregates only: records kept or shared (``release.level``) are not protected by it.

OpenDP (0.16) is used to derive and check the scales: ``make_laplace`` is built on the same domain (vectors of
float counts, L1 distance) with the scale b, and its privacy map must give at most epsilon for an input distance
equal to the sensitivity. The noise itself is NOT drawn by OpenDP: its samplers cannot be seeded, which would break
"same scenario and seed, same results"; it is drawn from named numpy streams ``stream(seed, "control",
"differential_privacy", kind, "noise" | "reading noise" | "dropped noise")`` (a simulation of the release, not a
production release, so a seeded PRNG is the right choice).

Thresholding sits after the noise (see :mod:`simulation.controls.k_suppression`): thresholding noisy counts, as
Google's mobility releases do, keeps the threshold from leaking whether a small true count existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import opendp.prelude as dp
import pandas as pd

from simulation.controls import dp_accounting as accounting
from simulation.controls.aggregation import NO_PERSON_KINDS, READING_KINDS, cell_key
from simulation.controls.base import Control, ControlContext, ReleaseState, Table, audit_row, n_rows, take
from simulation.controls.keyed_hash import PendingPseudonyms
from simulation.release import NoisedTable
from simulation.rng import stream
from simulation.scenario import IDENTIFYING_KINDS, ScenarioConfig
from simulation.sensors.smart_meter import READING_BOUND_KW

dp.enable_features("contrib")


@lru_cache(maxsize=256)
def laplace_scale(sensitivity: float, epsilon: float) -> float:
    """Return the Laplace scale giving ``epsilon`` for statistics of L1 sensitivity ``sensitivity``.

    The scale is sensitivity / epsilon; OpenDP's ``make_laplace`` on float vectors with L1 distance confirms that
    its privacy map sends an input distance of the sensitivity to at most epsilon.

    Raises:
        ValueError: If OpenDP's privacy map disagrees (it never should).
    """
    scale = sensitivity / epsilon
    measurement = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l1_distance(T=float),
                                    scale=scale)
    spent = measurement.map(float(sensitivity))
    if spent > epsilon * (1 + 1e-9):
        raise ValueError(f"OpenDP gives epsilon={spent} for scale {scale}, above the budget {epsilon}")
    return scale


def bound_contributions(contrib: Table, max_contributions: int, rng: np.random.Generator) -> tuple[Table, int]:
    """Keep at most ``max_contributions`` rows per contributor, chosen at random.

    Args:
        contrib: Contributions (time, unit, person, weight, ...); ``person`` names the contributor the bound
            applies to, -1 for rows that cannot be bounded (always kept).
        max_contributions: Rows a contributor may keep.
        rng: Stream choosing which rows are kept.

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


def raw_identifiers(person: np.ndarray, pending: PendingPseudonyms | None) -> np.ndarray:
    """Return a dense code of each contribution's raw identifier (-1 where it has none).

    ``person`` numbers the released identifiers; with pseudonymisation on, a code stands for an (epoch, scope,
    token) triple whose token is the raw identifier the curator held at capture.
    """
    if pending is None:
        return person
    codes = np.full(len(person), -1, dtype=np.int64)
    has = person >= 0
    codes[has] = pd.factorize(pending.token[person[has]])[0]
    return codes


@dataclass(frozen=True)
class Domain:
    """The public cells of one kind (every bin x every unit with a sensor), time-major, and where rows fall in it.

    Attributes:
        time: Start of each cell's bin.
        unit: Each cell's unit.
        cell: Index of the cell of each contribution (valid where ``inside``).
        inside: Whether each contribution falls in the domain.
    """

    time: np.ndarray
    unit: np.ndarray
    cell: np.ndarray
    inside: np.ndarray

    def sums(self, weight: np.ndarray) -> np.ndarray:
        """Return the exact sum of a weight per cell."""
        return np.bincount(self.cell[self.inside], weights=np.broadcast_to(weight, self.inside.shape)[self.inside],
                           minlength=len(self.time)).astype(np.float64, copy=False)


def public_domain(contrib: Table, domain_units: np.ndarray, horizon_minutes: int, bin_minutes: int,
                  n_units: int) -> Domain:
    """Return the public domain of a kind and where each contribution falls in it."""
    times = np.arange(0, horizon_minutes, bin_minutes, dtype=np.int64)
    grid_time = np.repeat(times, len(domain_units))
    grid_unit = np.tile(domain_units.astype(np.int64, copy=False), len(times))
    domain = cell_key(grid_time, grid_unit, n_units, bin_minutes)
    key = cell_key(contrib["time"], contrib["unit"], n_units, bin_minutes)
    where = np.clip(np.searchsorted(domain, key), 0, max(len(domain) - 1, 0))
    inside = (domain[where] == key) if len(domain) else np.zeros(len(key), bool)
    return Domain(time=grid_time, unit=grid_unit, cell=where, inside=inside)


def bounds_identifiers(kind: str, config: ScenarioConfig) -> bool:
    """Return whether the scenario gives a kind's aggregates identifiers to bound (a fact of the set-up, not data).

    Record kinds that carry an identifier: phones, plates, cards and meters, and cameras running live facial
    recognition (alerts keep their face). Edge counts and people counters name nobody.
    """
    if kind in config.controls.edge_aggregation.kinds or kind not in IDENTIFYING_KINDS:
        return False
    return kind != "cctv" or any(s.kind == "cctv" and s.face_recognition for s in config.sensors)


def reading_bound(kind: str, config: ScenarioConfig) -> float:
    """Return the largest mean reading one contribution may add to a cell's sum (0 if readings are not noised)."""
    if kind not in READING_KINDS:
        return 0.0
    hours = max((s.sampling_interval_minutes for s in config.sensors if s.kind == kind), default=60) / 60.0
    return READING_BOUND_KW * hours


class DifferentialPrivacy(Control):
    """Contribution bounding per raw identifier and Laplace noise on counts, readings and dropped contributions."""

    name = "differential_privacy"
    stage = "release"

    def changes_records(self, config: ScenarioConfig) -> bool:
        """Return False: only the aggregate tables change here."""
        return False

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Bound, noise and release every cell of each kind's public domain, and account for each table."""
        if not context.config.controls.differential_privacy.enabled:
            return state, []
        aggregates, noised, rows = dict(state.aggregates), {}, []
        for kind, contrib in state.contributions.items():
            if kind in NO_PERSON_KINDS:
                continue
            aggregates[kind], noised[kind], row = self._release(kind, contrib, state, context)
            rows.append(row)
        return state.evolve(aggregates=aggregates, noised=noised), rows

    def _release(self, kind: str, contrib: Table, state: ReleaseState,
                 context: ControlContext) -> tuple[pd.DataFrame, NoisedTable, dict]:
        """Return one kind's noisy table, its accounting and its audit row."""
        config = context.config
        settings = config.controls.differential_privacy
        m, bin_minutes = settings.max_contributions, state.time_bin_minutes
        bounded, bound = bounds_identifiers(kind, config), reading_bound(kind, config)
        budgets = accounting.budget_split(settings.epsilon, bounded, bound > 0)
        cap = -(-context.horizon_minutes // bin_minutes)
        contributor = raw_identifiers(contrib["person"], state.pending.get(kind))
        kept, clipped = bound_contributions({**contrib, "person": contributor}, m,
                                            self._stream(context, kind, "bounding"))
        sensors = context.log.sensors
        own = sensors["kind"] == kind
        zones = sensors.loc[own, "zone"].to_numpy(np.int64)
        domain = public_domain(kept, np.unique(state.units[zones]), context.horizon_minutes, bin_minutes,
                               int(state.units.max()) + 1)
        count_scale = laplace_scale(m, budgets[0])
        noisy = domain.sums(kept["weight"]) + self._stream(context, kind, "noise").laplace(0.0, count_scale,
                                                                                            len(domain.time))
        value = np.full(len(domain.time), np.nan)
        reading_scale = laplace_scale(m * bound, budgets[1]) if bound > 0 and "reading" in kept else 0.0
        if reading_scale:
            sums = domain.sums(np.clip(kept["reading"], 0.0, bound) * kept["weight"])
            sums += self._stream(context, kind, "reading noise").laplace(0.0, reading_scale, len(domain.time))
            value = np.divide(sums, noisy, out=np.full(len(noisy), np.nan), where=noisy != 0)
        dropped_scale = laplace_scale(cap, budgets[2]) if bounded else 0.0
        dropped = (accounting.dropped_capped(contributor, m, cap)
                   + self._stream(context, kind, "dropped noise").laplace(0.0, dropped_scale)) if bounded else 0.0
        table = pd.DataFrame({"time": domain.time.astype(np.int32), "unit": domain.unit.astype(np.int32),
                              "count": noisy, "value": value}, copy=False)
        worst, anonymous = self._worst(kind, kept, state, context, zones, own)
        identifiers = accounting.identifiers_per_person(contrib["resident"], contributor)
        formal = bounded and not anonymous and identifiers <= 1
        epsilon = settings.epsilon if formal else accounting.table_epsilon(budgets, worst, m, identifiers)
        account = NoisedTable(
            kind=kind, epsilon=float(epsilon), budget=float(settings.epsilon), count_scale=count_scale,
            reading_scale=reading_scale, dropped_scale=dropped_scale, max_contributions=m, bounded=bounded,
            formal=formal, worst_contribution=worst, identifiers_per_person=identifiers,
            kept_total=float(noisy.sum()), dropped=float(dropped), cap=cap if bounded else 0)
        note = (f"person-level epsilon {epsilon:.3g} (budget {settings.epsilon:g}: counts {budgets[0]:.3g}"
                + (f", readings {budgets[1]:.3g}" if reading_scale else "")
                + (f", dropped {budgets[2]:.3g}; at most {m} contributions per raw identifier over the horizon, "
                   f"{clipped} of {n_rows(contrib)} dropped, kept share estimated {account.kept_share:.0%}"
                   if bounded else "; not bounded")
                + f"); {accounting.formal_note(kind, bounded, anonymous, identifiers)}, the resident counted most "
                  f"adds {worst:.0f} to the counts against {m} calibrated; {len(table)} domain cells noised")
        row = audit_row(self, kind, n_rows(contrib), len(table), note, noise_scale=count_scale,
                        contributions_clipped=clipped)
        return table, account, row

    @staticmethod
    def _stream(context: ControlContext, kind: str, purpose: str) -> np.random.Generator:
        return stream(context.seed, "control", "differential_privacy", kind, purpose)

    @staticmethod
    def _worst(kind: str, kept: Table, state: ReleaseState, context: ControlContext, zones: np.ndarray,
               own: pd.Series) -> tuple[float, bool]:
        """Return the most one resident adds to the kind's counts, and whether some of them name nobody."""
        bin_minutes = state.time_bin_minutes
        if kind in state.edge_presence:
            worst = accounting.worst_edge(state.edge_presence[kind], bin_minutes)
            nameless = not len(state.edge_presence[kind]["resident"])
            anonymous, edge = True, True
        else:
            worst = accounting.worst_recorded(kept)
            nameless = bool((kept["resident"] < 0).any())
            anonymous, edge = bool((kept["person"] < 0).any()), False
        if nameless:
            devices = context.log.sensors.loc[own, "sensor"].to_numpy(np.int64)
            worst = max(worst, accounting.a_priori_worst(zones, context.sampling_minutes[devices],
                                                         context.horizon_minutes, bin_minutes, edge))
        return worst, anonymous
