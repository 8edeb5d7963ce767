"""Changes said to change nothing are run both ways, and every outcome is compared; reasons for the rest."""

from __future__ import annotations

import math
import re

import pytest

from simulation import pipeline
from simulation.no_effect import cannot_change, why_unchanged
from simulation.scenario import ScenarioConfig
from simulation.sweep import apply_settings
from tests.conftest import TINY_SENSORS, tiny_config

_WORLDS: dict[str, object] = {}
_LOGS: dict[str, object] = {}


def _outcomes(config: ScenarioConfig) -> dict[str, float]:
    """Run a scenario, its world and log shared with the other tests' runs of the same ones."""
    world_key, log_key = pipeline.stage_key(config, 1), pipeline.stage_key(config, 2)
    world = _WORLDS.get(world_key) or _WORLDS.setdefault(world_key, pipeline.build_world(config))
    log = _LOGS.get(log_key) or _LOGS.setdefault(log_key, pipeline.observe(world, config))
    release = pipeline.apply_controls(world, log, config)
    return pipeline.assess(world, log, release, config).outcomes


def _with(config: ScenarioConfig, path: str, value) -> ScenarioConfig:
    """Return the scenario with one setting changed (a sensor's field as ``sensors[<name>].<field>``)."""
    found = re.match(r"^sensors\[([^\]]+)\]\.(.+)$", path)
    if not found:
        return apply_settings(config, {path: value})
    data = config.model_dump(mode="json")
    next(s for s in data["sensors"] if s["name"] == found[1])[found[2]] = value
    return ScenarioConfig.model_validate(data)


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        (math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a)


def _sensors(**changes) -> list[dict]:
    return [{**sensor, **changes.get(sensor["name"], {})} for sensor in TINY_SENSORS
            if changes.get(sensor["name"]) is not False]


NO_FACES = {"cctv_centre": {"face_recognition": False}}
IDLE_CHANGES = [  # (scenario, setting path, before, after)
    (tiny_config(sensors=_sensors(**NO_FACES)), "controls.face_recognition.match_threshold", 0.6, 0.9),
    (tiny_config(sensors=_sensors(**NO_FACES)), "sensors[cctv_centre].watchlist_size", 10, 400),
    (tiny_config(controls={"pseudonymisation": {"enabled": False}}), "controls.pseudonymisation.rotation",
     "daily", "hourly"),
    (tiny_config(controls={"pseudonymisation": {"enabled": False}}), "controls.pseudonymisation.scope",
     "city_wide", "per_sensor"),
    (tiny_config(), "controls.differential_privacy.epsilon", 1.0, 0.05),
    (tiny_config(sensors=_sensors(air=False)), "controls.retention.days.env_iot", 30.0, 0.0),
    (tiny_config(controls={"edge_aggregation": {"kinds": ["wifi_bt"]}}), "controls.retention.days.wifi_bt",
     30.0, 0.0),
    (tiny_config(), "controls.retention.days.cctv", 30.0, 2.0),
    (tiny_config(), "controls.access.grants.vendor", [], ["cctv", "wifi_bt", "anpr", "transit_card"]),
    (tiny_config(), "controls.access.grants.public", [], ["cctv", "anpr"]),
    (tiny_config(sensors=_sensors(wifi=False)), "controls.opt_out.device_share", 0.0, 0.8),
    (tiny_config(sensors=_sensors(wifi=False)), "controls.edge_aggregation.kinds", [], ["wifi_bt"]),
    (tiny_config(sensors=_sensors(counters={"placement": {"zone_share": 0.0}})),
     "sensors[counters].detection_probability", 0.8, 0.2),
]


@pytest.mark.parametrize("config, path, before, after", IDLE_CHANGES,
                         ids=[change[1] for change in IDLE_CHANGES])
def test_a_change_said_to_change_nothing_changes_no_outcome(config, path, before, after):
    one, other = _with(config, path, before), _with(config, path, after)
    assert cannot_change(path, before, after, other)
    first, second = _outcomes(one), _outcomes(other)
    assert _same(first, second), {k: (first[k], second.get(k)) for k in first if first[k] != second.get(k)}


@pytest.mark.parametrize("config, path, before, after", [
    (tiny_config(), "controls.face_recognition.match_threshold", 0.6, 0.9),  # the tiny camera matches faces
    (tiny_config(), "sensors[cctv_centre].watchlist_size", 10, 400),
    (tiny_config(), "controls.retention.days.cctv", 30.0, 1.0),  # shorter than the two simulated days
    (tiny_config(), "controls.access.grants.operator", ["cctv"], ["cctv", "wifi_bt"]),  # the adversary's role
    (tiny_config(), "controls.access.grants.police", ["cctv", "anpr"], []),  # the public-safety service
    (tiny_config(), "controls.edge_aggregation.kinds", [], ["wifi_bt"]),
])
def test_a_change_that_may_matter_is_not_called_idle(config, path, before, after):
    assert cannot_change(path, before, after, _with(config, path, after)) is None


def test_published_counts_noised_while_records_are_released_are_explained():
    config = tiny_config(controls={"differential_privacy": {"enabled": True}, "release": {"level": "records"}})
    reason = why_unchanged("controls.differential_privacy.enabled", False, True, config)
    assert "records" in reason and "noise" in reason
    aggregates = apply_settings(config, {"controls.release.level": "aggregates"})
    assert why_unchanged("controls.differential_privacy.enabled", False, True, aggregates) is None
    assert "name nobody" in why_unchanged("controls.retention.days.people_counter", 30.0, 1.0, config)
