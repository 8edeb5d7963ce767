"""Risk at the real population: the logit-log fit, the measured sizes, the CLI command."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.cli import main
from simulation.extrapolation import at_size, extrapolate, fit_logit_log, simulated_sizes
from simulation.pipeline import run, stage_key
from tests.conftest import tiny_config


def logistic(a: float, b: float, n: float) -> float:
    return 1.0 / (1.0 + math.exp(-(a + b * math.log(n))))


def test_the_fit_recovers_a_logit_log_curve():
    sizes = [1250, 2500, 5000, 10000]
    fit = fit_logit_log(sizes, [logistic(4.0, -0.5, n) for n in sizes])
    assert fit.slope == pytest.approx(-0.5, abs=1e-9) and fit.intercept == pytest.approx(4.0, abs=1e-9)
    assert fit.max_residual < 1e-12
    assert fit.predict(800_000) == pytest.approx(logistic(4.0, -0.5, 800_000), rel=1e-9)


def test_a_share_that_is_zero_at_every_size_stays_zero():
    fit = fit_logit_log([100, 200, 400], [0.0, 0.0, 0.0])
    assert fit.always_zero and fit.predict(1_000_000) == 0.0


def test_falling_shares_extrapolate_below_the_smallest_measured():
    fit = fit_logit_log([1000, 2000, 4000], [0.9, 0.85, 0.8])
    assert fit.slope < 0 and fit.predict(1_000_000) < 0.8


@settings(max_examples=60, deadline=None)
@given(shares=st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
       target=st.integers(10, 100_000_000))
def test_predictions_are_shares(shares, target):
    fit = fit_logit_log([500, 1000, 2000], shares)
    assert 0.0 <= fit.predict(target) <= 1.0
    assert 0.0 <= fit.max_residual <= 1.0


@pytest.mark.parametrize(("sizes", "shares", "message"), [
    ([100, 100], [0.5, 0.4], "two distinct"),
    ([100, 200], [0.5, 1.2], "[0, 1]"),
])
def test_bad_fits_are_refused_with_the_reason(sizes, shares, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        fit_logit_log(sizes, shares)


def test_the_real_population_changes_no_stage():
    config = tiny_config()
    stated = at_size(config, config.population.residents).model_copy(deep=True)
    stated.population.real_population = 250_000
    assert all(stage_key(config, s) == stage_key(stated, s) for s in (1, 2, 3, 4))


def test_simulated_sizes_are_fractions_of_the_scenario_at_least_ten():
    config = at_size(tiny_config(), 30)
    assert simulated_sizes(config) == [10, 15, 30]


def test_extrapolate_uses_the_outcomes_of_each_size():
    config = tiny_config()

    def outcomes_of(scenario):
        n = scenario.population.residents
        return {"risk_overall": logistic(2.0, -0.4, n), "risk_unicity": 0.0}

    result = extrapolate(config, real_population=1_000_000, sizes=[100, 200, 400], outcomes_of=outcomes_of)
    assert list(result.measured["residents"]) == [100, 200, 400]
    assert result.predicted() == pytest.approx(logistic(2.0, -0.4, 1_000_000), rel=1e-9)
    assert result.predicted("risk_unicity") == 0.0
    table = result.table()
    assert set(table["metric"]) == {"risk_overall", "risk_unicity"}
    assert "extrapolated_1000000" in table.columns and "simulated_400" in table.columns


def test_extrapolate_needs_a_real_population():
    with pytest.raises(ValueError, match="real_population"):
        extrapolate(tiny_config(), sizes=[100, 200], outcomes_of=lambda c: {"risk_overall": 0.5})


def test_the_simulated_size_row_is_the_run_itself():
    config = at_size(tiny_config(), 120)
    result = extrapolate(config, real_population=50_000, sizes=[60, 120])
    row = result.measured.set_index("residents").loc[120]
    outcomes = run(config).outcomes
    assert row["risk_overall"] == outcomes["risk_overall"] and row["risk_unicity"] == outcomes["risk_unicity"]
    assert 0.0 <= result.predicted() <= 1.0


def test_cli_extrapolate_prints_the_extrapolation_marked_as_such(tmp_path, capsys):
    out = tmp_path / "extrapolation.csv"
    code = main(["extrapolate", "gdpr_baseline", "--residents", "120", "--days", "1", "--sizes", "60,120",
                 "--to", "800000", "--out", str(out), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "800,000 EXTRAPOLATED" in printed and "not a simulation" in printed
    assert out.read_text().startswith("metric,simulated_60,simulated_120,extrapolated_800000")


def test_cli_extrapolate_without_a_population_is_a_clear_message(capsys):
    assert main(["extrapolate", "gdpr_baseline", "--residents", "60", "--days", "1", "--sizes", "30,60",
                 "--quiet"]) != 0
    assert "population.real_population" in capsys.readouterr().err


def test_cli_rejects_bad_sizes(capsys):
    with pytest.raises(SystemExit):
        main(["extrapolate", "gdpr_baseline", "--sizes", "5"])
    assert "--sizes" in capsys.readouterr().err
