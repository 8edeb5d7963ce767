"""Sensors on a real tiny world made by build_world: what each kind records matches what really happened."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.codes import HOME, MODE_CAR, MODE_TRANSIT
from simulation.observations import empty_records
from simulation.scenario import SENSOR_KINDS
from simulation.sensors import observe
from simulation.world.model import build_world
from tests.conftest import TINY_SENSORS, tiny_config


@pytest.fixture(scope="module")
def config():
    return tiny_config()


@pytest.fixture(scope="module")
def world(config):
    return build_world(config)


@pytest.fixture(scope="module")
def log(world, config):
    return observe(world, config)


def at(world, records, array):
    return array[records["slot"].to_numpy(), records["resident"].to_numpy()]


def test_every_kind_records_in_the_schema(log, config):
    assert log.records.dtypes.equals(empty_records().dtypes)
    counts = log.detections_per_kind()
    assert (counts[list(SENSOR_KINDS)] > 0).all()
    assert len(log.watchlist) == 10
    assert sorted(log.sensors["name"].unique()) == sorted(s.name for s in config.sensors)


def test_recorded_zones_are_where_the_resident_really_was(world, log):
    seen = log.records[log.records["kind"].isin(["cctv", "wifi_bt", "anpr"])]
    assert (at(world, seen, world.zone) == seen["zone"].to_numpy()).all()


def test_wifi_sees_only_phones_with_wifi_on(world, log):
    records = log.of_kind("wifi_bt")
    assert world.residents.loc[records["resident"], "phone_wifi_on"].all()


def test_anpr_sees_only_cars_on_roads(world, log):
    records = log.of_kind("anpr")
    assert (at(world, records, world.mode) == MODE_CAR).all()
    assert world.city.zones.loc[records["zone"], "road"].all()
    assert (records["token"].to_numpy() == world.residents["plate"].to_numpy()[records["resident"]]).all()


def test_transit_taps_are_card_holders_at_stations(world, log):
    records = log.of_kind("transit_card")
    assert world.city.zones.loc[records["zone"], "station"].all()
    assert world.residents.loc[records["resident"], "has_card"].all()
    assert (at(world, records, world.mode) == MODE_TRANSIT).all()
    riding = world.mode == MODE_TRANSIT
    holders = world.residents["has_card"].to_numpy()
    boardings = (riding & ~np.vstack([np.zeros((1, world.n_residents), bool), riding[:-1]]))[:, holders].sum()
    assert boardings <= len(records) <= 2 * boardings


def test_cctv_sees_people_outdoors_and_scores_faces(world, log):
    records = log.of_kind("cctv")
    assert (at(world, records, world.activity) != HOME).all()
    member = np.isin(records["resident"], log.watchlist)
    assert member.any()
    assert records.loc[member, "value"].mean() > records.loc[~member, "value"].mean() + 0.2
    assert (records.loc[~member, "value"] < 0.6).mean() > 0.99


def test_smart_meter_follows_occupancy(world, log):
    records = log.of_kind("smart_meter")
    household = world.residents["household"].to_numpy()
    at_home = world.activity == HOME
    slot = records["slot"].to_numpy()
    members = household[records["resident"].to_numpy()]
    occupants = np.array([at_home[s, household == h].sum() for s, h in zip(slot, members, strict=True)])
    frame = pd.DataFrame({"value": records["value"].to_numpy(), "occupants": occupants,
                          "hour": world.slot_hour()[slot]})
    evening = frame[frame["hour"].between(18, 21)]
    by_occupancy = evening.groupby("occupants")["value"].mean()
    assert by_occupancy.index.max() >= 2
    assert by_occupancy.loc[by_occupancy.index.max()] > by_occupancy.loc[by_occupancy.index.min()]


def test_adding_a_sensor_leaves_records_and_movements_unchanged(config):
    more = tiny_config(sensors=[*TINY_SENSORS, {"kind": "wifi_bt", "name": "extra", "placement": {"zone_share": 1.0}}])
    world_before, world_after = build_world(config), build_world(more)
    assert (world_before.zone == world_after.zone).all() and (world_before.mode == world_after.mode).all()
    before, after = observe(world_before, config), observe(world_after, more)
    kept = after.records[after.records["sensor"] < len(before.sensors)].reset_index(drop=True)
    pd.testing.assert_frame_equal(before.records, kept)


def test_same_seed_same_log_on_a_fresh_world(config, log):
    again = observe(build_world(config), config)
    pd.testing.assert_frame_equal(log.records, again.records)
    assert (log.watchlist == again.watchlist).all()
