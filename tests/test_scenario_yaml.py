"""Safe YAML reading and exact writing: hostile documents refused with a clear message, look-alike text quoted."""

from __future__ import annotations

import pytest

from simulation.scenario import ScenarioConfig
from simulation.scenario_errors import MAX_PROBLEM_CHARS, MAX_PROBLEMS
from simulation.scenario_io import MAX_DEPTH, dump_scenario, parse_scenario
from tests.scenario_helpers import problems_of


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


def test_control_characters_are_refused():
    assert "control characters are not allowed" in problems_of("name: a\x01b\n")[0]


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


def test_a_key_given_twice_is_refused_with_both_lines():
    text = "name: small\npopulation:\n  residents: 10\n  car_share: 0.4\n  residents: 200000\nworld:\n  days: 28\n"
    assert problems_of(text) == ["bad.yaml: key 'residents' is given twice in one mapping, at line 3 and line 5; "
                                 "give each key once"]
    lines = problems_of("seed: 1\nname: a\nseed: 2\nworld: {days: 1, days: 2}\n")
    assert [line.split(", at ")[1].split(";")[0] for line in lines] == ["line 1 and line 3", "line 4 and line 4"]


def test_the_same_key_in_different_mappings_is_fine():
    config = parse_scenario("sensors:\n  - {kind: cctv, name: a}\n  - {kind: anpr, name: b}\n")
    assert [sensor.name for sensor in config.sensors] == ["a", "b"]


def test_merge_keys_are_refused():
    [line] = problems_of("world: {days: 2}\npopulation:\n  <<: {residents: 50}\n  residents: 20\n")
    assert line == ("bad.yaml: '<<' merge key at line 3, column 3: merge keys are not allowed in a scenario file; "
                    "write each key out")


def test_a_huge_field_name_gives_a_short_message():
    [line] = problems_of("world:\n  ? " + "x" * 300_000 + "\n  : 1\n")  # an explicit key may be that long
    assert line.startswith("world: unknown field 'xxxx") and "allowed: city" in line
    assert len(line) <= MAX_PROBLEM_CHARS


def test_a_message_lists_at_most_max_problems_and_counts_the_rest():
    text = "\n".join(f"field_{i}: 1" for i in range(500)) + "\n"
    lines = problems_of(text)
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == f"... and {500 - MAX_PROBLEMS} more problems (fix these first)"
    assert sum(len(line) for line in lines) < 10_000
