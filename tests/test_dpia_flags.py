"""Screening flags, each against hand-made scenarios: one that raises it and one that differs by one fact."""

import pytest

from simulation.dpia.facts import ScenarioFacts, recorded_share
from simulation.dpia.flags import RULES, SCREENING_NOTE, screen
from simulation.results import results_table
from simulation.scenario import ScenarioConfig

QUIET = [{"kind": "people_counter", "name": "counters", "placement": {"zone_share": 0.2}},
         {"kind": "env_iot", "name": "air", "placement": {"zone_share": 0.1}}]
WIFI = {"kind": "wifi_bt", "name": "wifi", "placement": {"zone_share": 0.3}}
ANPR = {"kind": "anpr", "name": "plates", "placement": {"zone_share": 0.3}}
CARDS = {"kind": "transit_card", "name": "gates", "placement": {"zone_share": 1.0}}
CAMERAS = {"kind": "cctv", "name": "cameras", "placement": {"zone_share": 0.2}}
LIVE_FACES = {**CAMERAS, "face_recognition": True, "watchlist_size": 20}
NO_POLICE = {"access": {"grants": {"operator": ["cctv", "wifi_bt", "anpr"], "police": []}}}


def facts(*sensors, controls=None, population=None, outcomes=None, share=0.0):
    config = ScenarioConfig.model_validate({"sensors": [*QUIET, *sensors], "controls": controls or {},
                                            "population": population or {}})
    return ScenarioFacts(config=config, outcomes=outcomes or {}, recorded_share=share)


def raised(code, scenario):
    flag = next(f for f in screen(scenario) if f.rule.code == code)
    assert flag.facts and all(text.strip() for text in flag.facts)  # the facts are stated either way
    return flag.raised


def test_the_quiet_scenario_raises_nothing():
    assert not [f.rule.code for f in screen(facts()) if f.raised]


def test_every_rule_states_its_text_and_source_and_the_note_disclaims_advice():
    assert len({rule.code for rule in RULES}) == len(RULES)
    assert sum(rule.code.startswith("wp248_") for rule in RULES) == 9
    for rule in RULES:
        assert rule.rule.endswith(".") and rule.source
    assert "not legal advice" in SCREENING_NOTE


def test_evaluation_or_scoring_from_measured_tracking():
    assert raised("wp248_evaluation_scoring", facts(WIFI, outcomes={"risk_tracking": 0.05}))
    assert not raised("wp248_evaluation_scoring", facts(WIFI, outcomes={"risk_tracking": 0.005}))


def test_automated_decision_when_face_alerts_reach_the_police():
    assert raised("wp248_automated_decision", facts(LIVE_FACES))
    assert not raised("wp248_automated_decision", facts(LIVE_FACES, controls=NO_POLICE))
    assert not raised("wp248_automated_decision", facts(CAMERAS))


def test_systematic_monitoring_of_public_places():
    assert raised("wp248_systematic_monitoring", facts(WIFI))
    assert raised("wp248_systematic_monitoring", facts(CAMERAS))  # footage is personal data, faces or not
    assert not raised("wp248_systematic_monitoring", facts(WIFI, controls={"edge_aggregation": {"kinds": ["wifi_bt"]}}))
    meters = {"kind": "smart_meter", "name": "meters", "placement": {"zone_share": 1.0}}
    assert not raised("wp248_systematic_monitoring", facts(meters))  # in homes, not public places


def test_sensitive_data_from_faces_or_measured_inference():
    assert raised("wp248_sensitive_data", facts(LIVE_FACES))
    assert raised("wp248_sensitive_data", facts(WIFI, outcomes={"risk_sensitive_inference": 0.02}))
    assert not raised("wp248_sensitive_data", facts(WIFI, outcomes={"risk_sensitive_inference": 0.0}))


def test_large_scale_from_the_share_of_residents_recorded():
    assert raised("wp248_large_scale", facts(WIFI, share=0.5))
    assert not raised("wp248_large_scale", facts(WIFI, share=0.05))
    assert not raised("wp248_large_scale", facts(WIFI, share=None))


def test_matching_datasets_from_measured_linkage():
    assert raised("wp248_matching_datasets", facts(WIFI, ANPR, outcomes={"risk_linkage": 0.01}))
    assert not raised("wp248_matching_datasets", facts(WIFI, ANPR, outcomes={"risk_linkage": 0.0}))


def test_vulnerable_subjects_when_public_sensors_see_students():
    assert raised("wp248_vulnerable_subjects", facts(WIFI))
    no_students = {"archetype_shares": {"office_worker": 0.5, "retiree": 0.5}}
    assert not raised("wp248_vulnerable_subjects", facts(WIFI, population=no_students))


def test_innovative_technology_is_live_face_recognition():
    assert raised("wp248_innovative_technology", facts(LIVE_FACES))
    assert not raised("wp248_innovative_technology", facts(CAMERAS))


def test_prevents_using_a_service_when_transit_journeys_are_kept():
    assert raised("wp248_prevents_service", facts(CARDS))
    assert not raised("wp248_prevents_service",
                      facts(CARDS, controls={"edge_aggregation": {"kinds": ["transit_card"]}}))


def test_two_criteria_make_a_dpia_likely():
    assert not raised("dpia_likely_required", facts(outcomes={"risk_linkage": 0.2}))
    assert raised("dpia_likely_required", facts(outcomes={"risk_linkage": 0.2, "risk_tracking": 0.2}))


def test_art35_3b_special_categories_at_large_scale():
    assert raised("gdpr_art35_3b", facts(LIVE_FACES, share=0.5))
    assert not raised("gdpr_art35_3b", facts(LIVE_FACES, share=0.05))
    assert not raised("gdpr_art35_3b", facts(WIFI, share=0.5))


def test_art35_3c_monitoring_public_places_at_large_scale():
    assert raised("gdpr_art35_3c", facts(WIFI, share=0.5))
    assert not raised("gdpr_art35_3c", facts(WIFI, share=0.05))


def test_data_minimisation_raw_or_never_rotated_identifiers():
    assert raised("gdpr_art5_1c_minimisation", facts(ANPR, controls={"pseudonymisation": {"enabled": False}}))
    assert raised("gdpr_art5_1c_minimisation", facts(ANPR, controls={"pseudonymisation": {"rotation": "never"}}))
    assert not raised("gdpr_art5_1c_minimisation", facts(ANPR, controls={"pseudonymisation": {"rotation": "daily"}}))


def test_storage_limitation_cctv_beyond_72_hours_and_long_records():
    short = {"cctv": 3, "anpr": 7, "wifi_bt": 7, "transit_card": 7, "smart_meter": 7}
    assert not raised("gdpr_art5_1e_storage", facts(CAMERAS, ANPR, controls={"retention": {"days": short}}))
    assert raised("gdpr_art5_1e_storage", facts(CAMERAS, controls={"retention": {"days": {**short, "cctv": 4}}}))
    assert raised("gdpr_art5_1e_storage", facts(ANPR, controls={"retention": {"days": {**short, "anpr": 60}}}))


def test_protection_by_design_pseudonyms_at_capture_and_counts_at_the_edge():
    assert raised("gdpr_art25_by_design", facts(ANPR, controls={"pseudonymisation": {"enabled": False}}))
    assert raised("gdpr_art25_by_design", facts(WIFI))
    assert not raised("gdpr_art25_by_design", facts(WIFI, ANPR, controls={"edge_aggregation": {"kinds": ["wifi_bt"]}}))


def test_ai_act_prohibition_of_live_face_recognition_for_law_enforcement():
    assert raised("ai_act_art5_1h", facts(LIVE_FACES))
    assert not raised("ai_act_art5_1h", facts(LIVE_FACES, controls=NO_POLICE))
    assert not raised("ai_act_art5_1h", facts(CAMERAS))


def test_ai_act_high_risk_remote_biometric_identification():
    assert raised("ai_act_annex_iii_high_risk", facts(LIVE_FACES, controls=NO_POLICE))
    assert not raised("ai_act_annex_iii_high_risk", facts(CAMERAS))


def test_the_results_table_has_one_boolean_column_per_rule_after_the_outcomes(tiny_run):
    row = tiny_run.row()
    table = results_table([row])
    flags = [c for c in table.columns if c.startswith("flag_")]
    assert flags == [f"flag_{rule.code}" for rule in RULES]
    assert list(table.columns[-len(flags):]) == flags
    assert all(table[c].dtype == bool for c in flags)
    assert row["flag_wp248_innovative_technology"]  # the tiny city runs live face recognition


def test_recorded_share_counts_each_resident_once(tiny_run):
    share = recorded_share(tiny_run.log, tiny_run.config)
    records = tiny_run.log.records
    kept = records[records["kind"].astype(str).isin(["cctv", "wifi_bt", "anpr", "transit_card", "smart_meter"])]
    expected = kept.loc[kept["resident"] >= 0, "resident"].nunique() / tiny_run.config.population.residents
    assert share == pytest.approx(expected)
