"""Sensitive-place inference: visits exposed through identified or attributed records."""

from __future__ import annotations

from simulation.metrics.risk.sensitive import risk_sensitive_inference, sensitive_visits
from tests.risk_fixtures import make_config, make_context, make_release, make_world

WORLD = make_world(60, 2, seed=11)


def test_identified_sightings_expose_sensitive_visits():
    ctx = make_context(WORLD, make_release(WORLD, detect=0.9))
    assert sensitive_visits(ctx).size > 0
    assert risk_sensitive_inference(ctx).value > 0.5


def test_unattributed_pseudonyms_expose_nothing():
    release = make_release(WORLD, rotation="hourly", readable=["wifi_bt"])
    assert risk_sensitive_inference(make_context(WORLD, release)).value == 0.0


def test_police_without_pseudonymous_data_still_see_plates():
    ctx = make_context(WORLD, make_release(WORLD, detect=0.9), make_config(role="police"))
    breakdown = risk_sensitive_inference(ctx).breakdown
    assert set(breakdown["dataset"]) == {"anpr", "cctv"}
