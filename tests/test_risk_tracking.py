"""Tracking: key rotation shortens traces; re-linking follows people; the attacker never reads the truth."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.traces import traces_of
from simulation.metrics.risk.tracking import link_chains, risk_tracking, tracking, unit_centroids
from tests.risk_fixtures import make_context, make_release, make_world
from tests.risk_shuffle import shuffled_truth

ORDER = ["never", "daily", "hourly"]


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 1000), st.integers(1, 3))
def test_rotating_keys_more_often_never_makes_traces_longer(seed, block):
    world = make_world(40, 2, seed=seed)
    values = []
    for rotation in ORDER:
        ctx = make_context(world, make_release(world, rotation=rotation, block=block, seed=seed,
                                               readable=["wifi_bt"]))
        values.append(tracking(ctx, link=False).value)
    assert values[0] >= values[1] >= values[2]


def test_relinking_never_loses_time_and_recovers_some():
    world = make_world(40, 2, seed=5)
    ctx = make_context(world, make_release(world, rotation="daily", detect=0.8, readable=["wifi_bt"]))
    linked, unlinked = risk_tracking(ctx), tracking(ctx, link=False)
    assert linked.value > unlinked.value
    row = linked.breakdown.iloc[0]
    assert row["rotations"] == 1 and 0.0 < row["link_accuracy"] <= 1.0


def test_links_do_not_depend_on_the_truth():
    world = make_world(60, 2, seed=6)
    release = make_release(world, rotation="hourly")
    zones = world.city.zones
    centroid = unit_centroids(zones["x"].to_numpy(float), zones["y"].to_numpy(float), release.units)
    chains = link_chains(traces_of(release, "wifi_bt"), centroid, 1.0)[0]
    shuffled = shuffled_truth(release, seed=1)
    assert np.array_equal(chains, link_chains(traces_of(shuffled, "wifi_bt"), centroid, 1.0)[0])
    assert risk_tracking(make_context(world, shuffled)).value < risk_tracking(make_context(world, release)).value
