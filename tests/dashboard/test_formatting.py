import math

import pytest

from dashboard.formatting import epsilon_line, format_change, format_value
from simulation.release import NoisedTable


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


def _table(kind: str, epsilon: float, formal: bool) -> NoisedTable:
    return NoisedTable(kind=kind, epsilon=epsilon, budget=1.0, count_scale=10.0, reading_scale=0.0,
                       dropped_scale=40.0, max_contributions=8, bounded=formal, formal=formal,
                       worst_contribution=8.0, identifiers_per_person=1, kept_total=100.0, dropped=10.0, cap=24)


def test_the_epsilon_line_gives_the_total_and_says_which_tables_are_no_guarantee():
    noised = {"anpr": _table("anpr", 1.0, True), "cctv": _table("cctv", 26.75, False)}
    line = epsilon_line(noised, dp_enabled=True, records_released=False)
    assert "**27.8**" in line and "2 noised tables" in line and "1 of them" in line
    assert "records" not in line
    assert "published counts only" in epsilon_line(noised, dp_enabled=True, records_released=True)
    assert "cannot bound" not in epsilon_line({"anpr": noised["anpr"]}, dp_enabled=True, records_released=False)


def test_the_epsilon_line_says_there_is_no_guarantee_with_differential_privacy_off():
    line = epsilon_line({}, dp_enabled=False, records_released=True)
    assert line.startswith("Differential privacy is off") and "no formal privacy guarantee" in line


def test_the_total_epsilon_reads_as_a_number_not_a_share():
    assert format_value("risk_dp_epsilon_total", 120.75) == "121"
    assert format_value("risk_dp_epsilon_total", 7.0) == "7.0"
    assert format_change("risk_dp_epsilon_total", 7.0, 0.0) == "+7.0"
