import io
import json

import pandas as pd
import pytest

from simulation.export import breakdown_bytes, manifest, results_table_bytes, table_bytes
from simulation.scenario_io import parse_scenario


def test_manifest_reproduces_the_scenario(tiny_scenario):
    data = manifest(tiny_scenario)
    assert data["seed"] == tiny_scenario.seed
    assert parse_scenario(data["scenario_yaml"]) == tiny_scenario
    assert data["packages"]["mesa"] == "3.5.1"
    json.dumps(data)


def test_tables_round_trip_through_csv_and_parquet(tiny_run):
    from_csv = pd.read_csv(io.BytesIO(results_table_bytes(tiny_run, "csv")))
    from_parquet = pd.read_parquet(io.BytesIO(results_table_bytes(tiny_run, "parquet")))
    assert from_csv.loc[0, "utility_overall"] == pytest.approx(tiny_run.outcomes["utility_overall"])
    assert from_parquet.loc[0, "risk_overall"] == pytest.approx(tiny_run.outcomes["risk_overall"])
    name = sorted(tiny_run.assessment.breakdowns)[0]
    frame = pd.read_parquet(io.BytesIO(breakdown_bytes(tiny_run, name, "parquet")))
    assert len(frame) == len(tiny_run.assessment.breakdowns[name])


def test_unknown_breakdown_and_format_are_named(tiny_run):
    with pytest.raises(KeyError, match="available"):
        breakdown_bytes(tiny_run, "nope", "csv")
    with pytest.raises(ValueError, match="'csv' or 'parquet'"):
        table_bytes(pd.DataFrame({"a": [1]}), "xlsx")
