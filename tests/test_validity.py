"""The fact computations of simulation.validity on hand-made worlds whose answers are known."""

import numpy as np
import pandas as pd
import pytest

from simulation.codes import HOME, SHOPPING, TRAVEL, WORK
from simulation.scenario import ScenarioConfig
from simulation.validity import OUTSIDE, WITHIN, Evidence, Fact
from simulation.validity.activity import leaving_home_on_weekdays, time_at_home, trips_per_day
from simulation.validity.anonymity import anonymity_sets
from simulation.validity.gyration import KAPPA_KM, R0_KM, fit_beta, gonzalez_density, radius_of_gyration
from simulation.validity.movements import movements
from simulation.validity.unicity import dense_unicity
from simulation.validity.visits import distinct_places_by_day, visit_shares_by_rank
from simulation.world import World
from tests.risk_fixtures import make_city

SLOT = 60


def world_of(zone, activity, homes=None, works=None, start_weekday=0):
    zone = np.asarray(zone, np.int32).T
    activity = np.asarray(activity, np.int8).T
    n = zone.shape[1]
    homes = zone[0] if homes is None else np.asarray(homes)
    residents = pd.DataFrame({"home_zone": homes, "work_zone": np.full(n, -1) if works is None else works})
    mode = np.where(activity == TRAVEL, 1, 0).astype(np.int8)
    return World(city=make_city(6, 6), residents=residents, zone=zone, activity=activity, mode=mode,
                 slot_minutes=SLOT, start_weekday=start_weekday, trips=0)


def commuter_day(home=0, work=5, out_slots=(8, 9), back_slots=(17,)):
    zone = np.full(24, home)
    activity = np.full(24, HOME)
    for s in out_slots:
        zone[s], activity[s] = home + 1, TRAVEL
    zone[out_slots[-1] + 1:back_slots[0]] = work
    activity[out_slots[-1] + 1:back_slots[0]] = WORK
    for s in back_slots:
        zone[s], activity[s] = work, TRAVEL
    return zone, activity


def evidence_of(world):
    return Evidence(world, ScenarioConfig())


def test_stays_and_trips_are_runs_of_the_arrays():
    zone, activity = commuter_day()
    m = movements(world_of([zone], [activity]))
    assert m.trip_start.tolist() == [8, 17] and m.trip_slots.tolist() == [2, 1]
    assert m.stay_start.tolist() == [0, 10, 18]
    assert m.stay_slots.tolist() == [8, 7, 6]
    assert m.stay_place.tolist() == [0, 5, 0]
    assert m.stay_x_km[1] == pytest.approx(5.5 * 0.25) and m.stay_y_km[1] == pytest.approx(0.125)


def test_runs_never_join_across_residents():
    still = np.full(24, 3)
    m = movements(world_of([still, still], [np.full(24, HOME), np.full(24, HOME)]))
    assert m.stay_resident.tolist() == [0, 1] and m.stay_slots.tolist() == [24, 24]


def test_daily_activity_facts_count_what_the_arrays_hold():
    work_zone, work_act = commuter_day()
    still_zone, still_act = np.full(24, 7), np.full(24, HOME)
    # two weekdays: resident 0 commutes both days, resident 1 stays home on day 0 and makes an errand on day 1
    errand_zone, errand_act = still_zone.copy(), still_act.copy()
    errand_zone[10], errand_act[10] = 8, TRAVEL
    errand_zone[11:13], errand_act[11:13] = 9, SHOPPING
    errand_zone[13], errand_act[13] = 8, TRAVEL
    world = world_of([np.r_[work_zone, work_zone], np.r_[still_zone, errand_zone]],
                     [np.r_[work_act, work_act], np.r_[still_act, errand_act]])
    evidence = evidence_of(world)
    assert trips_per_day(evidence).value == pytest.approx((2 + 2 + 0 + 2) / 4)
    assert leaving_home_on_weekdays(evidence).value == pytest.approx(3 / 4)
    home_hours = [24 - 3 - 7, 24, 24 - 3 - 7, 24 - 4]
    assert time_at_home(evidence).value == pytest.approx(np.mean(home_hours))


def test_radius_of_gyration_of_two_places_one_km_apart_is_half_a_km():
    zone = np.r_[np.full(6, 0), np.full(6, 4), np.full(6, 0), np.full(6, 4)]  # 4 zones of 250 m = 1 km apart
    activity = np.r_[np.full(6, HOME), np.full(6, WORK), np.full(6, HOME), np.full(6, WORK)]
    m = movements(world_of([zone], [activity]))
    assert radius_of_gyration(m)[0] == pytest.approx(0.5)
    assert radius_of_gyration(m, time_weighted=True)[0] == pytest.approx(0.5)


def test_the_fit_recovers_the_exponent_of_samples_from_the_papers_law():
    rng = np.random.default_rng(3)
    grid = np.geomspace(3.0, 3.0 + 30 * KAPPA_KM, 20000)
    for beta in (1.3, 1.65, 2.2):
        cdf = np.cumsum(gonzalez_density(grid, beta) * np.gradient(grid))
        samples = np.interp(rng.random(4000) * cdf[-1], cdf, grid)
        assert fit_beta(samples, 3.0) == pytest.approx(beta, abs=0.08)
    assert np.isnan(fit_beta(np.array([R0_KM] * 5), 3.0))


def test_visit_shares_by_rank_and_new_places_by_day():
    # resident 0 over two days: home 3 stays, shop 2 stays, park 1 stay; resident 1: home only
    zone0 = [0, 1, 0, 1, 0, 2] * 4
    act0 = [HOME, SHOPPING, HOME, SHOPPING, HOME, SHOPPING] * 4
    days0 = np.r_[np.repeat(zone0[:6], 4), np.repeat(zone0[:6], 4)]
    days0[-4:] = 3  # the last stay of day 2 moves to a fourth place
    acts0 = np.r_[np.repeat(act0[:6], 4), np.repeat(act0[:6], 4)]
    world = world_of([days0, np.full(48, 9)], [acts0, np.full(48, HOME)])
    m = movements(world)
    f = visit_shares_by_rank(m, ranks=4)
    # resident 0 visits: home 6, zone 1 4, zone 2 1, zone 3 1 (12 stays); resident 1: home 1 of 1
    assert f[0] == pytest.approx((6 / 12 + 1.0) / 2)
    assert f[1] == pytest.approx(4 / 12) and f[3] == pytest.approx(1 / 12)
    assert distinct_places_by_day(m).tolist() == [(3 + 1) / 2, (4 + 1) / 2]


def test_home_work_anonymity_sets_count_residents_sharing_the_pair():
    homes, works = np.array([0, 0, 0, 7, 8, 9]), np.array([5, 5, 6, 30, 31, -1])
    world = world_of(np.zeros((6, 24), int), np.full((6, 24), HOME), homes=homes, works=works)
    table = anonymity_sets(evidence_of(world)).set_index("granularity")
    # zones: pairs (0,5) twice, (0,6), (7,30), (8,31): sets 2, 2, 1, 1, 1; the resident without work is left out
    assert table.loc["zone", "median"] == 1 and table.loc["zone", "unique"] == pytest.approx(3 / 5)
    # 4 x 4 blocks of a 6-wide grid: homes all in block 0; works 5 -> 1, 6 -> 0, 30 and 31 -> 2: sets 2, 2, 1, 2, 2
    assert table.loc["4x4 zones", "median"] == 2 and table.loc["4x4 zones", "unique"] == pytest.approx(1 / 5)


def test_dense_unicity_never_rises_as_time_bins_widen():
    rng = np.random.default_rng(0)
    zone = rng.integers(0, 36, size=(40, 48))
    world = world_of(zone, np.full((40, 48), HOME))
    shares = dense_unicity(evidence_of(world))["unicity"].to_numpy()
    assert (np.diff(shares) <= 1e-12).all() and shares[0] > shares[-1]


def test_verdicts_read_the_tolerance():
    def fact(value, low, high, **kw):
        return Fact("x", "f", "t", "p", "s", low, high, value, **kw)
    assert fact(3.0, 2.8, 4.0).verdict == WITHIN
    assert fact(2.0, 2.8, 4.0).verdict == OUTSIDE
    assert fact(float("nan"), 2.8, 4.0).verdict == OUTSIDE
    assert fact(-0.5, None, -0.01).verdict == WITHIN and fact(0.0, None, -0.01).verdict == OUTSIDE
    assert fact(9.0, None, None, reported_only=True).verdict == "info"
    assert fact(1.0, 1.0, 1.0).tolerance == "1"
