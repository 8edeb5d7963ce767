"""``python -m simulation check-model``: the facts table, the files it writes and its exit codes."""

import pandas as pd

from simulation.cli import EXIT_FACTS_OUTSIDE, EXIT_OK, main
from simulation.validity import FAMILIES


def test_check_model_prints_and_writes_every_fact(tmp_path, capsys):
    code = main(["check-model", "gdpr_baseline", "--residents", "300", "--days", "2", "--no-png", "--quiet",
                 "--out", str(tmp_path)])
    out = capsys.readouterr().out
    table = pd.read_csv(tmp_path / "facts.csv")
    assert len(table) == sum(len(family.FACTS) for family in FAMILIES)
    assert {"published", "source", "tolerance", "ours", "verdict"} <= set(table.columns)
    assert set(table["verdict"]) <= {"within", "outside", "info"}
    assert code == (EXIT_FACTS_OUTSIDE if (table["verdict"] == "outside").any() else EXIT_OK)
    for fact in table["fact"]:
        assert fact in out
    html = (tmp_path / "plots.html").read_text()
    assert html.count("plotly-graph-div") >= len(table) and "Gonz" in html and "Unique in the Crowd" in html
    assert not list(tmp_path.glob("*.png"))


def test_check_model_refuses_an_unknown_scenario_readably(capsys):
    assert main(["check-model", "no_such_preset"]) == 1
    err = capsys.readouterr().err
    assert "no_such_preset" in err and "Traceback" not in err


def test_a_horizon_without_weekend_days_reports_no_weekend_figure(tmp_path, capsys):
    main(["check-model", "gdpr_baseline", "--residents", "300", "--days", "1", "--no-png", "--quiet",
          "--out", str(tmp_path)])
    table = pd.read_csv(tmp_path / "facts.csv").set_index("fact")
    detail = " ".join(table.loc[["trips_per_day", "time_at_home", "travel_minutes"], "detail"])
    assert "weekdays" in detail and "weekend" not in detail and "nan" not in detail
