"""Stage 4 as a whole: every metric runs, the overall scores combine them, the breakdowns are there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.metrics.assess import HEADLINE_COLUMNS, assess, risk_overall, utility_overall, with_headline
from simulation.metrics.explain import plain_sentences
from simulation.metrics.risk import RISK_METRICS
from simulation.metrics.utility import UTILITY_METRICS
from simulation.scenario import SENSOR_KINDS, SERVICES
from tests.utility_fixtures import run


@pytest.fixture(scope="module")
def assessed():
    the_run = run(pseudonymisation={"enabled": False})
    return the_run, assess(the_run.world, the_run.log, the_run.release, the_run.config)


def test_every_metric_and_both_overall_scores_are_outcomes(assessed):
    _, assessment = assessed
    expected = set(UTILITY_METRICS) | set(RISK_METRICS) | {"utility_overall", "risk_overall"}
    assert expected <= set(assessment.outcomes)
    assert all(name.startswith(("utility_", "risk_")) for name in assessment.outcomes)
    assert all(np.isfinite(value) for value in assessment.outcomes.values())


def test_overall_utility_is_the_weighted_mean_of_services(assessed):
    the_run, assessment = assessed
    weights = the_run.config.utility_weights
    expected = sum(weights[s] * assessment.outcomes[f"utility_{s}"] for s in weights) / sum(weights.values())
    assert assessment.outcomes["utility_overall"] == pytest.approx(expected)
    assert 0.0 <= assessment.outcomes["utility_overall"] <= 1.0


def test_weights_pick_the_services_that_count():
    utilities = {f"utility_{s}": float(i) / len(SERVICES) for i, s in enumerate(SERVICES)}
    assert utility_overall(utilities, {"energy": 1.0}) == utilities["utility_energy"]
    assert utility_overall(utilities, {"energy": 1.0, "crowd": 3.0}) == pytest.approx(
        (utilities["utility_energy"] + 3 * utilities["utility_crowd"]) / 4)


def test_overall_risk_is_the_share_of_residents_any_attack_reaches():
    # four residents: one singled out, one tracked, one singled out AND tracked, one untouched
    residents = pd.DataFrame({column: [False] * 4 for column in HEADLINE_COLUMNS})
    residents.loc[[0, 2], "singled_out"] = True
    residents.loc[[1, 2], "tracked"] = True
    with_any = with_headline(residents, {})
    assert list(with_any["any_attack"]) == [True, True, True, False]
    assert risk_overall(with_any) == 0.75  # a union over residents, not the max (0.5) of the attacks' shares
    recovered = with_headline(residents, {"trajectory_recovered": [False, False, False, True]})
    assert risk_overall(recovered) == 1.0


def test_overall_risk_counts_residents_of_the_per_resident_table(assessed):
    the_run, assessment = assessed
    table = assessment.breakdowns["resident_outcomes"]
    assert len(table) == the_run.world.n_residents
    assert assessment.outcomes["risk_overall"] == pytest.approx(table["any_attack"].mean())
    for name, column in (("risk_unicity", "singled_out"), ("risk_tracking", "tracked"),
                         ("risk_linkage", "linked_across"), ("risk_identified", "identified")):
        assert assessment.outcomes[name] == pytest.approx(table[column].mean())
        assert assessment.outcomes[name] <= assessment.outcomes["risk_overall"]


def test_breakdowns_cover_services_attacks_and_sensor_kinds(assessed):
    the_run, assessment = assessed
    tables = assessment.breakdowns
    assert list(tables["utility_by_service"]["service"]) == list(SERVICES)
    assert set(tables["risk_by_attack"]["attack"]) >= set(RISK_METRICS)
    kinds = tables["by_sensor_kind"].set_index("kind")
    assert list(kinds.index) == list(SENSOR_KINDS)
    devices = the_run.log.sensors["kind"].astype(str).value_counts()
    for kind in SENSOR_KINDS:
        assert kinds.loc[kind, "devices"] == devices.get(kind, 0)
        assert kinds.loc[kind, "raw_records"] == int((the_run.log.records["kind"] == kind).sum())
        assert kinds.loc[kind, "released_records"] == len(the_run.release.records.get(kind, []))
    assert "utility_crowd" in tables


def test_same_inputs_give_the_same_assessment(assessed):
    the_run, assessment = assessed
    again = assess(the_run.world, the_run.log, the_run.release, the_run.config)
    assert again.outcomes == assessment.outcomes


def test_plain_sentences_name_each_headline_number(assessed):
    the_run, assessment = assessed
    sentences = plain_sentences(assessment.outcomes, the_run.config)
    assert set(sentences) >= {"utility_overall", "utility_crowd", "risk_overall"}
    assert f"{100 * assessment.outcomes['utility_overall']:.0f}%" in sentences["utility_overall"]
