"""Scenarios that are valid values but cannot run are refused before any simulation, in short messages."""

from __future__ import annotations

import math

import pytest

from simulation.runnable import check_runnable, runnable_problems
from simulation.scenario import MIN_EPSILON, ScenarioConfig
from simulation.scenario_errors import MAX_PROBLEM_CHARS, ScenarioError
from simulation.sensors import make_sensor
from simulation.world.city_source import load_city
from tests.conftest import tiny_config


def _placed(**placement) -> ScenarioConfig:
    return tiny_config(sensors=[{"kind": "cctv", "name": "cams", "placement": placement}])


def test_a_scenario_of_the_default_city_with_known_places_can_run(tiny_scenario):
    assert runnable_problems(tiny_scenario) == []
    check_runnable(tiny_scenario)


def test_zones_outside_the_city_are_named_in_a_short_line():
    [line] = runnable_problems(_placed(zones=[3, *range(576, 4096)]))
    assert line.startswith("sensors[0].placement (cams): zone(s) 576, 577, ")
    assert "and 3508 more out of range; this city has zones 0..575" in line
    assert len(line) < 300


def test_unknown_districts_are_named_with_the_city_s_districts():
    [line] = runnable_problems(_placed(districts=["centre", "atlantis"]))
    assert "unknown district(s) atlantis; this city's districts are: centre, east" in line


def test_a_missing_city_file_is_a_problem_of_world_city(tmp_path):
    [line] = runnable_problems(tiny_config(world={"city": str(tmp_path / "gone.csv")}))
    assert line.startswith("world.city: zone table") and "not found" in line
    with pytest.raises(ScenarioError):
        check_runnable(tiny_config(world={"city": str(tmp_path / "gone.csv")}))


def test_placing_a_sensor_refuses_what_the_check_refuses():
    config = _placed(zones=list(range(570, 4096)))
    city = load_city(config.world, config.seed)
    with pytest.raises(ValueError) as caught:
        make_sensor(config.sensors[0], config.seed).place(city, config.seed)
    assert str(caught.value).startswith("sensor 'cams': zone(s) 576, 577")
    assert len(str(caught.value)) < MAX_PROBLEM_CHARS


def test_epsilon_below_the_bound_is_refused_by_the_schema():
    with pytest.raises(ValueError, match="epsilon"):
        tiny_config(controls={"differential_privacy": {"enabled": True, "epsilon": MIN_EPSILON / 2}})


def test_the_smallest_epsilon_runs_and_no_outcome_is_nan():
    from simulation.pipeline import run

    config = tiny_config(controls={"differential_privacy": {"enabled": True, "epsilon": MIN_EPSILON,
                                                            "max_contributions": 1000},
                                   "release": {"level": "aggregates"}})
    outcomes = run(config).outcomes
    assert outcomes and all(math.isfinite(value) for value in outcomes.values()), outcomes
    assert all(0.0 <= outcomes[name] <= 1.0 for name in outcomes if name.startswith("utility_"))
