"""What each sensor kind really captures: who it can see, which token, which value."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulation.codes import HOME, MODE_CAR, MODE_TRANSIT, MODE_WALK
from simulation.scenario import ScenarioConfig
from simulation.sensors import observe
from simulation.sensors.cctv import CctvSensor, lookalike_shares, watchlist
from simulation.sensors.env_iot import neighbour_sum
from simulation.sensors.transit_card import leg_ends
from tests.sensor_fixtures import commuter_world


def scenario(*sensors: dict, seed: int = 11) -> ScenarioConfig:
    return ScenarioConfig.model_validate({"seed": seed, "sensors": list(sensors)})


def deploy(kind: str, name: str | None = None, share: float = 1.0, **fields) -> dict:
    return {"kind": kind, "name": name or kind.replace("_", "-"), "placement": {"zone_share": share}, **fields}


@pytest.fixture(scope="module")
def world():
    return commuter_world(n=200, days=2)


def truth(world, records, array):
    return array[records["slot"].to_numpy(), records["resident"].to_numpy()]


# ---------------------------------------------------------------- wifi_bt


def test_wifi_never_sees_phones_with_wifi_off(world):
    records = observe(world, scenario(deploy("wifi_bt"))).records
    residents = world.residents
    assert (~residents["phone_wifi_on"]).sum() > 0
    assert len(records) > 0
    assert residents.loc[records["resident"], "phone_wifi_on"].all()
    everyone_present = world.n_slots * residents["phone_wifi_on"].sum()
    assert len(records) < everyone_present


def test_wifi_sees_fixed_addresses_and_a_fresh_random_address_each_day(world):
    log = observe(world, scenario(deploy("wifi_bt", "probes-a"), deploy("wifi_bt", "probes-b")))
    records = log.records.assign(day=log.records["slot"] // world.slots_per_day)
    randomised = world.residents["randomised_mac"].to_numpy()[records["resident"]]
    fixed = records[~randomised]
    assert (fixed["token"].to_numpy() == world.residents["mac"].to_numpy()[fixed["resident"]]).all()
    per_day = records[randomised].groupby(["resident", "day"])["token"].nunique()
    assert (per_day == 1).all()  # one address a day, the same to both deployments
    days_per_address = records[randomised].groupby("token")["day"].nunique()
    assert (days_per_address == 1).all()
    assert records[randomised].groupby("resident")["token"].nunique().max() == 2


# ---------------------------------------------------------------- anpr


def test_anpr_only_sees_cars_and_records_their_plate(world):
    records = observe(world, scenario(deploy("anpr"))).records
    assert len(records) > 0
    assert (truth(world, records, world.mode) == MODE_CAR).all()
    assert (records["token"].to_numpy() == world.residents["plate"].to_numpy()[records["resident"]]).all()
    assert world.city.zones.loc[records["zone"], "road"].all()


def test_anpr_misses_cars_off_its_roads(world):
    records = observe(world, scenario(deploy("anpr", share=0.3))).records
    driving = int((world.mode == MODE_CAR).sum())
    assert 0 < len(records) < driving


# ---------------------------------------------------------------- transit_card


def test_transit_taps_only_at_stations_when_boarding_or_alighting(world):
    records = observe(world, scenario(deploy("transit_card"))).records
    assert len(records) > 0
    assert world.city.zones.loc[records["zone"], "station"].all()
    assert (records["token"].to_numpy() == world.residents["card"].to_numpy()[records["resident"]]).all()
    riding = truth(world, records, world.mode) == MODE_TRANSIT
    assert riding.all()
    # one tap in and one tap out per transit leg (every station covered, every holder taps)
    legs = int(((world.mode[1:] == MODE_TRANSIT) & (world.mode[:-1] != MODE_TRANSIT)).sum()
               + (world.mode[0] == MODE_TRANSIT).sum())
    assert len(records) == 2 * legs


def test_transit_taps_are_rounded_down_to_the_upload_interval(world):
    records = observe(world, scenario(deploy("transit_card", sampling_interval_minutes=60))).records
    per_slot = observe(world, scenario(deploy("transit_card"))).records
    assert len(records) == len(per_slot)
    assert (records["slot"] % 4 == 0).all()
    assert (np.sort(records["slot"].to_numpy()) == np.sort(per_slot["slot"].to_numpy() // 4 * 4)).all()


def test_leg_ends_find_boarding_and_alighting_across_chunk_borders():
    base = commuter_world(n=3, days=1)
    mode = np.zeros_like(base.mode)
    mode[10:14, 0] = MODE_TRANSIT  # one leg of four slots
    mode[20, 1] = MODE_TRANSIT  # a one-slot leg: taps in and out in the same slot
    mode[-2:, 2] = MODE_TRANSIT  # still riding at the end: no tap out
    world = dataclasses.replace(base, mode=mode)
    whole = sorted(zip(*leg_ends(world, 0, world.n_slots), strict=True))
    split = sorted(zip(*leg_ends(world, 0, 12), strict=True)) + sorted(zip(*leg_ends(world, 12, world.n_slots),
                                                                            strict=True))
    assert whole == [(10, 0), (13, 0), (20, 1), (20, 1), (world.n_slots - 2, 2)]
    assert sorted(split) == whole


# ---------------------------------------------------------------- smart_meter


def test_one_reading_per_interval_per_covered_household(world):
    log = observe(world, scenario(deploy("smart_meter")))
    records = log.records
    households = world.residents.groupby("household")
    assert len(records) == households.ngroups * (world.n_slots // 2)
    lowest = households.apply(lambda h: h.index.min())
    assert set(records["resident"]) == set(lowest)
    assert (records["token"].to_numpy() == world.residents["meter"].to_numpy()[records["resident"]]).all()
    assert (records["zone"].to_numpy() == world.residents["home_zone"].to_numpy()[records["resident"]]).all()
    assert (records["value"] > 0).all()


def test_smart_meter_consumption_rises_with_occupancy(world):
    config = scenario(deploy("smart_meter"))
    everyone_home = dataclasses.replace(world, activity=np.full_like(world.activity, HOME))
    usual = observe(world, config).records
    full = observe(everyone_home, config).records
    assert full["value"].mean() > 1.2 * usual["value"].mean()
    # within the usual week: at the same hour of day, larger households use more
    size = world.residents.groupby("household")["household"].transform("size").to_numpy()
    frame = usual.assign(size=size[usual["resident"]], hour=usual["slot"] % world.slots_per_day // 4)
    evening = frame[frame["hour"] == 20].groupby("size")["value"].mean()
    assert evening.is_monotonic_increasing and len(evening) > 1


# ---------------------------------------------------------------- people_counter and env_iot


def test_people_counter_counts_people_outdoors_in_view(world):
    log = observe(world, scenario(deploy("people_counter", detection_probability=1.0)))
    records = log.records
    n_devices = len(log.sensors)
    assert len(records) == n_devices * world.n_slots
    outdoors = world.activity != HOME
    expected = np.array([[np.sum((world.zone[s] == z) & outdoors[s]) for z in log.sensors["zone"]]
                         for s in range(world.n_slots)]).ravel()
    assert (records["value"].to_numpy() == expected).all()
    assert expected.sum() > 0


def test_env_iot_pollution_rises_with_traffic(world):
    config = scenario(deploy("env_iot"))
    no_cars = dataclasses.replace(world, mode=np.where(world.mode == MODE_CAR, MODE_WALK, world.mode).astype(np.int8))
    with_cars = observe(world, config).records
    without = observe(no_cars, config).records
    assert len(with_cars) == len(without) == world.n_slots * world.city.n_zones
    cars_nearby = with_cars["value"].to_numpy() - without["value"].to_numpy()
    assert cars_nearby.mean() > 0 and cars_nearby.max() > 5


def test_neighbour_sum_adds_the_eight_surrounding_cells():
    grid = np.zeros((1, 4, 5))
    grid[0, 1, 1] = 1.0
    around = neighbour_sum(grid)[0]
    assert around.sum() == 8 and around[1, 1] == 0 and around[0, 0] == 1 and around[2, 2] == 1 and around[3, 3] == 0


# ---------------------------------------------------------------- cctv and face recognition


def test_cctv_sees_only_people_outdoors(world):
    records = observe(world, scenario(deploy("cctv"))).records
    assert len(records) > 0
    assert (truth(world, records, world.activity) != HOME).all()
    assert (truth(world, records, world.zone) == records["zone"].to_numpy()).all()


def test_face_recognition_records_faces_and_scores(world):
    log = observe(world, scenario(deploy("cctv", face_recognition=True, watchlist_size=20)))
    records = log.records
    assert (records["token"].to_numpy() == world.residents["face"].to_numpy()[records["resident"]]).all()
    assert records["value"].between(0, 1).all()
    assert len(log.watchlist) == 20 and (np.diff(log.watchlist) > 0).all()
    member = np.isin(records["resident"], log.watchlist)
    assert member.any()
    assert records.loc[member, "value"].mean() > records.loc[~member, "value"].mean() + 0.3


def test_a_lower_threshold_gives_more_matches(world):
    scores = observe(world, scenario(deploy("cctv", face_recognition=True, watchlist_size=20))).records["value"]
    matches = [(scores >= threshold).sum() for threshold in (0.7, 0.6, 0.5, 0.4)]
    assert matches == sorted(matches) and matches[0] < matches[-1]


def test_false_matches_fall_on_other_groups_at_a_low_threshold():
    world = commuter_world(n=200, days=1)
    sensor = CctvSensor(scenario(deploy("cctv", face_recognition=True, watchlist_size=0)).sensors[0], seed=1)
    groups = world.residents["group"].to_numpy()
    majority = world.residents["group"].value_counts().index[0]
    passes = np.repeat(np.flatnonzero(groups == majority)[:1], 2_000_000)
    others = np.repeat(np.flatnonzero(groups != majority)[:1], 2_000_000)
    rng = np.random.default_rng(0)
    rate = {name: {t: float(np.mean(sensor.scores(world, p, rng) >= t)) for t in (0.56, 0.6)}
            for name, p in (("majority", passes), ("other", others))}
    assert rate["other"][0.56] > 1.5 * rate["majority"][0.56]
    assert rate["other"][0.56] - rate["majority"][0.56] > 10 * (rate["other"][0.6] - rate["majority"][0.6])
    assert rate["majority"][0.6] < 1e-4


def test_watchlist_members_are_found_at_the_default_threshold():
    world = commuter_world(n=200, days=1)
    sensor = CctvSensor(scenario(deploy("cctv", face_recognition=True, watchlist_size=5)).sensors[0], seed=1)
    members = np.repeat(watchlist(world, 1, 5), 20_000)
    found = np.mean(sensor.scores(world, members, np.random.default_rng(0)) >= 0.6)
    assert 0.8 < found < 0.97


def test_watchlists_nest_and_stay_within_the_population():
    world = commuter_world(n=50, days=1)
    small, large, everyone = watchlist(world, 3, 5), watchlist(world, 3, 20), watchlist(world, 3, 500)
    assert set(small) < set(large) and len(everyone) == 50


def test_lookalike_share_is_lowest_for_the_most_common_group():
    shares = lookalike_shares(np.array(["x", "y", "y", "z", "y"]))
    assert shares[1] == shares[2] == shares[4] < shares[0] == shares[3]
