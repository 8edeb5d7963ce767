"""Linkage: co-occurrence links pseudonyms to plates where the access policy lets the two meet."""

from __future__ import annotations

import numpy as np

from simulation.metrics.risk.linkage import co_occurrence_links, risk_linkage
from simulation.metrics.risk.traces import traces_of
from tests.risk_fixtures import make_config, make_context, make_release, make_world
from tests.risk_shuffle import shuffled_truth

WORLD = make_world(60, 2, seed=8)


def test_dense_co_occurrence_links_most_traces_correctly():
    result = risk_linkage(make_context(WORLD, make_release(WORLD, detect=0.9)))
    assert result.value > 0.5
    assert set(result.breakdown["identified"]) == {"anpr", "cctv"}


def test_no_link_when_the_role_cannot_read_both():
    police = make_context(WORLD, make_release(WORLD), make_config(role="police"))
    assert risk_linkage(police).value == 0.0
    only_wifi = make_context(WORLD, make_release(WORLD, readable=["wifi_bt"]))
    assert risk_linkage(only_wifi).value == 0.0


def test_coarsening_lowers_linkage():
    fine = risk_linkage(make_context(WORLD, make_release(WORLD, rotation="daily"))).value
    coarse = risk_linkage(make_context(WORLD, make_release(WORLD, rotation="daily", block=3, time_bin=720))).value
    assert coarse < fine


def test_links_do_not_depend_on_the_truth():
    release = make_release(WORLD)
    shuffled = shuffled_truth(release, seed=3)
    links = co_occurrence_links(traces_of(release, "wifi_bt"), traces_of(release, "anpr"))
    again = co_occurrence_links(traces_of(shuffled, "wifi_bt"), traces_of(shuffled, "anpr"))
    assert all(np.array_equal(x, y) for x, y in zip(links, again, strict=True))
    assert risk_linkage(make_context(WORLD, shuffled)).value < risk_linkage(make_context(WORLD, release)).value
