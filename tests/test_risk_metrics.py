"""Every registered risk metric: names, bounds, and zero risk when only aggregates leave the sensors."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.metrics.risk import RISK_METRICS
from tests.risk_fixtures import make_config, make_context, make_release, make_world

SHARES = [name for name in RISK_METRICS if name != "risk_face_false_alerts_per_10k"]
WORLD = make_world(80, 2, seed=4)


def test_registry_names():
    assert set(RISK_METRICS) == {"risk_unicity", "risk_reidentification", "risk_tracking", "risk_identified",
                                 "risk_linkage", "risk_sensitive_inference", "risk_exposure",
                                 "risk_face_false_alerts_per_10k"}


@pytest.mark.parametrize("rotation", ["never", "daily", "hourly"])
@pytest.mark.parametrize("knows_home_work", [True, False])
def test_shares_lie_in_unit_interval(rotation, knows_home_work):
    ctx = make_context(WORLD, make_release(WORLD, rotation=rotation),
                       make_config(knows_home_work=knows_home_work))
    for name in SHARES:
        result = RISK_METRICS[name](ctx)
        assert result.name == name
        assert 0.0 <= result.value <= 1.0, name


def test_records_released_to_the_operator_carry_risk():
    ctx = make_context(WORLD, make_release(WORLD))
    for name in ("risk_unicity", "risk_reidentification", "risk_tracking", "risk_linkage", "risk_exposure"):
        assert RISK_METRICS[name](ctx).value > 0.0, name


def test_edge_aggregation_drives_record_risks_to_zero():
    ctx = make_context(WORLD, make_release(WORLD, edge=True))
    for name in RISK_METRICS:
        assert RISK_METRICS[name](ctx).value == 0.0, name


def test_a_party_without_record_access_sees_no_traces():
    ctx = make_context(WORLD, make_release(WORLD), make_config(role="public"))
    for name in ("risk_unicity", "risk_reidentification", "risk_tracking", "risk_linkage",
                 "risk_sensitive_inference"):
        assert RISK_METRICS[name](ctx).value == 0.0, name
    assert RISK_METRICS["risk_exposure"](ctx).value > 0.0  # a breach ignores the access policy


def test_metrics_are_deterministic():
    values = [[RISK_METRICS[name](make_context(WORLD, make_release(WORLD, rotation="daily"))).value
               for name in RISK_METRICS] for _ in range(2)]
    assert np.array_equal(values[0], values[1])
