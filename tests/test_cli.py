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
