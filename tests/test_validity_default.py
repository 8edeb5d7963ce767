"""Each stylised fact holds within its tolerance at the default scale (gdpr_baseline: 5,000 residents x 7 days).

Slow (a week of 5,000 residents, a fortnight for the visitation laws, 20,000 residents for the unicity of card
traces, card taps, unicity draws): marked ``slow``, run by the default ``pytest`` command like every other test.
"""

import pytest

from simulation.presets import load_preset
from simulation.validity import INFO, WITHIN, check_model
from simulation.validity.evidence import CROWD_RESIDENTS
from simulation.world.model import build_world

pytestmark = pytest.mark.slow

HELD = ["trips_per_day", "leaving_home_weekday", "time_at_home", "travel_minutes", "gyration_tail", "zipf_visits",
        "zipf_visits_tail", "distinct_places", "unicity_p4", "unicity_p2", "unicity_coarsening",
        "dense_time_coarsening", "home_work_anonymity"]


@pytest.fixture(scope="module")
def facts():
    config = load_preset("gdpr_baseline")
    return {fact.key: fact for fact in check_model(build_world(config), config)}


def test_every_fact_is_checked(facts):
    assert sorted(facts) == sorted(HELD)


@pytest.mark.parametrize("key", HELD)
def test_the_fact_holds_within_its_tolerance(facts, key):
    fact = facts[key]
    assert fact.verdict in (WITHIN, INFO), f"{key}: ours {fact.value:.4g}, tolerance {fact.tolerance} ({fact.detail})"


@pytest.mark.parametrize("key", ["unicity_p2", "unicity_p4"])
def test_card_unicity_is_measured_among_a_crowd_and_falls_as_the_population_grows(facts, key):
    curve = facts[key].curve
    own, crowd = curve["ours"].iloc[0], curve["ours"].iloc[1]
    assert curve["x"].iloc[0] == 5000 and curve["x"].iloc[1] == CROWD_RESIDENTS
    assert facts[key].value == crowd
    assert own > crowd
