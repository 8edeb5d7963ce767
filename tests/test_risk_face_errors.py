"""Face-recognition false alerts per 10,000 faces, by group."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.face_errors import risk_face_false_alerts_per_10k
from tests.risk_fixtures import make_config, make_context, make_release, make_world

WORLD = make_world(60, 2, seed=12)
WATCHLIST = np.array([0, 1, 2])


def context(threshold: float, face_recognition: bool = True):
    release = make_release(WORLD, watchlist=WATCHLIST, threshold=threshold)
    return make_context(WORLD, release, make_config(face_recognition=face_recognition, threshold=threshold),
                        watchlist=WATCHLIST)


@settings(max_examples=15, deadline=None)
@given(st.floats(0.3, 0.99), st.floats(0.3, 0.99))
def test_a_higher_threshold_never_raises_more_false_alerts(a, b):
    low, high = sorted((a, b))
    assert risk_face_false_alerts_per_10k(context(high)).value <= risk_face_false_alerts_per_10k(context(low)).value


def test_rate_and_group_breakdown_agree():
    result = risk_face_false_alerts_per_10k(context(0.5))
    table = result.breakdown
    assert result.value == 10_000 * table["false_alerts"].sum() / table["faces"].sum()
    assert abs(table["share_of_false_alerts"].sum() - 1.0) < 1e-9
    assert set(table["group"]) == {"A", "B"}


def test_zero_without_face_recognition():
    assert risk_face_false_alerts_per_10k(context(0.5, face_recognition=False)).value == 0.0
