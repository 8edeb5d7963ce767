import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.controls.generalisation import block_units, generalise
from tests.control_fixtures import random_log, release, small_world


def points(frame, truth):
    return set(zip(truth.tolist(), frame["unit"].tolist(), frame["time"].tolist(), strict=True))


@settings(max_examples=15, deadline=None)
@given(block=st.integers(1, 8), bin_minutes=st.sampled_from([15, 30, 60, 120, 360, 1440]),
       seed=st.integers(0, 500))
def test_generalisation_never_increases_distinct_unit_time_points(block, bin_minutes, seed):
    world = small_world()
    log = random_log(world, seed=seed, per_kind=200, kinds=("wifi_bt", "anpr"))
    fine = release(world, log, generalisation={"spatial_block_zones": 1, "temporal_bin_minutes": 15})
    coarse = release(world, log, generalisation={"spatial_block_zones": block, "temporal_bin_minutes": bin_minutes})
    for kind in fine.records:
        fine_points = points(fine.records[kind], fine.record_truth[kind])
        coarse_points = points(coarse.records[kind], coarse.record_truth[kind])
        assert len(coarse_points) <= len(fine_points)
        per_person_fine = {}
        for person, *_ in fine_points:
            per_person_fine[person] = per_person_fine.get(person, 0) + 1
        for person, count in {p: sum(1 for q in coarse_points if q[0] == p) for p, *_ in coarse_points}.items():
            assert count <= per_person_fine[person]
        assert len(coarse.aggregates[kind]) <= len(fine.aggregates[kind])
    assert coarse.time_bin_minutes == bin_minutes


def test_block_units_merge_b_by_b_zones():
    world = small_world()
    city = world.city
    units = block_units(city, 3)
    x, y = city.zones["x"].to_numpy(), city.zones["y"].to_numpy()
    for zone_a in range(city.n_zones):
        same = units == units[zone_a]
        assert ((x[same] // 3 == x[zone_a] // 3) & (y[same] // 3 == y[zone_a] // 3)).all()
    assert len(np.unique(units)) == (-(-city.width // 3)) * (-(-city.height // 3))
    assert np.array_equal(block_units(city, 1), np.arange(city.n_zones))


def test_released_units_follow_the_blocks():
    world = small_world()
    log = random_log(world, seed=3, kinds=("wifi_bt",))
    out = release(world, log, generalisation={"spatial_block_zones": 4, "temporal_bin_minutes": 120})
    assert np.array_equal(out.units, block_units(world.city, 4))
    expected_units = out.units[log.of_kind("wifi_bt")["zone"].to_numpy()]
    assert np.array_equal(out.records["wifi_bt"]["unit"].to_numpy(), expected_units)
    assert (out.records["wifi_bt"]["time"] % 120 == 0).all()


@given(block=st.integers(1, 4), bin_minutes=st.sampled_from([15, 60]))
def test_generalise_maps_zones_to_their_units_and_shares_the_zone_column_when_they_are_the_same(block, bin_minutes):
    world = small_world()
    units = block_units(world.city, block)
    zone = np.arange(world.city.n_zones, dtype=np.int32)[::-1].copy()
    table = {"zone": zone, "time": np.arange(zone.size, dtype=np.int64) * 7}
    out = generalise(table, units, bin_minutes)
    assert np.array_equal(out["unit"], units[zone])
    assert np.array_equal(out["time"], table["time"] // bin_minutes * bin_minutes)
    assert (out["unit"] is zone) == (block == 1)
