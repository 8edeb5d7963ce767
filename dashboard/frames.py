"""Tidy tables for the charts and pages, made from simulation objects (pure pandas/numpy, no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard.labels import SENSOR_LABELS, SENSOR_RECORDS, pretty
from simulation.observations import ObservationLog
from simulation.scenario import ScenarioConfig
from simulation.scenario_diff import sensor_kinds, setting_changes
from simulation.scenario_titles import plain_value, setting_title
from simulation.world import World


def population_by_hour(world: World) -> pd.DataFrame:
    """Return the mean number of residents in each zone at each hour of the day, over the simulated days.

    Returns:
        Columns ``hour``, ``zone``, ``x``, ``y``, ``people``; one row per (hour, zone).
    """
    n_slots, n_zones = world.n_slots, world.city.n_zones
    flat = (np.arange(n_slots, dtype=np.int64)[:, None] * n_zones + world.zone).ravel()
    per_slot = np.bincount(flat, world.in_city().ravel(), minlength=n_slots * n_zones).reshape(n_slots, n_zones)
    hours = world.slot_hour()
    rows = []
    for hour in range(24):
        chosen = hours == hour
        if chosen.any():
            rows.append(pd.DataFrame({"hour": hour, "zone": np.arange(n_zones),
                                      "people": per_slot[chosen].mean(axis=0)}))
    frame = pd.concat(rows, ignore_index=True)
    zones = world.city.zones
    frame["x"] = zones["x"].to_numpy()[frame["zone"].to_numpy()]
    frame["y"] = zones["y"].to_numpy()[frame["zone"].to_numpy()]
    return frame[["hour", "zone", "x", "y", "people"]]


def sensor_coverage(world: World, log: ObservationLog) -> pd.DataFrame:
    """Return, per sensor kind deployed, how much of the city and of residents' time it covers and what it records.

    Returns:
        Columns ``Sensor``, ``Devices``, ``Zones covered``, ``Share of zones``, ``Share of residents' time in
        view``, ``Records`` and ``What it records``; one row per kind with at least one device.
    """
    n_zones = world.city.n_zones
    time_in_zone = np.bincount(world.zone.ravel(), world.in_city().ravel(), minlength=n_zones) / world.zone.size
    detections = log.detections_per_kind()
    rows = []
    for kind, devices in log.sensors.groupby("kind", observed=True, sort=False):
        zones = np.unique(devices["zone"].to_numpy())
        rows.append({"Sensor": SENSOR_LABELS.get(kind, pretty(kind)), "Devices": len(devices),
                     "Zones covered": len(zones), "Share of zones": len(zones) / n_zones,
                     "Share of residents' time in view": float(time_in_zone[zones].sum()),
                     "Records": int(detections.get(kind, 0)), "What it records": SENSOR_RECORDS.get(kind, "")})
    return pd.DataFrame(rows)


def outcome_frame(outcomes: Mapping[str, Mapping[str, float]], labels: Mapping[str, str]) -> pd.DataFrame:
    """Return outcomes of several scenarios as a tidy table for :func:`dashboard.charts.bars_figure`.

    Args:
        outcomes: Outcomes (name -> value) by scenario label.
        labels: The outcomes to keep, in order, with their display labels.

    Returns:
        Columns ``scenario``, ``outcome``, ``label``, ``value``; outcomes a scenario lacks are left out.
    """
    rows = [{"scenario": scenario, "outcome": name, "label": label, "value": float(values[name])}
            for scenario, values in outcomes.items() for name, label in labels.items() if name in values]
    return pd.DataFrame(rows, columns=["scenario", "outcome", "label", "value"])


def settings_diff(configs: Mapping[str, ScenarioConfig], ignore: tuple[str, ...] = ("name", "description")
                  ) -> pd.DataFrame:
    """Return the settings that differ between scenarios, by their titles and in plain words.

    Args:
        configs: Scenarios by label.
        ignore: Paths not compared.

    Returns:
        One row per differing setting (index = its title, :func:`simulation.scenario_titles.setting_title`), one
        column per scenario (values from :func:`simulation.scenario_titles.plain_value`); a sensor deployment that
        only some scenarios have is one row (its kind, or "not in this scenario").
    """
    data = {label: config.model_dump(mode="json") for label, config in configs.items()}
    kinds = sensor_kinds(*data.values())
    rows = {setting_title(path, kinds): [plain_value(path, value, kinds) for value in values]
            for path, values in setting_changes(data, ignore).items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(data))


def pareto_front(points: pd.DataFrame) -> pd.DataFrame:
    """Return the points no other point beats on both utility (higher) and risk (lower).

    Args:
        points: Columns ``utility`` and ``risk``.

    Returns:
        The non-dominated rows, sorted by risk.
    """
    if points.empty:
        return points
    utility, risk = points["utility"].to_numpy(), points["risk"].to_numpy()
    better_or_equal = (utility[None, :] >= utility[:, None]) & (risk[None, :] <= risk[:, None])
    strictly = (utility[None, :] > utility[:, None]) | (risk[None, :] < risk[:, None])
    dominated = (better_or_equal & strictly).any(axis=1)
    return points[~dominated].sort_values("risk")
