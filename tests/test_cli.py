import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.scenario_io import dump_scenario, load_scenario
from tests.conftest import tiny_config

ROOT = Path(__file__).resolve().parent.parent


def test_validate_accepts_every_preset(capsys):
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    assert len(files) >= 6
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count(": valid") == len(files)


def test_validate_rejects_a_bad_file_with_its_field_path(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncontrols:\n  differential_privacy:\n    epsilon: -3\n")
    assert main(["validate", str(bad)]) != 0
    err = capsys.readouterr().err
    assert "controls.differential_privacy.epsilon" in err
    assert "Traceback" not in err


def test_validate_as_a_module_exits_non_zero_on_junk(tmp_path):
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 4)
    done = subprocess.run([sys.executable, "-m", "simulation", "validate", str(junk)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "junk.yaml" in done.stderr


def test_list_prints_every_preset_with_a_description(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("gdpr_baseline", "unregulated_surveillance", "edge_only"):
        assert name in out


def test_unknown_preset_is_a_clear_message(capsys):
    assert main(["run", "no_such_preset", "--out", "x"]) != 0
    err = capsys.readouterr().err
    assert "no_such_preset" in err and "gdpr_baseline" in err


def test_run_writes_results_breakdowns_log_and_manifest(tmp_path, capsys):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(dump_scenario(tiny_config()))
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--residents", "150", "--days", "1", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "utility_overall" in printed and "risk_overall" in printed
    results = pd.read_csv(out / "results.csv")
    assert len(results) == 1 and results.loc[0, "seed"] == 7
    assert pd.read_parquet(out / "results.parquet").shape == results.shape
    log = pd.read_parquet(out / "observations.parquet")
    assert {"slot", "sensor", "kind", "zone", "token", "value", "resident"} <= set(log.columns)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and "numpy" in manifest["packages"]
    reloaded = load_scenario(out / "scenario.yaml")
    assert reloaded.population.residents == 150 and reloaded.world.days == 1
    summary = json.loads((out / "world_summary.json").read_text())
    assert summary["residents"] == 150 and summary["trips"] > 0


@pytest.mark.parametrize("preset", ["edge_only"])
def test_export_writes_a_preset_that_loads_back(tmp_path, preset):
    target = tmp_path / "p.yaml"
    assert main(["export", preset, "--out", str(target)]) == 0
    from simulation.presets import load_preset

    assert load_scenario(target) == load_preset(preset)


def _refused(capsys, argv: list[str]) -> str:
    """Run the command line, check it refuses without a traceback or library URL, and return its stderr."""
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "pydantic" not in err and "http" not in err
    return err


@pytest.mark.parametrize("placement, expected", [
    ({"zones": list(range(4096))}, "zone(s) 576, 577"),
    ({"districts": ["atlantis"]}, "unknown district(s) atlantis"),
])
def test_validate_refuses_what_run_would_refuse_in_a_short_message(tmp_path, capsys, placement, expected):
    scenario = tmp_path / "placed.yaml"
    scenario.write_text(dump_scenario(tiny_config(sensors=[{"kind": "cctv", "name": "c", "placement": placement}])))
    err = _refused(capsys, ["validate", str(scenario)])
    assert "placed.yaml: invalid" in err and expected in err and len(err) < 1000
    assert expected in _refused(capsys, ["run", str(scenario), "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


def test_validate_refuses_a_missing_city_file(tmp_path, capsys):
    scenario = tmp_path / "city.yaml"
    scenario.write_text("name: x\nworld:\n  city: no_such_city.csv\n")
    err = _refused(capsys, ["validate", str(scenario)])
    assert "world.city" in err and "no_such_city.csv" in err and "not found" in err


def test_validate_refuses_duplicate_keys_with_their_lines(tmp_path, capsys):
    scenario = tmp_path / "twice.yaml"
    scenario.write_text("name: x\npopulation:\n  residents: 10\n  residents: 200000\n")
    assert "key 'residents' is given twice in one mapping, at line 3 and line 4" in _refused(
        capsys, ["validate", str(scenario)])


@pytest.mark.parametrize("argv, expected", [
    (["run", "gdpr_baseline", "--residents", "1"], "population.residents: found 1; allowed: at least 10"),
    (["run", "gdpr_baseline", "--days", "29"], "world.days: found 29; allowed: at least 1 and at most 28"),
    (["export", "gdpr_baseline", "--seed", "-4"], "seed: found -4"),
])
def test_overrides_out_of_range_are_readable(tmp_path, capsys, argv, expected):
    assert expected in _refused(capsys, [*argv, "--out", str(tmp_path / "out")])


@pytest.mark.parametrize("spec, expected", [
    ("base: gdpr_baseline\nlevers:\n  controls.k_suppression.k: ['5']\n", "controls.k_suppression.k: found '5'"),
    ("base: gdpr_baseline\nlevers:\n  controls.k_suppression.kk: [5]\n", "has no field 'kk'; it has: k"),
    ("base: gdpr_baseline\noverrides:\n  seed.x: 1\n", "seed.x: seed is a single value"),
    ("base: gdpr_baseline\nreplicates: true\n", "sweep file: replicates: found true"),
    ("base: gdpr_baseline\noverrides:\n  population.residents: 5\n", "population.residents: found 5"),
    ("base: gdpr_baseline\nbase: edge_only\n", "key 'base' is given twice"),
])
def test_sweep_settings_are_readable(tmp_path, capsys, spec, expected):
    path = tmp_path / "sweep.yaml"
    path.write_text(spec)
    assert expected in _refused(capsys, ["sweep", str(path), "--out", str(tmp_path / "out"), "--quiet"])


def test_a_missing_sweep_file_is_named(tmp_path, capsys):
    assert "no such sweep file" in _refused(capsys, ["sweep", str(tmp_path / "none.yaml"), "--out", str(tmp_path)])


def test_an_unexpected_failure_is_one_line_without_traceback(monkeypatch, capsys):
    import simulation.cli as cli

    monkeypatch.setattr(cli, "cmd_list", lambda args: 1 / 0)
    err = _refused(capsys, ["list"])
    assert err.startswith("error: the simulation failed (ZeroDivisionError") and err.count("\n") == 1


def test_run_writes_a_dictionary_a_sensor_table_timestamps_and_file_digests(tmp_path, capsys):
    import hashlib

    out = tmp_path / "out"
    assert main(["run", "gdpr_baseline", "--residents", "120", "--days", "1", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command_line"] == ["python", "-m", "simulation", "run", "gdpr_baseline", "--residents", "120",
                                        "--days", "1", "--out", str(out), "--quiet"]
    assert manifest["overrides"] == {"population.residents": 120, "world.days": 1}
    assert manifest["platform"]
    for name, digest in manifest["files_sha256"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    expected_files = {"results.csv", "observations.parquet", "sensors.csv", "data_dictionary.csv"}
    assert expected_files <= set(manifest["files_sha256"])
    log = pd.read_parquet(out / "observations.parquet")
    assert (log["minute"] == log["slot"] * 15).all()
    assert log["timestamp"].min() == pd.Timestamp("2024-01-01 00:00:00")  # the preset starts on a Monday
    sensors = pd.read_csv(out / "sensors.csv")
    assert set(log["sensor"]) <= set(sensors["sensor"]) and {"kind", "deployment", "zone"} <= set(sensors.columns)
    dictionary = pd.read_csv(out / "data_dictionary.csv")
    results = pd.read_csv(out / "results.csv")
    described = dictionary[dictionary["table"] == "results"].set_index("column")
    assert list(described.index) == list(results.columns)
    assert described["meaning"].str.len().gt(10).all(), described[described["meaning"].str.len() <= 10]
    assert set(dictionary.loc[dictionary["table"] == "observations", "column"]) == set(log.columns)
