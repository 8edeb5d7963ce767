"""Scenario files: exact YAML round trip, save and load, binary junk and oversized files, fuzzed input."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.scenario import ARCHETYPES, MIN_EPSILON, PARTIES, SENSOR_KINDS, SERVICES, ScenarioConfig
from simulation.scenario_io import (
    MAX_BYTES,
    ScenarioError,
    dump_scenario,
    load_scenario,
    parse_scenario,
    save_scenario,
)
from tests.scenario_helpers import problems_of

NAMES = st.from_regex(r"\A[a-z0-9][a-z0-9_\-]{0,20}\Z")
SHARES = st.floats(0.0, 1.0, allow_nan=False)
SLOTS = st.sampled_from([5, 10, 15, 20, 30, 60])


@st.composite
def scenarios(draw) -> ScenarioConfig:
    """Valid scenarios drawn over every section of the schema."""
    slot = draw(SLOTS)
    weights = [draw(st.floats(0.01, 1.0)) for _ in ARCHETYPES]
    shares = {a: w / sum(weights) for a, w in zip(ARCHETYPES, weights, strict=True)}
    shares[ARCHETYPES[0]] = 1.0 - sum(v for a, v in shares.items() if a != ARCHETYPES[0])
    names = draw(st.lists(NAMES, max_size=5, unique=True))
    sensors = []
    for name in names:
        sensor = {"kind": draw(st.sampled_from(SENSOR_KINDS)), "name": name,
                  "placement": {"zone_share": draw(SHARES), "districts": draw(st.lists(NAMES, max_size=3)),
                                "zones": draw(st.lists(st.integers(0, 10_000), max_size=5))},
                  "detection_probability": draw(SHARES),
                  "sampling_interval_minutes": slot * draw(st.integers(1, 1440 // slot))}
        if sensor["kind"] == "cctv":
            sensor |= {"face_recognition": draw(st.booleans()), "watchlist_size": draw(st.integers(0, 10_000))}
        sensors.append(sensor)
    data = {
        "name": draw(NAMES),
        "description": draw(st.text(max_size=200)),
        "seed": draw(st.integers(0, 2**63 - 1)),
        "world": {"city": draw(st.sampled_from(["default", "generated", "cities/my town.csv"])),
                  "days": draw(st.integers(1, 28)), "slot_minutes": slot,
                  "zone_size_m": draw(st.floats(50.0, 2000.0))},
        "population": {"residents": draw(st.integers(10, 200_000)), "archetype_shares": shares,
                       "car_share": draw(SHARES), "household_size_mean": draw(st.floats(1.0, 6.0))},
        "sensors": sensors,
        "controls": {
            "opt_out": {"device_share": draw(SHARES), "meter_share": draw(SHARES)},
            "edge_aggregation": {"kinds": draw(st.lists(st.sampled_from(SENSOR_KINDS), unique=True))},
            "pseudonymisation": {"enabled": draw(st.booleans()),
                                 "rotation": draw(st.sampled_from(["never", "daily", "hourly"]))},
            "face_recognition": {"match_threshold": draw(st.floats(0.3, 0.99))},
            "retention": {"days": draw(st.dictionaries(st.sampled_from(SENSOR_KINDS), st.floats(0.0, 3650.0)))},
            "access": {"grants": draw(st.dictionaries(
                st.sampled_from(PARTIES), st.lists(st.sampled_from(SENSOR_KINDS), unique=True)))},
            "differential_privacy": {"enabled": draw(st.booleans()),
                                     "epsilon": draw(st.floats(MIN_EPSILON, 20.0))},
            "k_suppression": {"k": draw(st.integers(0, 1000))},
        },
        "utility_weights": {s: draw(st.floats(0.0, 100.0)) for s in SERVICES} | {"crowd": draw(st.floats(0.5, 100))},
    }
    return ScenarioConfig.model_validate(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_dump_then_parse_gives_the_same_scenario(config):
    assert parse_scenario(dump_scenario(config)) == config


@pytest.mark.parametrize("text", [
    "\x85", "a\u2028b\u2029c", "line\r\nnext", "trailing space \nnext", " leading", "yes", "null", "1.5",
    "# not a comment", "key: value", "- item", "tab\there", "\ufeffbom", "emoji \U0001f6b2", "nul \x00 byte", "",
    "two\n\nblank lines\n",
])
def test_awkward_text_round_trips_exactly(text):
    config = ScenarioConfig(description=text, world={"city": text or "default"})
    assert parse_scenario(dump_scenario(config)) == config


def test_dump_writes_every_field_in_schema_order_with_the_kind_first():
    config = ScenarioConfig.model_validate({"sensors": [{"kind": "anpr", "name": "roads"}]})
    data = yaml.safe_load(dump_scenario(config))
    assert list(data) == list(ScenarioConfig.model_fields)
    assert list(data["controls"]) == list(type(config.controls).model_fields)
    assert list(data["sensors"][0])[:2] == ["kind", "name"]
    assert set(data["sensors"][0]) == set(type(config.sensors[0]).model_fields)
    assert data["controls"]["retention"]["days"] == {kind: 30.0 for kind in SENSOR_KINDS}


def test_save_then_load_gives_the_same_scenario(tmp_path):
    config = ScenarioConfig.model_validate({"name": "mine", "description": "two\nlines",
                                            "sensors": [{"kind": "cctv", "name": "c", "face_recognition": True}]})
    save_scenario(config, tmp_path / "s.yaml")
    assert load_scenario(tmp_path / "s.yaml") == config


@pytest.mark.parametrize("junk", [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xfe\x00n"])
def test_binary_junk_is_refused_as_not_text(junk):
    [line] = problems_of(junk)
    assert line.startswith("bad.yaml: ")
    assert "not UTF-8 text" in line or "NUL" in line


def test_too_large_text_and_file_are_refused_before_parsing(tmp_path):
    text = "description: '" + "x" * MAX_BYTES + "'\n"
    assert problems_of(text) == [f"bad.yaml: the file is {len(text):,} bytes; at most 1 MB ({MAX_BYTES:,} bytes)"]
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(ScenarioError, match="at most 1 MB"):
        load_scenario(big)


def test_load_reports_missing_files_and_folders(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "none.yaml")
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(tmp_path)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_any_input_gives_a_scenario_or_a_scenario_error(data):
    try:
        assert isinstance(parse_scenario(data), ScenarioConfig)
    except ScenarioError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
