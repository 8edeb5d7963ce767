"""The package installs with pip, and a real Dask cluster of separate processes gives the local pool's results.

The wheel is built from this checkout and installed into a folder of its own; the scheduler and the two workers are
started from that folder (``dask scheduler`` and ``dask worker`` as subprocesses on 127.0.0.1, stopped at the end),
with only the installed copy of ``simulation`` importable: not the checkout, as on a real cluster.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from simulation.sweep import SweepSpec, run_sweep
from tests.conftest import tiny_config

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_pyproject_pins_the_requirements():
    listed = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == listed


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A folder holding the project installed from a wheel built from this checkout (dependencies: the venv's)."""
    where = tmp_path_factory.mktemp("installed")
    wheels = where / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels)], check=True, timeout=300, cwd=where)
    site = where / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                    *map(str, wheels.glob("*.whl"))], check=True, timeout=300, cwd=where)
    return site


def _environment(site: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}


def test_the_installed_package_carries_the_city_the_presets_and_the_report_template(installed):
    code = ("import simulation.world.city, simulation.presets as p, simulation.world.city_io as c, "
            "simulation.dpia.report as r; "
            "print(p.PRESETS_DIR); print(c.DEFAULT_CITY_PATH.exists()); print(sorted(p.preset_names())); "
            "print((r.TEMPLATES / 'report.html.j2').exists())")
    done = subprocess.run([sys.executable, "-c", code], env=_environment(installed), cwd=installed.parent,
                          capture_output=True, text=True, timeout=120, check=True)
    folder, city, names, template = done.stdout.splitlines()
    assert Path(folder).is_relative_to(installed) and city == "True" and template == "True"
    assert "gdpr_baseline" in names and "public_safety" in names


@pytest.fixture(scope="module")
def cluster(installed):
    """A scheduler and two single-threaded workers, separate processes on 127.0.0.1; yields the address."""
    run_dir = installed.parent
    address_file = run_dir / "scheduler.json"
    env = _environment(installed)
    processes = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                   "--no-dashboard", "--scheduler-file", str(address_file)],
                                  cwd=run_dir, env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists():
            assert time.monotonic() < deadline, "the scheduler did not start"
            assert processes[0].poll() is None, "the scheduler exited"
            time.sleep(0.2)
        time.sleep(0.2)  # the file is written in one go, but give it a moment
        address = json.loads(address_file.read_text())["address"]
        for _ in range(2):
            processes.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "1",
                 "--no-dashboard", "--no-nanny"],
                cwd=run_dir, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


def test_a_sweep_on_a_real_cluster_equals_the_local_pool_row_for_row(cluster, installed):
    distributed = pytest.importorskip("distributed")
    spec = SweepSpec(base="tiny", replicates=2, levers={"controls.pseudonymisation.rotation": ["daily", "hourly"]},
                     overrides={"population.residents": 100, "world.days": 1})
    local = run_sweep(spec, tiny_config(), workers=2)
    with distributed.Client(cluster, timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
        modules = client.run(lambda: __import__("simulation").__file__)  # noqa: PLC2701 - runs on each worker
        assert len(modules) == 2
        assert all(Path(path).is_relative_to(installed) for path in modules.values()), modules
        remote = run_sweep(spec, tiny_config(), executor=client.get_executor())
        used = client.run(lambda: len(__import__("simulation.engine").engine.kept_stages()))
    assert len(remote) == 4
    pd.testing.assert_frame_equal(local, remote)
    assert sum(used.values()) >= 1  # the workers kept the worlds they built for the runs that followed
