import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.share import (
    LinkError,
    decode_blob,
    diff,
    encode_blob,
    merge,
    scenario_from_params,
    scenario_params,
)
from simulation.scenario import ScenarioConfig

PRESET = ScenarioConfig.model_validate({
    "name": "base", "sensors": [{"kind": "wifi_bt", "name": "wifi", "placement": {"zone_share": 0.4}}]})


def _presets(name: str) -> ScenarioConfig:
    return PRESET


def _changed() -> ScenarioConfig:
    data = PRESET.model_dump(mode="json")
    data["controls"]["k_suppression"]["k"] = 10
    data["controls"]["access"]["grants"] = {"operator": ["wifi_bt"]}  # keys removed: must not merge back
    data["sensors"][0]["detection_probability"] = 0.5
    return ScenarioConfig.model_validate(data)


def test_link_reopens_the_same_scenario():
    config = _changed()
    params = scenario_params(config, "base", PRESET)
    assert set(params) == {"preset", "s"} and len(params["s"]) < 400
    name, reopened = scenario_from_params(params, _presets, ["base"])
    assert name == "base" and reopened == config


def test_unchanged_preset_link_has_no_scenario_part():
    params = scenario_params(PRESET, "base", PRESET)
    assert params == {"preset": "base"}
    assert scenario_from_params(params, _presets, ["base"])[1] == PRESET


@pytest.mark.parametrize("params, expected", [
    ({"preset": "nope"}, "does not exist"),
    ({"preset": "base", "s": "%%%not-base64"}, "damaged"),
    ({"preset": "base", "s": "eJw"}, "damaged"),
    ({"preset": "base", "s": "x" * 9000}, "at most"),
    ({"preset": "base", "s": encode_blob({"controls": {"k_suppression": {"k": -3}}})}, "controls.k_suppression.k"),
    ({"preset": "base", "s": encode_blob({"bogus": 1})}, "bogus"),
])
def test_bad_links_give_readable_problems(params, expected):
    with pytest.raises(LinkError) as caught:
        scenario_from_params(params, _presets, ["base"])
    assert any(expected in problem for problem in caught.value.problems)


def test_a_decompression_bomb_is_refused():
    with pytest.raises(LinkError, match="too large"):
        decode_blob(encode_blob({"a": "0" * 2_000_000}))


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                       max_size=3), max_leaves=12)
json_dicts = st.dictionaries(st.text(max_size=3), json_values, max_size=4)


@settings(max_examples=200, deadline=None)
@given(json_dicts, json_dicts)
def test_merge_of_diff_rebuilds_the_new_value(old, new):
    changes = diff(new, old)
    if changes is None:
        assert new == old
    else:
        assert merge(old, changes) == new


@given(json_values)
def test_blob_round_trip(value):
    assert decode_blob(encode_blob(value)) == value
