import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.control_fixtures import random_log, release, small_world


def cells(frame):
    return set(zip(frame["time"], frame["unit"], strict=True))


@settings(max_examples=12, deadline=None)
@given(k_small=st.integers(0, 6), extra=st.integers(1, 6), dp=st.booleans(), seed=st.integers(0, 500))
def test_a_larger_k_never_releases_a_cell_a_smaller_k_suppressed(k_small, extra, dp, seed):
    world = small_world()
    log = random_log(world, seed=seed, per_kind=300, kinds=("wifi_bt", "cctv"))
    privacy = {"differential_privacy": {"enabled": dp, "epsilon": 2.0}}
    base = release(world, log, seed=seed, **privacy)
    small = release(world, log, seed=seed, k_suppression={"k": k_small}, **privacy)
    large = release(world, log, seed=seed, k_suppression={"k": k_small + extra}, **privacy)
    for kind in base.aggregates:
        everything = cells(base.aggregates[kind])
        assert cells(large.aggregates[kind]) <= cells(small.aggregates[kind]) <= everything
        suppressed_by_small = everything - cells(small.aggregates[kind])
        assert not suppressed_by_small & cells(large.aggregates[kind])


def test_released_cells_reach_k_and_the_audit_counts_what_went():
    world = small_world()
    log = random_log(world, seed=1, per_kind=800, kinds=("wifi_bt",), devices_per_kind=2)
    k = 3
    base = release(world, log)
    out = release(world, log, k_suppression={"k": k})
    kept = out.aggregates["wifi_bt"]
    assert (kept["count"] >= k).all()
    row = out.audit[out.audit["control"] == "k_suppression"].iloc[0]
    small = base.aggregates["wifi_bt"]["count"] < k
    assert row["cells_suppressed"] == small.sum() == len(base.aggregates["wifi_bt"]) - len(kept)
    assert row["rows_in"] == len(base.aggregates["wifi_bt"]) and row["rows_out"] == len(kept)
    mass = base.aggregates["wifi_bt"]["count"][small].sum()
    assert f"{mass:.1f}" in row["note"]


def test_k_of_one_suppresses_nothing():
    world = small_world()
    log = random_log(world, seed=2, kinds=("anpr",))
    base, one = release(world, log), release(world, log, k_suppression={"k": 1})
    assert len(base.aggregates["anpr"]) == len(one.aggregates["anpr"])
    assert np.array_equal(base.aggregates["anpr"]["count"], one.aggregates["anpr"]["count"])
