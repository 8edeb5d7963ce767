import numpy as np
import pytest

from simulation.codes import RESIDENTIAL_USES
from simulation.scenario import PopulationConfig, ScenarioConfig, WorldConfig
from simulation.world.city_source import load_city
from simulation.world.model import CityModel
from simulation.world.residents import TOKEN_KINDS, Resident, make_population


@pytest.fixture(scope="module")
def city():
    return load_city(WorldConfig(), seed=0)


@pytest.fixture(scope="module")
def people(city):
    return make_population(PopulationConfig(residents=2000), city, seed=3)


def test_archetype_counts_follow_the_shares_exactly(people):
    shares = PopulationConfig().archetype_shares
    counts = people["archetype"].value_counts()
    for archetype, share in shares.items():
        assert abs(counts.get(archetype, 0) - share * 2000) <= 1


def test_homes_are_residential_and_anchors_fit_the_archetype(city, people):
    uses = city.zones["land_use"].to_numpy()
    assert np.isin(uses[people["home_zone"]], RESIDENTIAL_USES).all()
    work = people["work_zone"].to_numpy()
    kind = people["archetype"].to_numpy()
    assert (uses[work[kind == "student"]] == "school").all()
    assert np.isin(uses[work[kind == "office_worker"]], ["office", "retail", "industrial", "hospital", "clinic",
                                                         "school"]).all()
    assert (work[np.isin(kind, ["retiree", "unemployed", "carer"])] == -1).all()


def test_households_share_home_and_meter(people):
    per_household = people.groupby("household").agg(homes=("home_zone", "nunique"), meters=("meter", "nunique"))
    assert (per_household == 1).all().all()
    assert 1.8 < len(people) / people["household"].nunique() < 2.6


def test_devices_follow_the_shares_and_tokens_are_distinct(people):
    assert abs(people["has_car"].mean() - 0.45) < 0.05
    assert abs(people["phone_wifi_on"].mean() - 0.7) < 0.05
    assert (people.loc[~people["has_car"], "plate"] == -1).all()
    assert (people.loc[~people["phone_wifi_on"], "mac"] == -1).all()
    assert not (people["card_registered"] & ~people["has_card"]).any()
    assert not (people["randomised_mac"] & ~people["phone_wifi_on"]).any()
    tokens = []
    for kind in ("mac", "plate", "card", "face"):
        values = people[kind][people[kind] >= 0].to_numpy()
        assert len(np.unique(values)) == len(values)
        assert ((values >> 56) == TOKEN_KINDS[kind]).all()
        tokens.append(values)
    assert len(np.unique(np.concatenate(tokens))) == sum(len(t) for t in tokens)
    assert set(people["group"]) == {"a", "b", "c"}


def test_population_is_repeatable_and_seed_dependent(city, people):
    again = make_population(PopulationConfig(residents=2000), city, seed=3)
    other = make_population(PopulationConfig(residents=2000), city, seed=4)
    assert again.equals(people)
    assert not other["home_zone"].equals(people["home_zone"])


def test_residents_are_mesa_agents_viewing_their_row():
    config = ScenarioConfig.model_validate({"seed": 2, "world": {"days": 1}, "population": {"residents": 50}})
    model = CityModel(config)
    model.step()
    residents = list(model.agents_by_type[Resident])
    assert len(residents) == 50
    r = residents[7]
    assert r.home_zone == model.residents["home_zone"].iat[r.index]
    assert r.archetype == model.residents["archetype"].iat[r.index]
    places = r.places("shopping")
    assert places.is_monotonic_decreasing and places.sum() > 0
    uses = model.city.zones["land_use"].to_numpy()
    assert (uses[places.index.to_numpy()] == "retail").all()
    assert (r.places("outing").index >= model.city.n_zones).all()
    assert len(r.trace()) == model.slots_per_day
