"""The export page's downloads: a scenario file that reproduces the results, tables with their manifest."""

import io
import json
import zipfile

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard import downloads
from dashboard.methods import metric_docs
from simulation.pipeline import run
from simulation.scenario_io import dump_scenario, parse_scenario


def test_scenario_file_loads_back_to_identical_results(tiny_run):
    reloaded = parse_scenario(dump_scenario(tiny_run.config))
    assert reloaded == tiny_run.config
    assert run(reloaded).outcomes == tiny_run.outcomes


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_results_zip_holds_results_breakdowns_manifest_and_scenario(tiny_run, fmt):
    archive = zipfile.ZipFile(io.BytesIO(downloads.results_zip(tiny_run, fmt)))
    names = set(archive.namelist())
    breakdowns = {f"breakdown_{name}.{fmt}" for name in tiny_run.assessment.breakdowns}
    assert names == {f"results.{fmt}", "manifest.json", "scenario.yaml", f"sensors.{fmt}",
                     "data_dictionary.csv"} | breakdowns
    dictionary = pd.read_csv(io.BytesIO(archive.read("data_dictionary.csv")))
    assert {"utility_overall", "risk_overall"} <= set(dictionary["column"])
    raw = archive.read(f"results.{fmt}")
    results = pd.read_csv(io.BytesIO(raw)) if fmt == "csv" else pq.read_table(io.BytesIO(raw)).to_pandas()
    assert results["utility_overall"].iloc[0] == pytest.approx(tiny_run.outcomes["utility_overall"])
    assert results["risk_overall"].iloc[0] == pytest.approx(tiny_run.outcomes["risk_overall"])
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["seed"] == tiny_run.config.seed
    assert parse_scenario(manifest["scenario_yaml"]) == tiny_run.config
    assert parse_scenario(archive.read("scenario.yaml")) == tiny_run.config


@pytest.mark.parametrize("kind, first", [("utility", "utility_crowd"), ("risk", "risk_unicity")])
def test_methods_page_documents_every_registered_metric(kind, first):
    docs = metric_docs(kind)
    assert docs[0].outcome == first and len(docs) >= 6
    assert all(doc.definition and doc.background and doc.label for doc in docs)


def test_methods_page_shows_cross_references_as_plain_code():
    from dashboard.methods import prose

    text = prose("Estimate from :func:`estimate_crowd` and :mod:`~simulation.release`.\n\nArgs:\n    x: ignored")
    assert text == "Estimate from `estimate_crowd` and `simulation.release`."
    for kind in ("utility", "risk"):
        assert not any(":func:`" in doc.definition + doc.background for doc in metric_docs(kind))
