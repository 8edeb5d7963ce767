"""Crowd management: how many people are in each zone in each hour."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.utility.presence import device_table, presence_estimate
from simulation.metrics.utility.released import UnitIndex
from simulation.metrics.utility.score import accuracy, accuracy_at_units, fit_hours, people_hours_share, utility_score
from simulation.metrics.utility.truth import truth_grid
from simulation.release import Release
from simulation.scenario import ScenarioConfig

CROWD_KINDS: tuple[str, ...] = ("people_counter", "cctv", "wifi_bt")
"""Sensor kinds that count people, best first (the order is the estimator's public preference)."""


@dataclass(frozen=True)
class CrowdEstimate:
    """People per zone and hour as estimated from the release.

    Attributes:
        people: (n_zones, hours) estimated mean number of people present.
        covered: Zones holding a crowd-counting device.
        by_kind: Each kind's own estimate (n_zones, hours) and its covered zones.
        sources: For each kind, what was read: "records", "aggregates" or "none".
    """

    people: np.ndarray
    covered: np.ndarray
    by_kind: dict[str, tuple[np.ndarray, np.ndarray]]
    sources: dict[str, str]


def visibility(kind: str, config: ScenarioConfig) -> float:
    """Return the public share of present people a crowd sensor kind can see.

    Wi-Fi/Bluetooth counters see only phones with Wi-Fi on (``population.phone_wifi_on_share``) that have not
    opted out (``controls.opt_out.device_share``); counters and cameras see everyone.
    """
    if kind == "wifi_bt":
        return config.population.phone_wifi_on_share * (1.0 - config.controls.opt_out.device_share)
    return 1.0


def estimate_crowd(release: Release, sensors: pd.DataFrame, n_zones: int,
                   config: ScenarioConfig) -> CrowdEstimate:
    """Estimate people per zone and hour from released people-counter, camera and Wi-Fi counts.

    Reads only the release, the public device list and scenario-level constants. Where several kinds cover a
    zone, the first of ``CROWD_KINDS`` is used (counters and cameras see people out of home; Wi-Fi counters
    also see phones indoors and only a share of people).

    Args:
        release: The release.
        sensors: Public device list (``ObservationLog.sensors``: sensor, name, kind, zone).
        n_zones: Zones of the city.
        config: The scenario.

    Returns:
        The estimate (:class:`CrowdEstimate`).
    """
    devices = device_table(sensors, config)
    by_kind, sources = {}, {}
    for kind in CROWD_KINDS:
        grid, covered, source = presence_estimate(release, devices, kind, n_zones, visibility(kind, config), config)
        by_kind[kind] = (grid, covered)
        sources[kind] = source
    people = np.zeros_like(by_kind[CROWD_KINDS[0]][0])
    covered_any = np.zeros(n_zones, dtype=bool)
    for grid, covered in by_kind.values():
        fresh = covered & ~covered_any
        people[fresh] = grid[fresh]
        covered_any |= covered
    return CrowdEstimate(people=people, covered=covered_any, by_kind=by_kind, sources=sources)


def utility_crowd(ctx: AssessmentContext) -> MetricResult:
    """Crowd levels per zone and hour.

    Definition: over the zones holding a people counter, camera or Wi-Fi counter and every hour of the horizon,
    ``accuracy = 1 - sum|estimate - truth| / sum(estimate + truth)`` (mass-weighted SMAPE), where truth is the
    mean number of residents out of home (in public space) per zone and hour (world presence arrays) and the
    estimate comes from the released counts only (:func:`estimate_crowd`). ``coverage`` is the share of all
    people-hours out of home spent in those zones. ``utility_crowd = accuracy x coverage``: 0 without sensors or
    data, 1 for exact counts everywhere. The breakdown also gives the accuracy at the released units
    (``accuracy_released_units``), which shows how much of the loss is the coarser grain. Wi-Fi counters also
    see phones indoors at home, so they overcount in residential zones, as they do in real deployments.
    Source: SMAPE and share-of-mass measures for mobility aggregates, Kapp et al., "Towards mobility reports
    with user-level privacy" (2022).
    """
    n_zones = ctx.world.city.n_zones
    found = estimate_crowd(ctx.release, ctx.log.sensors, n_zones, ctx.config)
    truth = truth_grid(ctx.world, "out_of_home")
    units = UnitIndex.of(ctx.release)
    rows = []
    for kind, (grid, covered) in [*found.by_kind.items(), ("all", (found.people, found.covered))]:
        grid = fit_hours(grid, truth.shape[1])
        acc = accuracy(grid[covered], truth[covered]) if covered.any() else 0.0
        coverage = people_hours_share(truth, covered)
        rows.append({"kind": kind, "source": found.sources.get(kind, "combined"), "zones": int(covered.sum()),
                     "accuracy": acc, "accuracy_released_units": accuracy_at_units(grid, truth, covered, units)
                     if covered.any() else 0.0, "coverage": coverage, "value": utility_score(acc, coverage)})
    breakdown = pd.DataFrame(rows)
    return MetricResult(name="utility_crowd", value=float(breakdown["value"].iloc[-1]), breakdown=breakdown)
