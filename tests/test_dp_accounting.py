"""Person-level privacy accounting: what each noised table costs one resident, and the release's total."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.controls import dp_accounting as accounting
from simulation.controls.aggregation import daily_total_runs
from simulation.controls.pipeline import apply_controls
from simulation.release import NoisedTable
from tests.control_fixtures import SENSOR_NAMES, random_log, real_log, release, scenario, small_world

DP = {"enabled": True, "epsilon": 1.0, "max_contributions": 4}


def noised(world, log, **controls):
    return release(world, log, differential_privacy={**DP, **controls.pop("dp", {})}, **controls)


def test_without_differential_privacy_nothing_is_noised_and_the_total_is_zero():
    world = small_world()
    out = release(world, random_log(world, seed=1, kinds=("anpr", "wifi_bt")))
    assert out.noised == {} and out.epsilon_total == 0.0 and not out.has_guarantee
    assert out.noised_frame().empty


def test_the_total_is_the_sum_of_the_tables_and_formal_tables_cost_their_budget():
    world = small_world()
    log = random_log(world, seed=2, kinds=("anpr", "transit_card", "wifi_bt"))
    out = noised(world, log, dp={"epsilon": 0.5})
    assert set(out.noised) == {"anpr", "transit_card", "wifi_bt"}
    assert out.epsilon_total == pytest.approx(sum(t.epsilon for t in out.noised.values()))
    for table in out.noised.values():  # random_log gives every resident one fixed token per kind
        assert table.formal and table.bounded and table.identifiers_per_person == 1
        assert table.epsilon == pytest.approx(0.5) and table.worst_contribution <= 4
    frame = out.noised_frame()
    assert list(frame["kind"]) == list(out.noised) and (frame["kept_share"] <= 1).all()


def test_anonymous_sightings_cost_what_the_most_counted_resident_implies():
    """Without face recognition, camera sightings carry no identifier: nothing bounds them."""
    world = small_world()
    log = random_log(world, seed=3, per_kind=900, kinds=("cctv",))
    records = log.records.assign(token=np.int64(-1), value=np.float32("nan"))  # cameras without face recognition
    log = dataclasses.replace(log, records=records)
    config = scenario(world, sensors=[{"kind": "cctv", "name": SENSOR_NAMES["cctv"]}], differential_privacy=DP)
    out = apply_controls(world, log, config)
    table = out.noised["cctv"]
    worst = records["resident"].value_counts().max()  # each sighting adds one to its cell
    assert not table.formal and not table.bounded and table.worst_contribution == worst > DP["max_contributions"]
    assert table.epsilon == pytest.approx(DP["epsilon"] * worst / DP["max_contributions"])
    assert "no formal guarantee" in out.audit.loc[out.audit["control"] == "differential_privacy", "note"].item()


def test_head_counts_take_the_most_the_sampling_plan_allows():
    world = small_world(days=2)
    log = random_log(world, seed=4, kinds=("people_counter",), devices_per_kind=3)
    out = noised(world, log)
    per_zone = log.sensors.groupby("zone").size().max()
    instants = 2 * 1440 / 15  # default 15-minute sampling over two days
    assert out.noised["people_counter"].worst_contribution == pytest.approx(per_zone * instants)
    edge = noised(world, log, edge_aggregation={"kinds": ["people_counter"]})
    assert edge.noised["people_counter"].worst_contribution == pytest.approx(per_zone * 2 * 24)  # hourly bins


def test_a_phone_with_a_new_address_each_day_is_several_identifiers():
    world = small_world(n=120, days=3)
    log, config = real_log(world)
    out = noised(world, log)
    wifi = log.of_kind("wifi_bt")
    most = wifi.groupby("resident")["token"].nunique().max()
    assert most > 1  # the commuter world has phones that randomise their address
    table = out.noised["wifi_bt"]
    assert table.identifiers_per_person == most and not table.formal
    budgets = accounting.budget_split(1.0, True, False)
    assert table.epsilon == pytest.approx(accounting.table_epsilon(budgets, table.worst_contribution, 4, most))
    assert table.epsilon > 1.0


def test_meter_readings_are_noised_and_value_times_count_is_the_noisy_sum():
    world = small_world(n=120, days=2)
    log, _ = real_log(world)
    exact = release(world, log)
    loose = noised(world, log, dp={"epsilon": 20.0, "max_contributions": 1000})
    table = loose.noised["smart_meter"]
    assert table.reading_scale > 0 and table.kept_share == pytest.approx(1.0)
    merged = exact.aggregates["smart_meter"].merge(loose.aggregates["smart_meter"], on=["time", "unit"],
                                                   suffixes=("_exact", "_dp"))
    sums_exact = (merged["value_exact"] * merged["count_exact"]).sum()
    sums_dp = (merged["value_dp"] * merged["count_dp"]).sum()
    noise_sd = np.sqrt(2 * len(loose.aggregates["smart_meter"])) * table.reading_scale
    assert abs(sums_dp - sums_exact) < 5 * noise_sd
    others = loose.aggregates["wifi_bt"]["value"]
    assert others.isna().all()  # values that only restate a count are withheld


def test_the_kept_share_estimates_what_bounding_kept():
    world = small_world(n=120, days=2)
    log, _ = real_log(world)
    out = noised(world, log, dp={"epsilon": 20.0, "max_contributions": 3})
    table = out.noised["smart_meter"]  # a meter adds to every bin: most is dropped
    audit = out.audit[(out.audit["control"] == "differential_privacy") & (out.audit["dataset"] == "smart_meter")]
    clipped, total = audit["contributions_clipped"].item(), audit["rows_in"].item()
    truly_kept = (total - clipped) / total
    assert truly_kept < 0.5
    assert table.kept_share == pytest.approx(truly_kept, rel=0.15)


@settings(max_examples=40, deadline=None)
@given(kept=st.floats(-1e4, 1e6), dropped=st.floats(-1e4, 1e6), m=st.integers(1, 50), cap=st.integers(1, 700))
def test_the_kept_share_lies_between_its_floor_and_one(kept, dropped, m, cap):
    table = NoisedTable(kind="x", epsilon=1.0, budget=1.0, count_scale=1.0, reading_scale=0.0, dropped_scale=1.0,
                        max_contributions=m, bounded=True, formal=True, worst_contribution=1.0,
                        identifiers_per_person=1, kept_total=kept, dropped=dropped, cap=cap)
    assert m / (m + cap) <= table.kept_share <= 1.0


def test_daily_totals_are_spread_over_their_day_and_keep_their_sum():
    table = {"time": np.array([0, 1440, 60], np.int32), "unit": np.array([3, 3, 3], np.int32),
             "sensor": np.array([0, 0, 0], np.int32), "value": np.array([48.0, 24.0, 1.0], np.float32),
             "reading_minutes": np.array([1440, 1440, 0], np.int16), "person": np.array([5, 5, 6]),
             "resident": np.array([9, 9, 4], np.int32)}
    others, runs = daily_total_runs(table, np.array([30]), 60)
    assert others["time"].tolist() == [60] and others["value"].tolist() == [1.0]
    frame = pd.DataFrame(runs)
    assert frame.groupby(frame["time"] // 1440)["value"].sum().tolist() == [48.0, 24.0]
    assert (frame["readings"] == 2).all() and len(frame) == 48  # 24 hourly bins a day, two readings in each
    assert set(frame["person"]) == {5} and set(frame["resident"]) == {9}
    _, quarter = daily_total_runs(table, np.array([30]), 15)  # a reading every other 15-minute bin
    assert len(quarter["time"]) == 96 and quarter["value"].sum() == pytest.approx(72.0)
    assert daily_total_runs({**table, "reading_minutes": np.zeros(3, np.int16)}, np.array([30]), 60) is None


def test_budget_split_spends_the_whole_epsilon():
    for bounded in (False, True):
        for readings in (False, True):
            assert sum(accounting.budget_split(2.0, bounded, readings)) == pytest.approx(2.0)
    assert accounting.budget_split(1.0, False, False) == (1.0, 0.0, 0.0)
