"""Settings named by their titles and shown in plain words, for every setting of every preset."""

from __future__ import annotations

import re

import pytest

from simulation.presets import list_presets, load_preset
from simulation.scenario_diff import flatten, sensor_kinds
from simulation.scenario_titles import ABSENT, plain_value, setting_title

PRESETS = [info.name for info in list_presets()]
CODE_WORD = re.compile(r"\b[a-z]+_[a-z_]+\b")
"""A snake_case word: a field or choice name that reached the page as code."""


@pytest.mark.parametrize("name", PRESETS)
def test_every_setting_of_a_preset_has_a_title_and_a_plain_value(name):
    data = load_preset(name).model_dump(mode="json")
    kinds = sensor_kinds(data)
    for path, value in flatten(data).items():
        title = setting_title(path, kinds)
        shown = title
        for sensor in kinds:  # a deployment's own name is the planner's, shown as written
            shown = shown.replace(f"'{sensor}'", "")
        assert not CODE_WORD.search(shown), (path, title)
        words = plain_value(path, value, kinds)
        if path in ("name", "description") or path.endswith(("].name", "].kind")) or path == "world.city":
            continue
        assert words not in ("True", "False", "None", "(absent)", "[]"), (path, words)
        assert not CODE_WORD.search(words), (path, words)


@pytest.mark.parametrize("path, value, expected", [
    ("controls.access.grants.police", ("cctv", "anpr"), ("Access grants: Police", "CCTV camera, Number-plate reader")),
    ("controls.differential_privacy.enabled", True, ("Differential privacy", "on")),
    ("controls.pseudonymisation.enabled", False, ("Pseudonymisation: Pseudonymise identifiers", "off")),
    ("population.car_share", 0.45, ("Residents with a car", "45%")),
    ("controls.release.level", "aggregates", ("Release level", "Aggregates")),
    ("controls.edge_aggregation.kinds", (), ("Edge aggregation: Aggregate at the edge", "none")),
    ("sensors[cam].placement.zone_share", 0.125, ("CCTV camera 'cam': Share of eligible zones", "12.5%")),
    ("sensors[cam]", None, ("CCTV camera 'cam'", ABSENT)),
    ("utility_weights.public_safety", 0.5, ("Service weights: Public safety", "0.5")),
])
def test_titles_and_plain_values(path, value, expected):
    kinds = {"cam": "cctv"}
    assert (setting_title(path, kinds), plain_value(path, value, kinds)) == expected


def test_a_sensor_named_by_its_position_takes_its_name_and_kind_from_the_scenario():
    sensors = [{"name": "gate", "kind": "transit_card"}]
    assert setting_title("sensors[0].sampling_interval_minutes", sensors) == \
        "Transit card reader 'gate': Sampling interval (minutes)"
