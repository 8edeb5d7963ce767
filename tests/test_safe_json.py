"""JSON from links and uploads: nesting, size and repeated keys checked before or while parsing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulation.safe_json import read_json, structure
from simulation.scenario_errors import ScenarioError

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                       max_size=3), max_leaves=20)


def _depth(value) -> int:
    if isinstance(value, dict | list):
        items = value.values() if isinstance(value, dict) else value
        return 1 + max((_depth(item) for item in items), default=0)
    return 0


def _count(value) -> int:
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return 1 + sum(_count(item) for item in items)


@given(json_values)
def test_structure_measures_depth_exactly_and_bounds_the_values(value):
    text = json.dumps(value)
    depth, values = structure(text)
    assert depth == _depth(value)
    assert values >= _count(value)
    assert read_json(text, "x") == value


def test_brackets_inside_strings_do_not_count():
    assert structure(json.dumps({"a": "[[[{{{", "b": ["\\\"]]"]})) == (2, 4)


@pytest.mark.parametrize("text, message", [
    ("[" * 1_000_000, "nesting deeper than 20 levels"),
    ("[" + "1," * 60_000 + "1]", "more than 50,000 values"),
    ('{"a": {"b": 1, "b": 2}}', "key 'b' is given twice"),
    ('{"a": 1', "not valid JSON"),
])
def test_hostile_json_is_one_readable_line(text, message):
    with pytest.raises(ScenarioError) as caught:
        read_json(text, "the link")
    [line] = caught.value.problems
    assert line.startswith("the link: ") and message in line
