"""The shared pieces of the utility estimators: the accuracy score and spreading released bins over hours."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from simulation.metrics.utility.released import ReleasedCells, spread_to_hours
from simulation.metrics.utility.score import accuracy

grids = arrays(np.float64, st.integers(1, 30), elements=st.floats(0, 1e4))


@given(grids, st.data())
def test_accuracy_lies_in_unit_interval_and_is_symmetric(truth, data):
    estimate = data.draw(arrays(np.float64, truth.shape, elements=st.floats(0, 1e4)))
    value = accuracy(estimate, truth)
    assert 0.0 <= value <= 1.0
    assert value == accuracy(truth, estimate)


@given(grids)
def test_accuracy_is_one_for_exact_estimates_and_zero_for_none(truth):
    assert accuracy(truth, truth) == 1.0
    if truth.sum() > 0:
        assert accuracy(np.zeros_like(truth), truth) == 0.0


@settings(max_examples=50)
@given(st.sampled_from([5, 15, 30, 60, 90, 180, 1440]), st.lists(st.floats(0, 100), min_size=1, max_size=20))
def test_spreading_totals_over_hours_keeps_every_amount(bin_minutes, masses):
    hours = 48
    n_bins = hours * 60 // bin_minutes
    time = (np.arange(len(masses)) % n_bins) * bin_minutes
    cells = ReleasedCells(unit=np.zeros(len(masses), np.int64), time=time, mass=np.array(masses), source="records")
    grid = spread_to_hours(cells, 1, bin_minutes, hours, "total")
    assert grid.sum() == np.float64(sum(masses)) or np.isclose(grid.sum(), sum(masses))


@settings(max_examples=50)
@given(st.sampled_from([15, 30, 60, 120, 1440]), st.floats(0, 100, allow_subnormal=False))
def test_a_constant_level_stays_constant_in_every_hour(bin_minutes, level):
    hours = 24
    time = np.arange(0, hours * 60, bin_minutes)
    cells = ReleasedCells(unit=np.zeros(len(time), np.int64), time=time, mass=np.full(len(time), level),
                          source="aggregates")
    for how in ("occupancy", "mean"):
        np.testing.assert_allclose(spread_to_hours(cells, 1, bin_minutes, hours, how), level)


def test_truth_grids_are_computed_once_per_world_and_match_a_fresh_count():
    from simulation.codes import HOME, MODE_CAR
    from simulation.metrics.utility.truth import clear_truth_grids, occupancy_truth, truth_grid
    from tests.utility_fixtures import world

    the_world = world()
    clear_truth_grids()
    first = truth_grid(the_world, "driving")
    assert truth_grid(the_world, "driving") is first
    np.testing.assert_array_equal(first, occupancy_truth(the_world, the_world.mode == MODE_CAR))
    out = truth_grid(the_world, "out_of_home")
    np.testing.assert_array_equal(out, occupancy_truth(the_world, the_world.activity != HOME))
    everyone = truth_grid(the_world, "everyone")
    assert everyone.sum(axis=0) == pytest.approx(the_world.n_residents)
    assert not first.flags.writeable
