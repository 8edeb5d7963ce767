"""Utility per service: bounds, exact cases, estimators blind to the truth, and the trade-off directions."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.metrics.utility import UTILITY_METRICS
from simulation.metrics.utility.crowd import utility_crowd
from simulation.metrics.utility.energy import utility_energy
from simulation.metrics.utility.environment import utility_environment
from simulation.metrics.utility.transit import utility_transit
from simulation.scenario import SERVICES
from tests.utility_fixtures import estimates, run, sensors, shuffled

CONTROL_CASES = {
    "default": {},
    "raw": {"pseudonymisation": {"enabled": False}},
    "aggregates": {"release": {"level": "aggregates"}},
    "dp": {"release": {"level": "aggregates"}, "differential_privacy": {"enabled": True, "epsilon": 0.5}},
    "coarse": {"generalisation": {"spatial_block_zones": 2, "temporal_bin_minutes": 180}},
    "k": {"release": {"level": "aggregates"}, "k_suppression": {"k": 5}},
    "edge": {"edge_aggregation": {"kinds": ["people_counter", "wifi_bt", "cctv", "anpr"]}},
    "no_retention": {"retention": {"days": {kind: 0.0 for kind in
                                            ("cctv", "wifi_bt", "anpr", "transit_card", "smart_meter",
                                             "people_counter", "env_iot")}}},
}


def test_registry_has_one_metric_per_service():
    assert sorted(UTILITY_METRICS) == sorted(f"utility_{s}" for s in SERVICES)


@pytest.mark.parametrize("case", sorted(CONTROL_CASES))
def test_utilities_lie_in_unit_interval(case):
    ctx = run(**CONTROL_CASES[case]).context()
    for name, metric in UTILITY_METRICS.items():
        result = metric(ctx)
        assert result.name == name
        assert 0.0 <= result.value <= 1.0, (case, name, result.value)


def test_no_sensors_means_no_utility():
    ctx = run(sensor_list=[]).context()
    assert {name: metric(ctx).value for name, metric in UTILITY_METRICS.items()} == dict.fromkeys(UTILITY_METRICS,
                                                                                                    0.0)


def test_perfect_counters_everywhere_give_perfect_crowd_utility():
    ctx = run(sensor_list=sensors(kinds=("people_counter",), detection_probability=1.0)).context()
    assert utility_crowd(ctx).value == pytest.approx(1.0)


def test_released_records_give_exact_energy_environment_and_transit():
    ctx = run(sensor_list=sensors(kinds=("smart_meter", "env_iot", "transit_card")),
              pseudonymisation={"rotation": "never"}).context()
    assert utility_energy(ctx).value == pytest.approx(1.0)
    assert utility_environment(ctx).value == pytest.approx(1.0)
    assert utility_transit(ctx).value == pytest.approx(1.0)


@pytest.mark.parametrize("case", ["raw", "aggregates"])
def test_shuffling_true_residents_changes_no_estimate(case):
    ctx = run(**CONTROL_CASES[case]).context()
    before = estimates(ctx)
    after = estimates(shuffled(ctx, seed=11))
    assert any(len(owners) for owners in ctx.release.record_truth.values()) or case == "aggregates"
    for service in before:
        np.testing.assert_array_equal(before[service], after[service], err_msg=service)


def test_more_sensor_coverage_never_lowers_crowd_utility_much():
    values = [utility_crowd(run(sensor_list=sensors(zone_share=share, kinds=("people_counter", "cctv")))
                            .context()).value for share in (0.1, 0.3, 0.6, 1.0)]
    assert values[-1] > values[0]
    assert all(later >= earlier - 0.02 for earlier, later in zip(values, values[1:], strict=False)), values


def test_smaller_epsilon_lowers_crowd_utility():
    def crowd(epsilon: float) -> float:
        return utility_crowd(run(release={"level": "aggregates"},
                                 differential_privacy={"enabled": True, "epsilon": epsilon}).context()).value

    assert crowd(0.1) < crowd(1.0) < crowd(20.0)


def test_edge_aggregation_keeps_crowd_utility():
    records = utility_crowd(run().context()).value
    edge = utility_crowd(run(edge_aggregation={"kinds": ["people_counter", "cctv", "wifi_bt"]}).context()).value
    assert edge == pytest.approx(records, abs=0.02)


def test_spatial_generalisation_lowers_crowd_utility():
    fine = utility_crowd(run().context()).value
    coarse = utility_crowd(run(generalisation={"spatial_block_zones": 4}).context()).value
    assert coarse < fine


def test_public_safety_needs_named_records():
    named = UTILITY_METRICS["utility_public_safety"](run(pseudonymisation={"enabled": False}).context())
    counts_only = UTILITY_METRICS["utility_public_safety"](run(release={"level": "aggregates"}).context())
    assert named.value > 0.0
    assert counts_only.value == 0.0


def test_metrics_are_deterministic():
    first = {n: m(run().context()).value for n, m in UTILITY_METRICS.items()}
    second = {n: m(run().context()).value for n, m in UTILITY_METRICS.items()}
    assert first == second


def test_aggregates_kept_after_retention_keep_crowd_and_energy_utility():
    short = {"days": {kind: 1.0 for kind in ("people_counter", "cctv", "wifi_bt", "smart_meter")}}
    kept = run().context()
    deleted = run(retention=short).context()
    assert utility_crowd(deleted).value == pytest.approx(utility_crowd(kept).value, abs=0.05)
    assert utility_energy(deleted).value == pytest.approx(utility_energy(kept).value, abs=0.05)
    assert "aggregates" in utility_crowd(deleted).breakdown["source"].iloc[0]


def test_locate_answers_with_the_nearest_bin_and_its_most_seen_unit():
    import pandas as pd

    from simulation.metrics.utility.public_safety import locate
    from simulation.release import Release
    from tests.utility_fixtures import config_for, world

    plates = pd.DataFrame({"time": [0, 60, 60, 60, 300], "unit": [4, 8, 9, 9, 2], "pseudonym": [77, 77, 77, 77, 77],
                           "value": np.nan, "epoch": 0, "named": True})
    release = Release(records={"anpr": plates}, record_truth={"anpr": np.zeros(5, np.int32)}, aggregates={},
                      identified={"anpr"}, readable={"police": ["anpr"]}, units=np.arange(64), time_bin_minutes=60,
                      horizon_minutes=2880)
    identifiers = pd.DataFrame({"person": [0], "kind": ["anpr"], "token": [77]})
    config = config_for(world(), [], pseudonymisation={"enabled": False})
    answer, source = locate(release, identifiers, np.zeros(4, np.int64), np.array([20.0, 95.0, 330.0, 600.0]),
                            config)
    assert list(answer) == [4, 9, 2, -1]
    assert list(source) == ["anpr", "anpr", "anpr", ""]


def test_coarser_units_lose_zone_detail_but_keep_their_own_totals():
    def counters(breakdown):
        return breakdown.set_index("kind").loc["people_counter"]

    fine = counters(utility_crowd(run().context()).breakdown)
    coarse = counters(utility_crowd(run(generalisation={"spatial_block_zones": 2}).context()).breakdown)
    assert coarse["accuracy_released_units"] == pytest.approx(fine["accuracy"], abs=0.03)
    assert coarse["accuracy"] < coarse["accuracy_released_units"]
