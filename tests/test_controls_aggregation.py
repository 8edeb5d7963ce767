import numpy as np
import pandas as pd

from simulation.controls.aggregation import with_values
from tests.control_fixtures import random_log, release, small_world


def test_counts_are_distinct_pseudonyms_per_cell():
    world = small_world()
    log = random_log(world, seed=1, kinds=("wifi_bt", "anpr"), per_kind=500)
    out = release(world, log)
    for kind in ("wifi_bt", "anpr"):
        records = out.records[kind]
        expected = records.groupby(["time", "unit"])["pseudonym"].nunique()
        released = out.aggregates[kind].set_index(["time", "unit"])["count"]
        assert np.array_equal(released.sort_index().to_numpy(), expected.sort_index().to_numpy())


def test_people_counter_counts_are_summed_and_readings_averaged():
    world = small_world()
    log = random_log(world, seed=2, kinds=("people_counter", "env_iot", "smart_meter"))
    out = release(world, log, generalisation={"temporal_bin_minutes": 1440})
    raw = log.records.assign(time=log.records["slot"] * 15 // 1440 * 1440)
    counter = raw[raw["kind"] == "people_counter"].groupby(["time", "zone"])["value"].sum()
    released = out.aggregates["people_counter"].set_index(["time", "unit"])["count"]
    assert np.allclose(released.sort_index().to_numpy(), counter.sort_index().to_numpy())
    env = raw[raw["kind"] == "env_iot"].groupby(["time", "zone"])["value"].agg(["size", "mean"])
    released_env = out.aggregates["env_iot"].set_index(["time", "unit"]).sort_index()
    assert np.array_equal(released_env["count"].to_numpy(), env["size"].sort_index().to_numpy())
    assert np.allclose(released_env["value"].to_numpy(), env["mean"].sort_index().to_numpy(), rtol=1e-5)


def test_aggregates_use_records_as_captured_and_count_anonymous_sightings():
    world = small_world()
    log = random_log(world, seed=3, kinds=("cctv",), per_kind=200)
    out = release(world, log, face_recognition={"match_threshold": 0.99}, retention={"days": {"cctv": 0}})
    assert len(out.records["cctv"]) == 0  # retention deleted every record, the aggregates remain
    raw = log.of_kind("cctv")
    match = raw["value"].to_numpy() >= np.float32(0.99)
    anonymous_sightings = int((~match).sum())  # templates deleted at capture: one sighting each
    matched_people = raw[match].assign(hour=raw["slot"] // 4).drop_duplicates(["hour", "zone", "token"])
    assert out.aggregates["cctv"]["count"].sum() == anonymous_sightings + len(matched_people)



def test_with_values_joins_each_cell_to_its_reading_in_any_order():
    counts = pd.DataFrame({"time": np.array([0, 0, 60, 120], np.int32), "unit": np.array([1, 2, 1, 3], np.int32),
                           "count": [3.0, 1.0, 2.0, 5.0]})
    values = pd.DataFrame({"time": np.array([60, 0, 120], np.int32), "unit": np.array([1, 1, 2], np.int32),
                           "value": [7.5, 1.5, 9.0]})  # not sorted; (120, 3) has no reading, (120, 2) no count
    expected = counts.merge(values, on=["time", "unit"], how="left")
    pd.testing.assert_frame_equal(with_values(counts, values), expected)
    pd.testing.assert_frame_equal(with_values(counts, values.sort_values(["time", "unit"])), expected)
