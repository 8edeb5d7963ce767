import math

import pytest

from dashboard.formatting import format_change, format_value


@pytest.mark.parametrize("name, value, shown", [
    ("utility_overall", 0.724, "72%"),
    ("risk_unicity", 0.0, "0%"),
    ("risk_face_false_alerts_per_10k", 3.44, "3.4"),
    ("risk_exposure", 0.7, "70%"),
    ("risk_exposure_resident_days", 12345.6, "12,346"),
    ("risk_overall", math.nan, "n/a"),
])
def test_values(name, value, shown):
    assert format_value(name, value) == shown


@pytest.mark.parametrize("name, value, reference, shown", [
    ("utility_overall", 0.75, 0.70, "+5 pts"),
    ("risk_overall", 0.30, 0.52, "-22 pts"),
    ("risk_overall", 0.301, 0.30, "no change"),
    ("risk_face_false_alerts_per_10k", 1.0, 3.5, "-2.5"),
    ("risk_exposure_resident_days", 1000.0, 5000.0, "-4,000"),
    ("utility_overall", 0.5, math.nan, None),
])
def test_changes(name, value, reference, shown):
    assert format_change(name, value, reference) == shown


def test_scale_overrides_from_the_environment():
    from dashboard.settings import scale_overrides

    assert scale_overrides({}) == {}
    assert scale_overrides({"DASHBOARD_RESIDENTS": "200", "DASHBOARD_DAYS": "1"}) == {
        "population": {"residents": 200}, "world": {"days": 1}}
    with pytest.raises(ValueError, match="DASHBOARD_DAYS must be a whole number"):
        scale_overrides({"DASHBOARD_DAYS": "two"})
