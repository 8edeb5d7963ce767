import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulation.codes import AWAY, HOME, MODE_CAR, MODE_NONE, MODE_TRANSIT, TRAVEL, WORK, WORSHIP
from simulation.scenario import ScenarioConfig
from simulation.world.model import CityModel, build_world

ROOT = Path(__file__).resolve().parent.parent


def small(seed=11, days=2, start="monday", residents=300):
    return ScenarioConfig.model_validate({"seed": seed, "world": {"days": days, "start_weekday": start},
                                         "population": {"residents": residents}})


def digest(world):
    h = hashlib.sha256()
    for array in (world.zone, world.activity, world.mode):
        h.update(np.ascontiguousarray(array).tobytes())
    h.update(world.residents.to_csv().encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def weekdays():
    return build_world(small())


@pytest.fixture(scope="module")
def weekend():
    return build_world(small(start="saturday"))


def slot(world, day, hour):
    return day * world.slots_per_day + hour * 60 // world.slot_minutes


def test_world_contract_shapes_and_types(weekdays):
    w = weekdays
    assert w.zone.shape == (2 * 96, 300) and w.zone.dtype == np.int32
    assert w.activity.dtype == np.int8 and w.mode.dtype == np.int8
    assert ((w.mode != MODE_NONE) == (w.activity == TRAVEL)).all()
    assert w.zone.min() >= 0 and w.zone.max() < w.city.n_zones
    assert w.trips > 300
    assert {"archetype", "home_zone", "work_zone", "household", "group", "mac", "plate", "card", "face",
            "meter", "card_registered", "randomised_mac"} <= set(w.residents.columns)


def test_almost_everyone_but_shift_workers_is_home_at_three_on_a_weekday(weekdays):
    w = weekdays
    shift = (w.residents["archetype"] == "shift_worker").to_numpy()
    at_three = w.activity[slot(w, 1, 3)]
    home = w.zone[slot(w, 1, 3)] == w.residents["home_zone"].to_numpy()
    assert ((at_three == HOME) & home)[~shift].mean() > 0.97
    working = w.residents["work_zone"].to_numpy() >= 0
    assert (at_three[shift & working] == WORK).mean() > 0.9


def test_office_workers_work_on_weekdays_not_weekends(weekdays, weekend):
    def at_work(w, day):
        office = (w.residents["archetype"] == "office_worker").to_numpy()
        return (w.activity[slot(w, day, 11)][office] == WORK).mean()
    # a quarter work from home, about 5% are sick and about 7% on leave (simulation.world.absence)
    assert at_work(weekdays, 0) > 0.55 and at_work(weekdays, 1) > 0.55
    assert at_work(weekend, 0) < 0.05 and at_work(weekend, 1) < 0.05
    assert (weekend.activity == WORSHIP).any() and not (weekdays.activity == WORSHIP).any()


def test_cars_travel_on_roads_and_transit_through_stations(weekdays):
    w = weekdays
    car = w.mode == MODE_CAR
    transit = w.mode == MODE_TRANSIT
    assert car.sum() > 50 and transit.sum() > 20
    assert w.city.road_mask[w.zone[car]].all()
    assert np.isin(w.zone[transit], w.city.transit_network.nodes).all()
    assert w.city.station_mask[w.zone[transit]].mean() > 0.8
    no_car = ~w.residents["has_car"].to_numpy()
    assert not car[:, no_car].any()


def test_residents_return_home_each_night(weekdays):
    w = weekdays
    home = w.residents["home_zone"].to_numpy()
    not_shift = (w.residents["archetype"] != "shift_worker").to_numpy()
    assert (w.zone[-1][not_shift] == home[not_shift]).mean() > 0.97


def test_data_collector_reports_each_day():
    model = CityModel(small(residents=100))
    model.run_for(2)
    table = model.datacollector.get_model_vars_dataframe()
    assert len(table) == 2 and (table["trips"] > 0).all()
    assert (table["share_home_0300"] > 0.8).all()
    with pytest.raises(RuntimeError, match="already simulated"):
        model.step()


def test_same_seed_same_world_different_seed_different(weekdays):
    assert digest(build_world(small())) == digest(weekdays)
    assert digest(build_world(small(seed=12))) != digest(weekdays)


def test_same_world_in_another_process_with_another_hash_seed(weekdays):
    code = ("from tests.test_model import small, digest; from simulation.world.model import build_world; "
            "print(digest(build_world(small())))")
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == digest(weekdays)


@pytest.fixture(scope="module")
def week():
    return build_world(small(seed=5, days=7, start="friday", residents=1500))


def test_residents_out_of_town_are_at_a_gateway_of_the_city_and_travel_there_first(week):
    w = week
    away = w.activity == AWAY
    assert away.any(axis=0).mean() > 0.05
    assert (w.mode[away] == MODE_NONE).all()
    gateways = np.union1d(w.region.gateway_road, w.region.gateway_station)
    assert np.isin(w.zone[away], gateways).all()
    slot, resident = np.nonzero(away[1:] & ~away[:-1])
    assert (w.activity[slot, resident] == TRAVEL).mean() > 0.95
    day = (slot + 1) // w.slots_per_day
    assert (w.away_place[day, resident] >= 0).all()
    days_away = away.reshape(-1, w.slots_per_day, w.n_residents).any(axis=1)
    assert ((w.away_place >= 0) == days_away).all()


def test_no_sensor_of_the_city_sees_a_resident_out_of_town(week):
    from simulation.sensors import observe

    data = small(seed=5, days=7, start="friday", residents=1500).model_dump()
    data["sensors"] = [
        {"kind": "wifi_bt", "name": "everywhere", "placement": {"zone_share": 1.0}, "detection_probability": 1.0},
        {"kind": "cctv", "name": "cameras", "placement": {"zone_share": 1.0}, "detection_probability": 1.0}]
    config = ScenarioConfig.model_validate(data)
    log = observe(week, config).records
    slot, resident = log["slot"].to_numpy(), log["resident"].to_numpy()
    assert len(log) > 0
    assert not (week.activity[slot, resident] == AWAY).any()
    in_town = (week.activity != AWAY) & (week.activity != HOME) & week.residents["phone_wifi_on"].to_numpy()
    seen = np.zeros_like(in_town)
    seen[slot[log["kind"] == "wifi_bt"], resident[log["kind"] == "wifi_bt"]] = True
    assert seen[in_town].mean() > 0.9


def test_a_resident_on_a_trip_away_spends_whole_days_out_of_town(week):
    whole = (week.activity == AWAY).reshape(-1, week.slots_per_day, week.n_residents).all(axis=1)
    assert whole.any()


def test_filling_on_two_threads_and_planning_ahead_give_the_same_world(monkeypatch):
    from simulation.world import travel

    whole = build_world(small(days=2, residents=600))
    monkeypatch.setattr(travel, "SPLIT_FROM", 100)  # 600 residents: two halves of 300, tomorrow planned meanwhile
    split = build_world(small(days=2, residents=600))
    assert digest(split) == digest(whole)
    assert split.trips == whole.trips
