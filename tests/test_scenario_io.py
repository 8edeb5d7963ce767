"""Scenario files: exact YAML round trip and one readable line per problem for every kind of bad input."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.scenario import ARCHETYPES, PARTIES, SENSOR_KINDS, SERVICES, ScenarioConfig
from simulation.scenario_io import (
    MAX_BYTES,
    MAX_DEPTH,
    ScenarioError,
    dump_scenario,
    load_scenario,
    parse_scenario,
    save_scenario,
)

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
                                     "epsilon": draw(st.floats(1e-9, 20.0, exclude_min=True))},
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


def problems_of(text: str | bytes) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="bad.yaml")
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


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
    assert line == "controls.differential_privacy.epsilon: found -3; allowed: more than 0.0 and at most 20.0"
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
    assert line == "population: archetype_shares must add up to 1, found 0.9"
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


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_nan_and_infinity_are_refused_with_the_path(value):
    [line] = problems_of(f"controls:\n  face_recognition:\n    match_threshold: {value}\n")
    assert line.startswith("controls.face_recognition.match_threshold: found ")
    assert "NaN and infinity are not allowed" in line


def test_malformed_yaml_gives_line_and_column():
    [line] = problems_of("name: x\nworld:\n  days: [1, 2\nseed: 3\n")
    assert line.startswith("bad.yaml: not valid YAML at line ")
    assert "started at line 3, column 9" in line
    [line] = problems_of("name: x\n\tseed: 3\n")
    assert "line 2" in line


@pytest.mark.parametrize("text, found", [
    ("- a\n- b\n", "a list"), ("just words\n", "'just words'"), ("42\n", "42"), ("---\n", "null (empty)"),
])
def test_a_document_that_is_not_a_mapping_is_refused(text, found):
    [line] = problems_of(text)
    assert line.startswith(f"bad.yaml: the document is {found}, not a mapping")


def test_empty_and_comment_only_files_are_refused():
    assert "the file is empty" in problems_of("")[0]
    assert "the file is empty" in problems_of("# nothing here\n")[0]


def test_several_documents_are_refused():
    [line] = problems_of("name: a\n---\nname: b\n")
    assert "several YAML documents (the second starts at line 2" in line


@pytest.mark.parametrize("junk", [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xfe\x00n"])
def test_binary_junk_is_refused_as_not_text(junk):
    [line] = problems_of(junk)
    assert line.startswith("bad.yaml: ")
    assert "not UTF-8 text" in line or "NUL" in line


def test_control_characters_are_refused():
    assert "control characters are not allowed" in problems_of("name: a\x01b\n")[0]


def test_too_large_text_and_file_are_refused_before_parsing(tmp_path):
    text = "description: '" + "x" * MAX_BYTES + "'\n"
    assert problems_of(text) == [f"bad.yaml: the file is {len(text):,} bytes; at most 1 MB ({MAX_BYTES:,} bytes)"]
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(ScenarioError, match="at most 1 MB"):
        load_scenario(big)


def test_deep_nesting_is_refused_at_the_limit():
    deep = "a: " + "[" * 500_000
    [line] = problems_of(deep)
    assert f"nesting deeper than {MAX_DEPTH} levels at line 1" in line
    nested = "description: x\n" + "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2))
    assert f"nesting deeper than {MAX_DEPTH}" in problems_of(nested)[0]


def test_alias_bomb_is_refused_at_the_first_alias():
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9))
    [line] = problems_of(bomb)
    assert line.startswith("bad.yaml: alias *a at line 2")
    assert "aliases are not allowed" in line


def test_too_many_values_are_refused():
    assert "more than 50,000 values" in problems_of("sensors: [" + "1," * 60_000 + "1]\n")[0]


def test_keys_must_be_text_and_values_plain_data():
    assert problems_of("1: a\n") == ["top level: key 1 is not text; keys must be field names"]
    assert problems_of("world: {true: 1}\n") == ["world: key true is not text; keys must be field names"]
    assert "only text, numbers" in problems_of("name: !!binary aGVsbG8=\n")[0]
    assert "could not determine a constructor" in problems_of("name: !!python/object:os.system x\n")[0]


def test_dates_and_clock_times_stay_text():
    assert parse_scenario("description: 2020-01-01\n").description == "2020-01-01"
    assert parse_scenario("description: 12:30\n").description == "12:30"


@pytest.mark.parametrize("written, value", [("1e-3", 1e-3), ("2E1", 20.0), (".5", 0.5), ("1_0.5", 10.5), ("3", 3.0)])
def test_numbers_read_as_people_write_them(written, value):
    assert parse_scenario(f"controls: {{differential_privacy: {{epsilon: {written}}}}}\n").controls \
        .differential_privacy.epsilon == value


@pytest.mark.parametrize("written", ["010", "0x1F", "1:20", "9" * 5000])
def test_octal_hex_base60_and_huge_integers_are_not_silently_converted(written):
    assert problems_of(f"seed: {written}\n")[0].startswith("seed: found '")


@pytest.mark.parametrize("text", ["6e-1", "010", "12:30", "2020-01-01", "true", "~", ".5", "1_0", "0x1F"])
def test_text_that_looks_like_a_number_is_quoted_on_dump(text):
    config = ScenarioConfig(description=text)
    assert f"description: '{text}'" in dump_scenario(config)
    assert parse_scenario(dump_scenario(config)) == config


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
