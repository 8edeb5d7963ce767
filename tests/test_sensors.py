"""Behaviour of stage 2 as a whole: placement, observe(), the log's schema, determinism and independence."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.observations import RECORD_COLUMNS, empty_records
from simulation.scenario import SENSOR_KINDS, ScenarioConfig
from simulation.sensors import SENSOR_TYPES, make_sensor, observe
from tests.sensor_fixtures import commuter_world, grid_city

ROOT = Path(__file__).resolve().parents[1]
ALL_KINDS = list(SENSOR_KINDS)


def scenario(*sensors: dict, seed: int = 7) -> ScenarioConfig:
    return ScenarioConfig.model_validate({"seed": seed, "sensors": list(sensors)})


def deploy(kind: str, name: str | None = None, **fields) -> dict:
    fields.setdefault("placement", {"zone_share": 0.5})
    return {"kind": kind, "name": name or kind.replace("_", "-"), **fields}


def every_kind(share: float = 0.5) -> ScenarioConfig:
    extra = {"cctv": {"face_recognition": True, "watchlist_size": 10}}
    return scenario(*(deploy(k, placement={"zone_share": share}, **extra.get(k, {})) for k in ALL_KINDS))


@pytest.fixture(scope="module")
def world():
    return commuter_world(n=200, days=2)


def records_of(log, name: str) -> pd.DataFrame:
    """Return one deployment's records without the device index (which depends on the other deployments)."""
    devices = log.sensors.set_index("sensor")
    frame = log.records[log.records["sensor"].map(devices["name"]) == name]
    return frame.drop(columns="sensor").reset_index(drop=True)


def test_every_kind_is_registered_under_its_yaml_name():
    assert set(SENSOR_TYPES) == set(SENSOR_KINDS)
    assert all(cls.kind == kind for kind, cls in SENSOR_TYPES.items())


def test_observe_returns_the_record_schema_sorted_by_slot_then_sensor(world):
    log = observe(world, every_kind())
    records = log.records
    assert list(records.columns) == list(RECORD_COLUMNS)
    assert records.dtypes.equals(empty_records().dtypes)
    assert set(records["kind"].unique()) == set(SENSOR_KINDS)
    key = records["slot"].to_numpy(np.int64) * len(log.sensors) + records["sensor"].to_numpy()
    assert np.all(np.diff(key) >= 0)
    assert list(log.sensors.columns) == ["sensor", "name", "kind", "zone"]
    assert (log.sensors["sensor"].to_numpy() == np.arange(len(log.sensors))).all()
    device = log.sensors.set_index("sensor").loc[records["sensor"]]
    assert (device["zone"].to_numpy() == records["zone"].to_numpy()).all()
    assert (device["kind"].astype(str).to_numpy() == records["kind"].astype(str).to_numpy()).all()
    assert log.slot_minutes == world.slot_minutes


def test_no_sensors_give_an_empty_log_with_the_schema(world):
    log = observe(world, scenario())
    assert log.records.empty and log.records.dtypes.equals(empty_records().dtypes)
    assert log.sensors.empty and len(log.watchlist) == 0


@pytest.mark.parametrize("kind", ["cctv", "wifi_bt", "anpr", "transit_card", "smart_meter"])
def test_detections_grow_with_coverage(world, kind):
    counts = [len(observe(world, scenario(deploy(kind, placement={"zone_share": share}))).records)
              for share in (0.2, 0.5, 1.0)]
    assert 0 < counts[0] < counts[1] < counts[2]


@pytest.mark.parametrize("kind", ["cctv", "wifi_bt", "anpr", "transit_card", "smart_meter"])
def test_detections_grow_with_detection_probability(world, kind):
    counts = [len(observe(world, scenario(deploy(kind, detection_probability=p))).records) for p in (0.3, 0.9)]
    assert 0 < counts[0] < counts[1]


@pytest.mark.parametrize("kind", ["people_counter", "env_iot"])
def test_readings_grow_with_detection_probability(world, kind):
    readings = [observe(world, scenario(deploy(kind, detection_probability=p))).records for p in (0.3, 0.9)]
    assert len(readings[0]) == len(readings[1])
    assert 0 < readings[0]["value"].sum() < readings[1]["value"].sum()


def test_kinds_without_an_identifier_emit_no_token(world):
    log = observe(world, scenario(deploy("cctv"), deploy("people_counter"), deploy("env_iot")))
    assert len(log.records) > 0
    assert (log.records["token"] == -1).all()
    anonymous = log.records[log.records["kind"] != "cctv"]
    assert (anonymous["resident"] == -1).all()
    assert anonymous["value"].notna().all()


def test_identifying_kinds_emit_a_token_and_the_true_resident(world):
    log = observe(world, every_kind())
    for kind in ("cctv", "wifi_bt", "anpr", "transit_card", "smart_meter"):
        records = log.of_kind(kind)
        assert len(records) > 0, kind
        assert (records["token"] >= 0).all(), kind
        assert records["resident"].between(0, world.n_residents - 1).all(), kind


def test_records_only_at_sampling_slots(world):
    log = observe(world, scenario(deploy("wifi_bt", sampling_interval_minutes=60),
                                  deploy("people_counter", sampling_interval_minutes=45)))
    wifi, counter = log.of_kind("wifi_bt"), log.of_kind("people_counter")
    assert len(wifi) and (wifi["slot"] % 4 == 0).all()
    n_devices = (log.sensors["kind"] == "people_counter").sum()
    assert len(counter) == n_devices * len(range(0, world.n_slots, 3))


def test_an_interval_that_is_not_a_multiple_of_the_slot_is_refused(world):
    sensor = make_sensor(scenario(deploy("cctv", sampling_interval_minutes=30)).sensors[0], seed=1)
    coarse = commuter_world(n=20, days=1, slot_minutes=20)
    with pytest.raises(ValueError, match="not a multiple of the slot length"):
        sensor.sampling_slots(coarse)


def test_placement_is_the_union_of_share_districts_and_zones():
    city = grid_city()
    config = scenario(deploy("cctv", placement={"zone_share": 0.25, "districts": ["south"], "zones": [3]})).sensors[0]
    zones = make_sensor(config, seed=3).place(city, seed=3)
    south = np.flatnonzero(city.zones["district"] == "south")
    assert set(south) <= set(zones) and 3 in zones
    assert len(set(zones) - set(south) - {3}) > 0
    assert (np.diff(zones) > 0).all()


def test_a_larger_share_keeps_every_zone_of_a_smaller_one():
    city = grid_city()
    small, large = (make_sensor(scenario(deploy("wifi_bt", placement={"zone_share": s})).sensors[0], 5)
                    .place(city, 5) for s in (0.2, 0.6))
    assert len(small) == round(0.2 * city.n_zones) and set(small) < set(large)


@pytest.mark.parametrize(("kind", "column"), [("anpr", "road"), ("transit_card", "station")])
def test_shares_are_drawn_from_eligible_zones_only(kind, column):
    city = grid_city()
    zones = make_sensor(scenario(deploy(kind, placement={"zone_share": 1.0})).sensors[0], 1).place(city, 1)
    assert (zones == np.flatnonzero(city.zones[column])).all()


def test_smart_meters_stand_in_residential_zones_only():
    city = grid_city()
    zones = make_sensor(scenario(deploy("smart_meter", placement={"zone_share": 1.0})).sensors[0], 1).place(city, 1)
    assert city.zones.loc[zones, "land_use"].str.startswith("residential").all()
    assert len(zones) == city.zones["land_use"].str.startswith("residential").sum()


def test_an_unknown_district_is_named_with_the_known_ones(world):
    config = scenario(deploy("cctv", placement={"districts": ["north", "harbour"]}))
    with pytest.raises(ValueError, match=r"'cctv'.*unknown district\(s\) harbour.*north, south"):
        observe(world, config)


def test_a_zone_out_of_range_is_named_with_the_range(world):
    config = scenario(deploy("anpr", placement={"zones": [2, 64, 900]}))
    with pytest.raises(ValueError, match=r"'anpr'.*zone\(s\) 64, 900 out of range.*0\.\.63"):
        observe(world, config)


def test_same_seed_gives_an_identical_log(world):
    first, second = observe(world, every_kind()), observe(world, every_kind())
    pd.testing.assert_frame_equal(first.records, second.records)
    pd.testing.assert_frame_equal(first.sensors, second.sensors)
    assert (first.watchlist == second.watchlist).all()


def test_another_seed_gives_another_log(world):
    first = observe(world, every_kind())
    other = observe(world, every_kind().with_seed(8))
    assert not first.records.equals(other.records)


def digest(records: pd.DataFrame) -> str:
    h = hashlib.blake2b(digest_size=16)
    for column in RECORD_COLUMNS:
        values = records[column].cat.codes if column == "kind" else records[column]
        h.update(np.ascontiguousarray(values.to_numpy()).tobytes())
    return h.hexdigest()


def test_the_log_is_the_same_in_another_process_with_another_hash_seed(world):
    here = digest(observe(world, every_kind()).records)
    code = (
        "from tests.sensor_fixtures import commuter_world\n"
        "from tests.test_sensors import digest, every_kind\n"
        "from simulation.sensors import observe\n"
        "print(digest(observe(commuter_world(n=200, days=2), every_kind()).records))\n"
    )
    for hash_seed in ("1", "999"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True)
        assert out.stdout.strip() == here


def test_adding_a_sensor_leaves_the_other_sensors_records_unchanged(world):
    base = [deploy("cctv", "faces", face_recognition=True, watchlist_size=5), deploy("wifi_bt", "probes"),
            deploy("smart_meter", "meters")]
    before = observe(world, scenario(*base))
    added = [deploy("anpr", "plates"), *base[:2], deploy("cctv", "more-faces", face_recognition=True,
                                                         watchlist_size=40), base[2], deploy("env_iot", "air")]
    after = observe(world, scenario(*added))
    for name in ("faces", "probes", "meters"):
        pd.testing.assert_frame_equal(records_of(before, name), records_of(after, name))
    assert set(before.watchlist) < set(after.watchlist) and len(after.watchlist) == 40


def test_observing_leaves_the_world_untouched(world):
    zone, activity, mode = world.zone.copy(), world.activity.copy(), world.mode.copy()
    residents = world.residents.copy()
    observe(world, every_kind(share=1.0))
    assert (world.zone == zone).all() and (world.activity == activity).all() and (world.mode == mode).all()
    pd.testing.assert_frame_equal(world.residents, residents)


def test_a_deployment_observes_on_its_own_in_the_record_schema(world):
    config = scenario(deploy("wifi_bt"))
    sensor = make_sensor(config.sensors[0], config.seed)
    devices = sensor.place(world.city, config.seed)
    from simulation.rng import stream

    frame = sensor.observe(world, devices, stream(config.seed, "sensor", sensor.name))
    assert frame.dtypes.equals(empty_records().dtypes)
    pd.testing.assert_frame_equal(frame, observe(world, config).records)


def test_a_deployment_without_devices_records_nothing(world):
    log = observe(world, scenario(*(deploy(k, placement={"zone_share": 0.0}) for k in ALL_KINDS)))
    assert log.sensors.empty and log.records.empty
    assert log.records.dtypes.equals(empty_records().dtypes)


def test_an_interval_that_does_not_divide_the_horizon_keeps_the_last_short_interval(world):
    log = observe(world, scenario(deploy("smart_meter", sampling_interval_minutes=105, detection_probability=1.0)))
    slots = np.unique(log.records["slot"])
    assert (slots == np.arange(0, world.n_slots, 7)).all()
    last = log.records[log.records["slot"] == slots[-1]]["value"]
    assert (last > 0).all() and last.mean() < log.records["value"].mean()


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(ALL_KINDS), share=st.floats(0.0, 1.0), seed=st.integers(0, 2**32),
       districts=st.lists(st.sampled_from(["north", "south"]), max_size=2, unique=True),
       zones=st.lists(st.integers(0, 63), max_size=8))
def test_placement_invariants(kind, share, seed, districts, zones):
    city = grid_city()
    sensor = make_sensor(scenario(deploy(kind, placement={"zone_share": share, "districts": districts,
                                                          "zones": zones})).sensors[0], seed)
    placed = sensor.place(city, seed)
    eligible = set(sensor.eligible_zones(city).tolist())
    in_districts = {z for z in eligible if city.zones.loc[z, "district"] in districts}
    assert (np.diff(placed) > 0).all()
    assert in_districts | set(zones) <= set(placed.tolist())
    assert set(placed.tolist()) <= eligible | set(zones)
    assert len(set(placed.tolist()) - in_districts - set(zones)) <= round(share * len(eligible))
    assert (placed == sensor.place(city, seed)).all()
