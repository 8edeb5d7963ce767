"""Breach exposure: shorter retention never exposes more."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.exposure import risk_exposure
from tests.risk_fixtures import make_config, make_context, make_release, make_world

WORLD = make_world(50, 3, seed=2)
RELEASE = make_release(WORLD)


def with_retention(days: float):
    config = make_config()
    retention = config.controls.retention.model_copy(update={"days": {k: days for k in ("wifi_bt", "anpr", "cctv")}})
    controls = config.controls.model_copy(update={"retention": retention})
    return config.model_copy(update={"controls": controls})


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 4.0), st.floats(0.0, 4.0))
def test_shorter_retention_never_increases_exposure(a, b):
    short, long = sorted((a, b))
    low = risk_exposure(make_context(WORLD, RELEASE, with_retention(short)))
    high = risk_exposure(make_context(WORLD, RELEASE, with_retention(long)))
    assert low.extra["risk_exposure_resident_days"] <= high.extra["risk_exposure_resident_days"]
    assert 0.0 <= low.value <= high.value <= 1.0


def test_full_retention_of_daily_sightings_exposes_every_resident_day():
    result = risk_exposure(make_context(WORLD, make_release(WORLD, detect=0.9)))
    assert result.value == 1.0
    assert result.extra["risk_exposure_resident_days"] == 50 * 3


def test_one_day_retention_keeps_only_the_last_day():
    result = risk_exposure(make_context(WORLD, make_release(WORLD, detect=0.9), with_retention(1.0)))
    assert result.extra["risk_exposure_resident_days"] == 50
