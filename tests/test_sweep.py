import pytest

from simulation.scenario_io import ScenarioError
from simulation.sweep import SweepSpec, apply_settings, expand, load_sweep, run_sweep
from tests.conftest import tiny_config


def small_spec(**extra) -> SweepSpec:
    return SweepSpec(base="tiny", replicates=2,
                     levers={"controls.pseudonymisation.rotation": ["never", "hourly"]},
                     uncertainties={"adversary.known_points": [2, 4]},
                     overrides={"population.residents": 100, "world.days": 1}, **extra)


def test_expand_is_full_factorial_with_replicates():
    runs = expand(small_spec(), tiny_config())
    assert len(runs) == 2 * 2 * 2
    seeds = {config.seed for _, config in runs}
    assert seeds == {7, 8}
    assert {config.population.residents for _, config in runs} == {100}


def test_apply_settings_names_a_wrong_path():
    with pytest.raises(ScenarioError, match="no field 'rotaton'"):
        apply_settings(tiny_config(), {"controls.pseudonymisation.rotaton": "daily"})


def test_apply_settings_validates_values():
    with pytest.raises(ValueError):
        apply_settings(tiny_config(), {"controls.k_suppression.k": -1})


def test_sweep_builds_each_world_once_per_seed_and_matches_single_runs(monkeypatch):
    import simulation.pipeline as pipeline
    from simulation.pipeline import run

    calls = []
    original = pipeline.build_world
    monkeypatch.setattr(pipeline, "build_world", lambda config, **kw: calls.append(config.seed) or original(config))
    spec = small_spec()
    table = run_sweep(spec, tiny_config(), workers=1)
    assert len(table) == 8
    assert sorted(calls) == [7, 8]
    first = table.iloc[0]
    _, config = expand(spec, tiny_config())[0]
    single = run(config).outcomes
    for name, value in single.items():
        assert first[name] == pytest.approx(value)
    assert set(table["controls.pseudonymisation.rotation"]) == {"never", "hourly"}


def test_load_sweep_reports_problems():
    with pytest.raises(ScenarioError):
        load_sweep("base: x\nreplicates: 0\n")
    with pytest.raises(ScenarioError):
        load_sweep("- a\n- b\n")


def test_swept_weights_and_replicates_keep_their_own_columns():
    spec = SweepSpec(base="tiny", replicates=2, levers={"utility_weights.crowd": [1.0, 3.0]},
                     overrides={"population.residents": 60, "world.days": 1})
    table = run_sweep(spec, tiny_config(), workers=1)
    assert list(table["replicate"]) == [0, 1, 0, 1]
    assert list(table["weights.crowd"]) == [1.0, 1.0, 3.0, 3.0]
    settings = [c for c in table.columns if not c.startswith(("utility_", "risk_", "flag_"))]
    outcomes = [c for c in table.columns if c.startswith("utility_")]
    assert not [c for c in outcomes if "." in c] and "utility_weights.crowd" not in table.columns
    assert settings and outcomes


def test_the_fork_server_builds_stages_1_2_once_for_every_local_worker(tmp_path):
    """In a fresh process (the fork server starts once per process): workers find the world already built."""
    import subprocess
    import sys
    from pathlib import Path

    code = """
import sys
from simulation.engine import kept_stages, local_pool, start_fork_server
from simulation.pipeline import stage_key
from tests.conftest import tiny_config

if __name__ == "__main__":
    config = tiny_config(population={"residents": 80}, world={"days": 1})
    start_fork_server(config)
    with local_pool(2) as pool:
        kept = [pool.submit(kept_stages).result() for _ in range(2)]
    print(all(keys == [stage_key(config, 2)] for keys in kept))
"""
    script = tmp_path / "prebuilt.py"
    script.write_text(code)
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, str(script)], cwd=root, env={"PYTHONPATH": str(root)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "True"
