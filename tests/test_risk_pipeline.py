"""Risk metrics on real tiny runs of the whole pipeline."""

from __future__ import annotations

import pytest

from simulation.metrics.base import AssessmentContext
from simulation.metrics.risk import RISK_METRICS
from simulation.pipeline import run
from simulation.scenario import SENSOR_KINDS
from tests.conftest import tiny_config


def test_every_risk_outcome_is_reported_and_shares_lie_in_unit_interval(tiny_run):
    outcomes = tiny_run.outcomes
    for name in RISK_METRICS:
        assert name in outcomes
        if name != "risk_face_false_alerts_per_10k":
            assert 0.0 <= outcomes[name] <= 1.0, name
    assert outcomes["risk_unicity"] > 0.0
    assert outcomes["risk_exposure"] > 0.0


def test_risk_breakdowns_name_readable_datasets(tiny_run):
    ctx = AssessmentContext(tiny_run.world, tiny_run.log, tiny_run.release, tiny_run.config)
    readable = set(tiny_run.release.visible_to(tiny_run.config.adversary.role))
    for name in ("risk_unicity", "risk_reidentification", "risk_tracking"):
        assert set(RISK_METRICS[name](ctx).breakdown["dataset"]) <= readable


@pytest.mark.slow
def test_edge_aggregation_of_every_kind_zeroes_tracking_and_linkage():
    config = tiny_config(population={"residents": 150}, world={"days": 1},
                         controls={"edge_aggregation": {"kinds": list(SENSOR_KINDS)}})
    outcomes = run(config).outcomes
    assert outcomes["risk_tracking"] == 0.0
    assert outcomes["risk_linkage"] == 0.0
    assert outcomes["risk_unicity"] == 0.0
