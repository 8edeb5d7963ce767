"""Each stylised fact holds within its tolerance at the default scale (gdpr_baseline: 5,000 residents x 7 days).

Slow (a week of 5,000 residents, a fortnight for the visitation laws, card taps, unicity draws): marked ``slow``,
run by the default ``pytest`` command like every other test.
"""

import pytest

from simulation.presets import load_preset
from simulation.validity import INFO, WITHIN, check_model
from simulation.validity.evidence import Evidence
from simulation.validity.unicity import unicity_four_points, unicity_two_points
from simulation.world.model import build_world

pytestmark = pytest.mark.slow

HELD = ["trips_per_day", "leaving_home_weekday", "time_at_home", "travel_minutes", "gyration_tail", "zipf_visits",
        "zipf_visits_tail", "distinct_places", "unicity_p4", "unicity_coarsening", "dense_time_coarsening",
        "home_work_anonymity"]
POPULATION_BOUND = ["unicity_p2"]
"""Facts that depend on the population's size: outside at 5,000 residents, within at 20,000 (see below)."""


@pytest.fixture(scope="module")
def facts():
    config = load_preset("gdpr_baseline")
    return {fact.key: fact for fact in check_model(build_world(config), config)}


def test_every_fact_is_either_held_or_known_to_depend_on_the_population(facts):
    assert sorted(facts) == sorted(HELD + POPULATION_BOUND)


@pytest.mark.parametrize("key", HELD)
def test_the_fact_holds_within_its_tolerance(facts, key):
    fact = facts[key]
    assert fact.verdict in (WITHIN, INFO), f"{key}: ours {fact.value:.4g}, tolerance {fact.tolerance} ({fact.detail})"


@pytest.mark.parametrize("key", POPULATION_BOUND)
@pytest.mark.xfail(strict=True, reason="two points single out more residents of a 5,000-resident city than of the "
                                       "paper's 1.5 million people; see test_two_points_in_a_city_of_20000")
def test_the_population_bound_fact_at_5000_residents(facts, key):
    assert facts[key].verdict == WITHIN


def test_two_points_in_a_city_of_20000():
    config = load_preset("gdpr_baseline")
    config = config.model_copy(update={"population": config.population.model_copy(update={"residents": 20000})})
    evidence = Evidence(build_world(config), config)
    assert unicity_two_points(evidence).verdict == WITHIN
    assert unicity_four_points(evidence).verdict == WITHIN
