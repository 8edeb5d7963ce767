"""Exports of a run: the tidy results row, the breakdown tables, the observation log and a manifest.

Every export carries a manifest (scenario YAML, seed, project version and commit, package versions) so that any
number can be reproduced from its scenario file and seed.
"""

from __future__ import annotations

import io
import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from simulation.scenario import ScenarioConfig
from simulation.scenario_io import dump_scenario

if TYPE_CHECKING:
    from simulation.pipeline import RunResult

TableFormat = Literal["csv", "parquet"]
PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGES: tuple[str, ...] = ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "PyYAML", "scipy", "opendp")


def project_version() -> str:
    """Return the project version from pyproject.toml (or 'unknown')."""
    try:
        return metadata.version("city-privacy-sim")
    except metadata.PackageNotFoundError:
        pass
    pyproject = PROJECT_ROOT / "pyproject.toml"
    for line in pyproject.read_text(encoding="utf-8").splitlines() if pyproject.exists() else []:
        if line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    return "unknown"


def project_commit() -> str:
    """Return the git commit of the working tree, with '+dirty' if it has changes, or 'unknown'."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def package_versions() -> dict[str, str]:
    """Return the installed versions of the packages that shape the numbers."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def manifest(config: ScenarioConfig) -> dict:
    """Return what is needed to reproduce a run of this scenario.

    Args:
        config: The scenario that was run.

    Returns:
        A JSON-serialisable dict: scenario name, seed, scenario YAML, project version and commit, package versions
        and the time of the export.
    """
    return {
        "scenario": config.name,
        "seed": config.seed,
        "scenario_yaml": dump_scenario(config),
        "project_version": project_version(),
        "project_commit": project_commit(),
        "packages": package_versions(),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "reproduce": "python -m simulation run scenario.yaml --out DIR",
    }


def table_bytes(frame: pd.DataFrame, fmt: TableFormat) -> bytes:
    """Serialise a table as CSV or Parquet bytes."""
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8")
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False, engine="pyarrow")
        return buffer.getvalue()
    raise ValueError(f"format must be 'csv' or 'parquet', got {fmt!r}")


def results_table_bytes(result: RunResult, fmt: TableFormat) -> bytes:
    """Return the run's tidy results row as a one-row table in CSV or Parquet."""
    return table_bytes(result.row().to_frame().T.infer_objects(), fmt)


def breakdown_bytes(result: RunResult, name: str, fmt: TableFormat) -> bytes:
    """Return one breakdown table in CSV or Parquet.

    Raises:
        KeyError: If the run has no breakdown of that name (the message lists those it has).
    """
    breakdowns = result.assessment.breakdowns
    if name not in breakdowns:
        raise KeyError(f"no breakdown named {name!r}; available: {', '.join(sorted(breakdowns))}")
    return table_bytes(breakdowns[name], fmt)


def write_run(result: RunResult, out_dir: str | Path, include_observations: bool = True) -> list[Path]:
    """Write a run's results, breakdowns, observation log, scenario and manifest into a folder.

    Args:
        result: The run.
        out_dir: The folder (created if missing).
        include_observations: Also write the raw observation log as Parquet.

    Returns:
        The paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: bytes | str) -> None:
        path = out / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        written.append(path)

    for fmt in ("csv", "parquet"):
        put(f"results.{fmt}", results_table_bytes(result, fmt))
        for name in sorted(result.assessment.breakdowns):
            put(f"breakdown_{name}.{fmt}", breakdown_bytes(result, name, fmt))
    put("world_summary.json", json.dumps(world_summary(result), indent=2))
    if include_observations:
        path = out / "observations.parquet"
        result.log.to_parquet(path)
        written.append(path)
    put("scenario.yaml", dump_scenario(result.config))
    put("manifest.json", json.dumps(manifest(result.config), indent=2))
    return written


def world_summary(result: RunResult) -> dict:
    """Return a short summary of the world and the sensors: residents per archetype, trips, detections per kind."""
    world = result.world
    return {
        "residents": world.n_residents,
        "days": world.n_slots // world.slots_per_day,
        "slot_minutes": world.slot_minutes,
        "zones": world.city.n_zones,
        "residents_per_archetype": {k: int(v) for k, v in world.residents["archetype"].value_counts().items()},
        "trips": int(world.trips),
        "sensor_devices_per_kind": {k: int(v) for k, v in result.log.sensors["kind"].value_counts().items()},
        "detections_per_kind": {k: int(v) for k, v in result.log.detections_per_kind().items()},
    }
