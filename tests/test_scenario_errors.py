"""Readable validation errors: the field path, the value found and what is allowed, one line per problem."""

from __future__ import annotations

import pytest

from simulation.scenario import SENSOR_KINDS
from simulation.scenario_errors import readable_problems
from tests.scenario_helpers import problems_of


def test_unknown_field_names_it_suggests_the_closest_and_lists_the_allowed():
    [line] = problems_of("world:\n  dayz: 3\n")
    assert line.startswith("world: unknown field 'dayz'")
    assert "did you mean 'days'" in line
    assert "allowed: city, grid_size, zone_size_m, days, slot_minutes, start_weekday" in line


def test_unknown_field_inside_a_sensor_lists_that_kind_s_fields():
    [line] = problems_of("sensors:\n  - kind: cctv\n    name: c\n    face_recognitoin: true\n")
    assert line.startswith("sensors[0]: unknown field 'face_recognitoin' (did you mean 'face_recognition'?)")
    assert "watchlist_size" in line


def test_out_of_range_names_the_path_the_value_and_the_range():
    [line] = problems_of("controls:\n  differential_privacy:\n    epsilon: -3\n")
    assert line == "controls.differential_privacy.epsilon: found -3; allowed: at least 0.001 and at most 20.0"
    [line] = problems_of("population:\n  car_share: 1.5\n")
    assert line == "population.car_share: found 1.5; allowed: at least 0.0 and at most 1.0"
    [line] = problems_of("controls:\n  retention:\n    days: {anpr: 5000}\n")
    assert line == "controls.retention.days.anpr: found 5000; allowed: at least 0.0 and at most 3650.0"


def test_wrong_choice_lists_the_choices():
    [line] = problems_of("controls:\n  pseudonymisation:\n    rotation: weekly\n")
    assert line == "controls.pseudonymisation.rotation: found 'weekly'; allowed: never, daily, hourly"
    [line] = problems_of("sensors:\n  - kind: lidar\n    name: x\n")
    assert line == f"sensors[0].kind: found 'lidar'; allowed: {', '.join(SENSOR_KINDS)}"
    [line] = problems_of("controls:\n  retention:\n    days: {lidar: 3}\n")
    assert line.startswith("controls.retention.days.lidar: unknown key 'lidar'; allowed: cctv")


def test_missing_required_field_and_missing_kind():
    assert problems_of("sensors:\n  - kind: cctv\n") == ["sensors[0].name: required field missing"]
    [line] = problems_of("sensors:\n  - name: x\n")
    assert line.startswith("sensors[0]: the sensor has no 'kind'; allowed kinds: cctv")


def test_rules_across_fields_are_reported_where_they_apply():
    [line] = problems_of("population:\n  archetype_shares: {student: 0.5, retiree: 0.4}\n")
    assert line == "population: the archetype shares (archetype_shares) must add up to 1 (100%), found 0.9"
    [line] = problems_of("sensors: [{kind: cctv, name: a}, {kind: anpr, name: a}]\n")
    assert "sensor names must be unique, repeated: a" in line


def test_every_problem_gets_its_own_line():
    lines = problems_of("name: Bad Name\nseed: -1\nworld: {slot_minutes: 7}\n")
    assert [line.split(":")[0] for line in lines] == ["name", "seed", "world.slot_minutes"]


@pytest.mark.parametrize("text, expected", [
    ("population:\n  residents: true\n", "population.residents: found true; expected a valid integer"),
    ("population:\n  residents: '200'\n", "population.residents: found '200'; expected a valid integer"),
    ("population:\n  car_share: yes\n", "population.car_share: found true; expected a valid number"),
    ("controls:\n  pseudonymisation: {enabled: 1}\n",
     "controls.pseudonymisation.enabled: found 1; expected a valid boolean"),
])
def test_no_silent_conversion_of_booleans_text_and_numbers(text, expected):
    assert problems_of(text) == [expected]


def test_readable_problems_passes_other_errors_through():
    assert readable_problems(ValueError("plain")) == ["plain"]


def test_lengths_are_reported_with_the_limit():
    assert problems_of("description: '" + "x" * 2500 + "'\n") == [
        "description: found 2,500 characters; allowed: at most 2000 characters"]
    assert problems_of("name: ''\n") == ["name: found 0 characters; allowed: at least 1 character"]
    sensors = "".join(f"  - {{kind: env_iot, name: s{i}}}\n" for i in range(70))
    assert problems_of("sensors:\n" + sensors) == ["sensors: found 70 items; allowed: at most 64 items"]
