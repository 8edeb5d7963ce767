import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.controls.opt_out import _chosen
from tests.control_fixtures import random_log, release, small_world


@settings(max_examples=15, deadline=None)
@given(share=st.floats(0, 1), seed=st.integers(0, 500))
def test_opted_out_phones_never_appear_in_records_nor_aggregates(share, seed):
    world = small_world()
    log = random_log(world, seed=seed, kinds=("wifi_bt",))
    out = release(world, log, seed=seed, opt_out={"device_share": share})
    invisible = np.flatnonzero(_chosen(seed, "device", world.n_residents, share))
    assert not np.isin(out.record_truth["wifi_bt"], invisible).any()
    visible_records = (~np.isin(log.of_kind("wifi_bt")["resident"], invisible)).sum()
    assert len(out.records["wifi_bt"]) == visible_records
    # the aggregate counts only visible phones too: the total equals that of a log without the invisible ones
    kept_log = log.records[~np.isin(log.records["resident"], invisible)].reset_index(drop=True)
    kept = release(world, type(log)(records=kept_log, sensors=log.sensors, slot_minutes=log.slot_minutes))
    assert out.aggregates["wifi_bt"]["count"].sum() == kept.aggregates["wifi_bt"]["count"].sum()


def test_a_larger_share_opts_out_a_superset():
    small, large = _chosen(3, "device", 1000, 0.2), _chosen(3, "device", 1000, 0.5)
    assert (small <= large).all() and 150 < small.sum() < 250


def test_edge_counters_do_not_see_opted_out_phones_either():
    world = small_world()
    log = random_log(world, seed=4, kinds=("wifi_bt",))
    none = release(world, log, edge_aggregation={"kinds": ["wifi_bt"]})
    all_out = release(world, log, edge_aggregation={"kinds": ["wifi_bt"]}, opt_out={"device_share": 1.0})
    assert none.aggregates["wifi_bt"]["count"].sum() > 0
    assert all_out.aggregates["wifi_bt"]["count"].sum() == 0


def test_anonymous_cards_are_never_named():
    world = small_world()
    log = random_log(world, seed=5, kinds=("transit_card",))
    raw = {"enabled": False}
    named = release(world, log, pseudonymisation=raw)
    anonymous = release(world, log, pseudonymisation=raw, opt_out={"anonymous_card_share": 1.0})
    assert named.records["transit_card"]["named"].any()
    assert not anonymous.records["transit_card"]["named"].any()
    assert "transit_card" not in anonymous.identified


def test_opted_out_meters_report_one_daily_total_each():
    world = small_world(days=2)
    log = random_log(world, seed=6, kinds=("smart_meter",), per_kind=500)
    out = release(world, log, pseudonymisation={"enabled": False}, opt_out={"meter_share": 1.0})
    frame = out.records["smart_meter"]
    assert (frame["time"] % 1440 == 0).all()
    assert not frame.duplicated(["pseudonym", "time"]).any()
    raw = log.of_kind("smart_meter")
    assert np.isclose(frame["value"].sum(), raw["value"].sum(), rtol=1e-5)
    per_day = raw.assign(day=raw["slot"] * 15 // 1440).groupby(["token", "day"])["value"].sum()
    assert len(frame) == len(per_day)
