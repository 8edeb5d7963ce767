"""One memory of places per resident: exploration and preferential return (Song et al. 2010) across kinds."""

import numpy as np
import pytest

from simulation.rng import stream
from simulation.scenario import WorldConfig
from simulation.world.city_source import load_city
from simulation.world.places import GAMMA, MEMORY, OUTING, RHO, PlaceMemory
from simulation.world.region import make_region


@pytest.fixture(scope="module")
def city():
    return load_city(WorldConfig(), seed=0)


@pytest.fixture(scope="module")
def region(city):
    return make_region(city, seed=0)


def uses_of(city, places):
    return city.zones["land_use"].to_numpy()[places]


def visited(city, region, residents, home, seed, kind, choices):
    """Return a memory of ``residents`` living in zone ``home`` after ``choices`` choices of ``kind``, and its rng."""
    memory = PlaceMemory(city, region, np.full(residents, home))
    rng = stream(seed, "test", "epr")
    for _ in range(choices):
        memory.choose(np.arange(residents), rng, kind)
    return memory, rng


def test_exploration_and_preferential_return_give_heavy_tailed_visits(city, region):
    memory, _ = visited(city, region, 300, 300, 0, "leisure", 200)
    visits = np.sort(memory.visits.astype(int), axis=1)[:, ::-1]
    size = memory.size
    # sublinear growth of distinct places (S ~ t^(1/(1+gamma)) in Song et al.), well below always-explore
    assert 5 < size.mean() < 0.25 * 200
    top_share = visits[:, 0] / visits.sum(axis=1)
    assert top_share.mean() > 3 / size.mean()
    top3 = visits[:, :3].sum(axis=1) / visits.sum(axis=1)
    assert top3.mean() > 3 * (3 / size.mean()) and top3.mean() > 0.4
    assert np.median(visits[:, 0] / np.maximum(visits[:, 4], 1)) > 3


def test_first_choice_always_explores_then_with_rho_s_power_gamma(city, region):
    memory = PlaceMemory(city, region, np.full(4000, 0))
    rng = stream(1, "test", "epr")
    memory.choose(np.arange(4000), rng, "shopping")
    assert (memory.size == 1).all()
    before = memory.size.copy()
    memory.choose(np.arange(4000), rng, "shopping")
    explored_new = (memory.size > before).mean()
    # exploration probability at S=1 is rho; some explorations land on the known place again
    assert 0.3 < explored_new <= RHO + 0.03
    assert RHO * 1 ** -GAMMA == RHO


def test_one_memory_serves_every_kind_each_choice_suits_its_kind(city, region):
    memory, rng = visited(city, region, 2000, 100, 2, "shopping", 20)
    rows = np.arange(2000)
    shops = set(memory.places[memory.places >= 0].tolist())
    leisure = memory.choose(rows, rng, "leisure")
    # retail suits leisure too: some leisure choices return to a shop already in the memory (never a new slot)
    assert np.isin(leisure, list(shops)).mean() > 0.2
    assert set(uses_of(city, leisure)) <= {"park", "retail", "nightlife"}
    kinds = ["shopping", "care", OUTING]
    which = np.arange(2000) % 3
    chosen = memory.choose(rows, rng, kinds, which=which)
    assert (uses_of(city, chosen[which == 0]) == "retail").all()
    assert set(uses_of(city, chosen[which == 1])) <= {"clinic", "hospital"}
    assert (chosen[which == 2] >= city.n_zones).all() and (chosen[which == 2] < city.n_zones + region.n_places).all()


def test_a_full_memory_forgets_its_least_visited_place(city, region):
    memory = PlaceMemory(city, region, np.zeros(1, np.int64))
    rng = stream(3, "test", "epr")
    while memory.size[0] < MEMORY:
        memory.choose(np.array([0]), rng, OUTING)
    least = memory.places[0, np.argmin(memory.visits[0])]
    for _ in range(400):
        memory.choose(np.array([0]), rng, OUTING)
    assert memory.size[0] == MEMORY and len(set(memory.places[0].tolist())) == MEMORY
    assert least not in memory.places[0] or memory.visits[0].min() >= 1
