"""Presets: each is a complete, cited scenario on the default city that validates, round-trips, places and runs."""

from __future__ import annotations

import re

import pytest
import yaml

from simulation.presets import DEFAULT_PRESET, PRESETS_DIR, list_presets, load_preset, preset_names
from simulation.scenario import IDENTIFYING_KINDS, SENSOR_KINDS, ScenarioConfig
from simulation.scenario_io import ScenarioError, dump_scenario, parse_scenario
from simulation.sensors import make_sensor
from simulation.world.city_source import load_city

REQUIRED = ("unregulated_surveillance", "gdpr_baseline", "edge_only", "amsterdam_register", "public_safety",
            "data_commons")
NAMES = preset_names()


def key_paths(value, prefix=""):
    """Every mapping key path of plain YAML data (list items by position)."""
    if isinstance(value, dict):
        paths = set()
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | key_paths(item, path)
        return paths
    if isinstance(value, list):
        return set().union(*(key_paths(item, f"{prefix}[{i}]") for i, item in enumerate(value)))
    return set()


def test_the_six_required_presets_exist_and_the_default_is_listed_first():
    assert set(REQUIRED) <= set(NAMES)
    infos = list_presets()
    assert [info.name for info in infos] == NAMES
    assert infos[0].name == DEFAULT_PRESET == "gdpr_baseline"


@pytest.mark.parametrize("info", list_presets(), ids=lambda info: info.name)
def test_listing_gives_a_title_and_a_one_line_summary(info):
    description = load_preset(info.name).description
    assert info.title and info.summary and "\n" not in info.summary
    assert description.splitlines()[0] == f"{info.title}: {info.summary}"
    assert info.path == PRESETS_DIR / f"{info.name}.yaml"


@pytest.mark.parametrize("name", NAMES)
def test_preset_is_a_complete_scenario_on_the_default_city(name):
    text = (PRESETS_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    config = parse_scenario(text)
    assert config.name == name and len(config.description.splitlines()) >= 2
    assert (config.world.city, config.population.residents, config.world.days, config.world.slot_minutes,
            config.seed) == ("default", 5000, 7, 15, 42)
    assert key_paths(yaml.safe_load(text)) == key_paths(yaml.safe_load(dump_scenario(config)))


@pytest.mark.parametrize("name", NAMES)
def test_preset_round_trips(name):
    config = load_preset(name)
    assert parse_scenario(dump_scenario(config)) == config


@pytest.mark.parametrize("name", NAMES)
def test_cited_lines_carry_their_source(name):
    lines = (PRESETS_DIR / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and any("docs/city-deployments.md" in line for line in lines[:5])
    cited = re.compile(r"^\s*(- kind|rotation|scope|match_threshold|cctv|wifi_bt|anpr|transit_card|smart_meter|"
                       r"people_counter|env_iot|police|k|level|face_recognition|sampling_interval_minutes):\s*\S")
    uncommented = [line for line in lines if cited.match(line) and "#" not in line
                   and not line.strip().startswith(("face_recognition: {", "sampling_interval_minutes: 15"))]
    assert uncommented == []


@pytest.mark.parametrize("name", NAMES)
def test_every_deployment_stands_somewhere_in_the_default_city(name):
    config = load_preset(name)
    city = load_city(config.world, config.seed)
    for sensor in config.sensors:
        zones = make_sensor(sensor, config.seed).place(city, config.seed)
        assert len(zones) > 0, sensor.name
        if sensor.kind == "transit_card":
            assert set(zones) == set(city.zones.index[city.zones["station"]].tolist())


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(ScenarioError) as caught:
        load_preset("no_such_city")
    assert "no_such_city" in str(caught.value)
    assert all(name in str(caught.value) for name in REQUIRED)


def test_gdpr_baseline_is_protective_and_deploys_every_kind():
    config = load_preset("gdpr_baseline")
    assert sorted({s.kind for s in config.sensors}) == sorted(SENSOR_KINDS)
    assert not any(s.kind == "cctv" and s.face_recognition for s in config.sensors)
    controls = config.controls
    assert controls.pseudonymisation.enabled and controls.pseudonymisation.rotation == "daily"
    assert (controls.retention.for_kind("transit_card"), controls.retention.for_kind("anpr"),
            controls.retention.for_kind("cctv")) == (56, 2, 31)
    assert controls.k_suppression.k > 1 and controls.access.datasets_for("public") == []


def test_unregulated_surveillance_follows_enschede_and_uk_anpr():
    config = load_preset("unregulated_surveillance")
    controls = config.controls
    assert (controls.pseudonymisation.rotation, controls.pseudonymisation.scope) == ("never", "city_wide")
    assert controls.retention.for_kind("anpr") == 730 and controls.face_recognition.match_threshold == 0.56
    assert any(s.kind == "cctv" and s.face_recognition for s in config.sensors)
    assert {"cctv", "anpr", "wifi_bt", "transit_card"} <= set(controls.access.datasets_for("police"))


def test_edge_only_releases_counts_only():
    config = load_preset("edge_only")
    deployed = {s.kind for s in config.sensors}
    assert "wifi_bt" not in deployed and "anpr" not in deployed
    assert deployed & set(IDENTIFYING_KINDS) <= set(config.controls.edge_aggregation.kinds)
    assert config.controls.k_suppression.k == 10 and config.controls.differential_privacy.enabled


def test_amsterdam_register_public_safety_and_data_commons_keep_their_defining_values():
    amsterdam = load_preset("amsterdam_register").controls
    assert amsterdam.pseudonymisation.rotation == "daily" and "anpr" not in amsterdam.access.datasets_for("police")
    safety = load_preset("public_safety")
    assert 0.6 <= safety.controls.face_recognition.match_threshold <= 0.64
    assert safety.controls.retention.for_kind("anpr") == 365
    assert len(safety.controls.access.datasets_for("police")) >= 4
    commons = load_preset("data_commons")
    identifying = {s.kind for s in commons.sensors} & set(IDENTIFYING_KINDS)
    assert identifying <= set(commons.controls.edge_aggregation.kinds)
    assert commons.controls.differential_privacy.enabled


def tiny(config: ScenarioConfig) -> ScenarioConfig:
    return config.model_copy(update={"population": config.population.model_copy(update={"residents": 200}),
                                     "world": config.world.model_copy(update={"days": 1})})


@pytest.fixture(scope="module")
def tiny_outcomes() -> dict[str, dict[str, float]]:
    from simulation.pipeline import run

    return {name: run(tiny(load_preset(name))).outcomes for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_runs_with_utilities_and_shares_of_risk_in_0_1(name, tiny_outcomes):
    outcomes = tiny_outcomes[name]
    utilities = {k: v for k, v in outcomes.items() if k.startswith("utility_")}
    assert "utility_overall" in utilities and "risk_overall" in outcomes
    assert all(0.0 <= v <= 1.0 for v in utilities.values()), utilities
    assert 0.0 <= outcomes["risk_overall"] <= 1.0


def test_unregulated_surveillance_is_riskier_than_edge_only(tiny_outcomes):
    assert tiny_outcomes["unregulated_surveillance"]["risk_overall"] > tiny_outcomes["edge_only"]["risk_overall"]
    unregulated, edge_only = tiny_outcomes["unregulated_surveillance"], tiny_outcomes["edge_only"]
    assert unregulated["risk_tracked_time"] > edge_only["risk_tracked_time"]
