"""Stage 4: run every utility and risk metric, combine them, and gather the breakdown tables."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulation.controls.pipeline import records_key
from simulation.memo import OutputMemo
from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.privacy_budget import privacy_budget
from simulation.metrics.risk import RECORD_ATTACKS, RISK_METRICS
from simulation.metrics.risk.aggregate_recovery import aggregate_recovery, forget_recoveries
from simulation.metrics.risk.record_attacks import RecordAttacks, attack_records, track_and_prepare
from simulation.metrics.risk.traces import forget_traces, readable_traces
from simulation.metrics.risk.tracking import tracking_parts
from simulation.metrics.utility import UTILITY_METRICS
from simulation.observations import ObservationLog
from simulation.release import Release
from simulation.scenario import SENSOR_KINDS, SERVICES, ScenarioConfig
from simulation.world import World

AGGREGATE_ATTACKS: dict[str, Callable[[AssessmentContext], tuple[MetricResult, np.ndarray]]] = {
    "trajectory_recovered": aggregate_recovery,
}
"""Attacks on the released aggregates: per-resident column -> attack returning its result and per-resident hits.

``trajectory_recovered``: the adversary rebuilt a trajectory from a public count table, picked it out as the
resident's and it is theirs on at least one day (``risk_trajectory_recovery``; Xu et al. 2017)."""

@dataclass(eq=False)
class Assessment:
    """What stage 4 measured.

    Attributes:
        outcomes: Every ``utility_*`` and ``risk_*`` number, including ``utility_overall`` and ``risk_overall``.
        breakdowns: Tidy tables: "utility_by_service", "risk_by_attack", "by_sensor_kind", and each metric's own
            breakdown under the metric's name.
    """

    outcomes: dict[str, float]
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)


def utility_overall(utilities: dict[str, float], weights: dict[str, float]) -> float:
    """Return the weighted mean of the service utilities (services without a weight weigh 0).

    Args:
        utilities: ``utility_<service>`` -> value.
        weights: Service -> weight (``ScenarioConfig.utility_weights``).
    """
    pairs = [(weights.get(s, 0.0), utilities.get(f"utility_{s}", 0.0)) for s in SERVICES]
    total = sum(w for w, _ in pairs)
    return float(sum(w * u for w, u in pairs) / total) if total > 0 else 0.0


HEADLINE_COLUMNS: tuple[str, ...] = (
    "singled_out", "reidentified", "tracked", "identified", "linked_across", "sensitive_inferred",
)
"""Per-resident successes of the attacks on records that count towards the headline (``any_attack``)."""


def risk_overall(residents: pd.DataFrame) -> float:
    """Return the share of all residents for whom at least one attack open to the adversary succeeds.

    A resident is exposed as soon as one attack succeeds, so the headline is the union of the per-resident
    successes (``any_attack`` of the ``resident_outcomes`` table), never a maximum or a mean over datasets or
    traces. Counts (exposure, false alerts per 10,000) are reported beside it, not in it.
    """
    return float(residents["any_attack"].mean()) if len(residents) else 0.0


def with_headline(residents: pd.DataFrame, aggregate_hits: dict[str, np.ndarray]) -> pd.DataFrame:
    """Return the per-resident table with each aggregate attack's column and ``any_attack`` added."""
    out = residents.copy()
    for column, hit in aggregate_hits.items():
        out[column] = hit
    columns = [*HEADLINE_COLUMNS, *aggregate_hits]
    out["any_attack"] = out[columns].any(axis=1) if len(out) else pd.Series(dtype=bool)
    return out


def sensor_kind_table(log: ObservationLog, release: Release) -> pd.DataFrame:
    """Return per sensor kind: devices, raw records, released records, aggregate cells, suppressed cells."""
    devices = log.sensors["kind"].astype(str).value_counts()
    raw = log.detections_per_kind()
    audit = release.audit
    suppressed = (pd.to_numeric(audit["cells_suppressed"], errors="coerce").fillna(0)
                  .groupby(audit["dataset"].astype(str)).sum() if len(audit) else pd.Series(dtype=float))
    return pd.DataFrame({
        "kind": list(SENSOR_KINDS),
        "devices": [int(devices.get(k, 0)) for k in SENSOR_KINDS],
        "raw_records": [int(raw.get(k, 0)) for k in SENSOR_KINDS],
        "released_records": [len(release.records[k]) if k in release.records else 0 for k in SENSOR_KINDS],
        "aggregate_cells": [len(release.aggregates[k]) if k in release.aggregates else 0 for k in SENSOR_KINDS],
        "suppressed_cells": [int(suppressed.get(k, 0)) for k in SENSOR_KINDS],
    })


def _collect(results: list[MetricResult], outcomes: dict[str, float], breakdowns: dict[str, pd.DataFrame]) -> None:
    for result in results:
        outcomes[result.name] = float(result.value)
        outcomes.update({k: float(v) for k, v in result.extra.items()})
        if result.breakdown is not None:
            breakdowns[result.name] = result.breakdown


@dataclass(eq=False)
class AttackResults:
    """What the attacks on the record datasets found.

    Attributes:
        records: The attacks on profiles (per-resident table and share-of-residents results).
        others: The other record metrics (exposure, false face alerts), in ``RISK_METRICS`` order.
    """

    records: RecordAttacks
    others: list[MetricResult]

    @property
    def results(self) -> list[MetricResult]:
        """Return every record metric's result, in ``RISK_METRICS`` order."""
        by_name = {**self.records.results, **{r.name: r for r in self.others}}
        return [by_name[name] for name in RISK_METRICS]


_RISKS: OutputMemo[AttackResults] = OutputMemo(32)
"""Attack results per (world, log, release records, scenario): these attacks read record datasets only."""


def _attack_all(ctx: AssessmentContext) -> AttackResults:
    """Return every attack on records: tracking's datasets computed beside the other metrics, then the profiles.

    The readable datasets' traces (and their ends) are built first, so the threads share them instead of both
    building them. Tracking, with the making of each dataset ready for linking, is one independent piece per
    dataset: a helper thread takes them, largest first, while this thread runs the metrics that need no chains
    and then takes back the pieces the helper has not begun, smallest first, so neither thread is left alone at
    the end. The profiles and the per-resident attacks need every dataset's chains, so they run last. Each piece
    and metric is a deterministic function of the context, so the results are the same as one after the other;
    numpy's sorts, searches and gathers release the GIL, so on two cores both threads work at once.
    """
    for traces in readable_traces(ctx.release, ctx.config.adversary.role).values():
        traces.ends  # noqa: B018 - builds the cached table here, once, before the threads read it
    pieces = tracking_parts(ctx)
    largest_first = sorted(range(len(pieces)), key=lambda i: -pieces[i].rows)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="attack") as helper:
        begun = {i: helper.submit(track_and_prepare, ctx, pieces[i]) for i in largest_first}
        others = [metric(ctx) for name, metric in RISK_METRICS.items() if name not in RECORD_ATTACKS]
        taken_back = {i: track_and_prepare(ctx, pieces[i]) for i in reversed(largest_first) if begun[i].cancel()}
        done = [taken_back[i] if i in taken_back else begun[i].result() for i in range(len(pieces))]
    prepared = {piece.kind: dataset for piece, (_, dataset) in zip(pieces, done, strict=True)}
    return AttackResults(records=attack_records(ctx, [tracked for tracked, _ in done], prepared), others=others)


def run_attacks(ctx: AssessmentContext) -> AttackResults:
    """Return every attack on records, remembered while the records and settings they read are unchanged.

    The attacks read the record datasets (never the aggregates), the world, the log and the scenario; moving an
    aggregate-only control (k, differential privacy) or a utility weight leaves all of those as they were, so the
    results of the last release with the same ``records_key`` are returned. A release made by hand (no key) is
    always attacked afresh.
    """
    if ctx.release.records_key is None:
        return _attack_all(ctx)
    key = (ctx.release.records_key, records_key(ctx.config))
    return _RISKS.get(ctx.world, ctx.log, key, lambda: _attack_all(ctx))


def start_attacks(world: World, log: ObservationLog, release: Release, config: ScenarioConfig) -> None:
    """Begin the attacks on a release's record datasets on a background thread; :func:`assess` collects them.

    Meant as ``apply_controls``' ``on_records``: the attacks (most of stage 4) then run while stage 3 is still
    making the aggregates, which they never read. The results are those :func:`run_attacks` computes, remembered
    under the same key. A release made by hand (no key) is not attacked ahead.
    """
    if release.records_key is None:
        return
    ctx = AssessmentContext(world=world, log=log, release=release, config=config)
    _RISKS.start(world, log, (release.records_key, records_key(config)), lambda: _attack_and_forget(ctx))


def _attack_and_forget(ctx: AssessmentContext) -> AttackResults:
    """Return every risk metric's result, letting go of the traces built for them."""
    try:
        return _attack_all(ctx)
    finally:
        forget_traces(ctx.release)


def clear_remembered_attacks() -> None:
    """Forget every remembered attack result (benchmarks use it to time a first assessment)."""
    _RISKS.clear()
    forget_recoveries()


def assess(world: World, log: ObservationLog, release: Release, config: ScenarioConfig) -> Assessment:
    """Run every utility and risk metric on one run's outputs.

    Args:
        world: Stage 1 output (truth, for scoring and the adversary's knowledge).
        log: Stage 2 output (raw log, for scoring).
        release: Stage 3 output (what the metrics estimate from and attack).
        config: The scenario (weights, adversary, public constants).

    Returns:
        The outcomes (every metric plus ``utility_overall``, ``risk_overall`` and ``risk_dp_epsilon_total``, the
        person-level epsilon of the released aggregates, :func:`privacy_budget`) and the breakdown tables.
    """
    ctx = AssessmentContext(world=world, log=log, release=release, config=config)
    outcomes: dict[str, float] = {}
    breakdowns: dict[str, pd.DataFrame] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="attacks") as helper:
        attacks = helper.submit(run_attacks, ctx)  # the attacks on a second thread while the utilities run here
        utilities = [metric(ctx) for metric in UTILITY_METRICS.values()]
        aggregate = [attack(ctx) for attack in AGGREGATE_ATTACKS.values()]
        found = attacks.result()
    forget_traces(release)  # the attacks are done with them: hundreds of MB on a large release
    _collect(utilities, outcomes, breakdowns)
    _collect(found.results, outcomes, breakdowns)
    _collect([result for result, _ in aggregate], outcomes, breakdowns)
    residents = with_headline(found.records.residents,
                              {column: hit for column, (_, hit) in zip(AGGREGATE_ATTACKS, aggregate, strict=True)})
    breakdowns["resident_outcomes"] = residents
    outcomes["utility_overall"] = utility_overall(outcomes, dict(config.utility_weights))
    outcomes["risk_overall"] = risk_overall(residents)
    _collect([privacy_budget(ctx)], outcomes, breakdowns)
    breakdowns["utility_by_service"] = pd.DataFrame({
        "service": list(SERVICES),
        "value": [outcomes.get(f"utility_{s}", 0.0) for s in SERVICES],
        "weight": [float(config.utility_weights.get(s, 0.0)) for s in SERVICES],
    })
    names = [name for name in outcomes if name.startswith("risk_") and name != "risk_overall"]
    breakdowns["risk_by_attack"] = pd.DataFrame({"attack": names, "value": [outcomes[a] for a in names]})
    breakdowns["by_sensor_kind"] = sensor_kind_table(log, release)
    return Assessment(outcomes=outcomes, breakdowns=breakdowns)
