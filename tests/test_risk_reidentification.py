"""Home/work re-identification (Golle and Partridge) and its known-points variant."""

from __future__ import annotations

import numpy as np

from simulation.metrics.risk.reidentification import risk_reidentification, top_locations
from simulation.metrics.risk.traces import traces_of
from tests.risk_fixtures import make_config, make_context, make_release, make_world
from tests.risk_shuffle import shuffled_truth

WORLD = make_world(80, 2, seed=9)


def test_fine_home_work_pairs_single_people_out():
    result = risk_reidentification(make_context(WORLD, make_release(WORLD, detect=0.8)))
    assert result.value > 0.5
    assert (result.breakdown["median_anonymity_set"] >= 1).all()


def test_coarse_units_grow_anonymity_sets_and_lower_risk():
    fine = risk_reidentification(make_context(WORLD, make_release(WORLD, detect=0.8)))
    coarse = risk_reidentification(make_context(WORLD, make_release(WORLD, detect=0.8, block=6)))
    assert coarse.value < fine.value
    assert coarse.breakdown["median_anonymity_set"].max() > fine.breakdown["median_anonymity_set"].max()


def test_hourly_keys_hide_home_and_work_in_different_traces():
    ctx = make_context(WORLD, make_release(WORLD, rotation="hourly", readable=["wifi_bt"]))
    assert risk_reidentification(ctx).value == 0.0


def test_known_points_attack_needs_more_points_to_do_better():
    release = make_release(WORLD, rotation="daily")
    few = risk_reidentification(make_context(WORLD, release, make_config(known_points=1, knows_home_work=False)))
    many = risk_reidentification(make_context(WORLD, release, make_config(known_points=4, knows_home_work=False)))
    assert few.value < many.value <= 1.0


def test_inferred_top_locations_do_not_depend_on_the_truth():
    release = make_release(WORLD)
    shuffled = shuffled_truth(release, seed=2)
    for kind in release.records:
        ours = top_locations(traces_of(release, kind), 0)
        again = top_locations(traces_of(shuffled, kind), 0)
        assert all(np.array_equal(x, y) for x, y in zip(ours, again, strict=True))
    assert risk_reidentification(make_context(WORLD, shuffled)).value < \
        risk_reidentification(make_context(WORLD, release)).value
