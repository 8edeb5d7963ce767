"""Trace unicity of each released dataset (de Montjoye et al. 2013): coarser releases are less unique."""

from __future__ import annotations

from simulation.metrics.risk.unicity import trace_unicity
from tests.risk_fixtures import make_config, make_context, make_release, make_world

WORLD = make_world(120, 2, seed=10)


def test_headline_is_the_largest_dataset_unicity():
    result = trace_unicity(make_context(WORLD, make_release(WORLD)))
    assert result.value == result.breakdown["unicity"].max()
    assert set(result.breakdown["dataset"]) == {"wifi_bt", "anpr", "cctv"}


def test_more_known_points_single_out_more_traces():
    release = make_release(WORLD, block=2, time_bin=240)
    values = [trace_unicity(make_context(WORLD, release, make_config(known_points=p))).value for p in (1, 2, 4)]
    assert values[0] < values[1] <= values[2]


def test_strong_coarsening_lowers_unicity():
    fine = trace_unicity(make_context(WORLD, make_release(WORLD), make_config(known_points=2))).value
    coarse = trace_unicity(make_context(WORLD, make_release(WORLD, block=6, time_bin=1440),
                                       make_config(known_points=2))).value
    assert coarse < fine
