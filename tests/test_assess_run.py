"""Stage 4 on a real tiny run (the shared tiny scenario through all four stages)."""

from __future__ import annotations

import numpy as np

from simulation.metrics.base import AssessmentContext
from simulation.metrics.risk import RISK_METRICS
from simulation.metrics.utility import UTILITY_METRICS
from tests.utility_fixtures import estimates, shuffled


def _context(tiny_run) -> AssessmentContext:
    return AssessmentContext(world=tiny_run.world, log=tiny_run.log, release=tiny_run.release,
                             config=tiny_run.config)


def test_a_real_run_has_every_outcome_and_utilities_in_unit_interval(tiny_run):
    outcomes = tiny_run.outcomes
    assert set(UTILITY_METRICS) | set(RISK_METRICS) | {"utility_overall", "risk_overall"} <= set(outcomes)
    for name, value in outcomes.items():
        if name.startswith("utility_"):
            assert 0.0 <= value <= 1.0, (name, value)
    assert outcomes["utility_crowd"] > 0.0


def test_a_real_runs_estimates_ignore_who_the_records_belong_to(tiny_run):
    ctx = _context(tiny_run)
    before, after = estimates(ctx), estimates(shuffled(ctx, seed=5))
    for service in before:
        np.testing.assert_array_equal(before[service], after[service], err_msg=service)


def test_a_real_runs_row_carries_every_outcome(tiny_run):
    row = tiny_run.row()
    assert row["seed"] == tiny_run.config.seed
    for name, value in tiny_run.outcomes.items():
        assert row[name] == value
