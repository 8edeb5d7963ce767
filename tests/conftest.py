"""Shared fixtures: a tiny scenario with every sensor kind, and its run (built once per test session)."""

from __future__ import annotations

import pytest

from simulation.scenario import ScenarioConfig

TINY_SENSORS = [
    {"kind": "cctv", "name": "cctv_centre", "placement": {"zone_share": 0.3}, "face_recognition": True,
     "watchlist_size": 10},
    {"kind": "wifi_bt", "name": "wifi", "placement": {"zone_share": 0.4}},
    {"kind": "anpr", "name": "anpr_roads", "placement": {"zone_share": 0.5}},
    {"kind": "transit_card", "name": "gates", "placement": {"zone_share": 1.0}},
    {"kind": "smart_meter", "name": "meters", "placement": {"zone_share": 0.5}},
    {"kind": "people_counter", "name": "counters", "placement": {"zone_share": 0.2}},
    {"kind": "env_iot", "name": "air", "placement": {"zone_share": 0.1}},
]


def tiny_config(**overrides) -> ScenarioConfig:
    """Return a small scenario (300 residents, 2 days, every sensor kind) with optional top-level overrides."""
    data = {
        "name": "tiny",
        "seed": 7,
        "world": {"days": 2},
        "population": {"residents": 300},
        "sensors": TINY_SENSORS,
    }
    data.update(overrides)
    return ScenarioConfig.model_validate(data)


@pytest.fixture(scope="session")
def tiny_scenario() -> ScenarioConfig:
    """A small scenario with every sensor kind."""
    return tiny_config()


@pytest.fixture(scope="session")
def tiny_run(tiny_scenario):
    """The tiny scenario run through all four stages (once per test session)."""
    from simulation.pipeline import run

    return run(tiny_scenario)
