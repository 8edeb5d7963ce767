"""Exports of a run: the tidy results row, the breakdown tables, the observation log and a manifest.

Every export carries a manifest (scenario YAML, seed, project version and commit, package versions) so that any
number can be reproduced from its scenario file and seed.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import subprocess
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from simulation.observation_export import write_observations
from simulation.scenario import ScenarioConfig
from simulation.scenario_io import dump_scenario

if TYPE_CHECKING:
    from concurrent.futures import Future

    from simulation.pipeline import RunResult
    from simulation.world import World

TableFormat = Literal["csv", "parquet"]
OBSERVATIONS_FILE = "observations.parquet"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGES: tuple[str, ...] = ("mesa", "numpy", "pandas", "pyarrow", "pydantic", "PyYAML", "scipy", "numba", "opendp")


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
        "platform": platform.platform(),
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


NOMINAL_MONDAY = datetime(2024, 1, 1)
"""A Monday: the observation log's timestamps start on the first day of the horizon's weekday after it."""


def horizon_start(world: World) -> datetime:
    """Return the nominal date and time the horizon starts (a day with the world's start weekday)."""
    return NOMINAL_MONDAY + timedelta(days=int(world.start_weekday))


def sensor_table(result: RunResult) -> pd.DataFrame:
    """Return the sensor lookup: device id, kind, deployment and zone (the log's ``sensor`` column points here)."""
    sensors = result.log.sensors
    return pd.DataFrame({"sensor": sensors["sensor"].to_numpy(), "kind": sensors["kind"].astype(str).to_numpy(),
                         "deployment": sensors["name"].astype(str).to_numpy(), "zone": sensors["zone"].to_numpy()})


def dictionary_bytes(result: RunResult) -> bytes:
    """Return the data dictionary of the run's outputs as CSV."""
    from simulation.data_dictionary import data_dictionary

    return table_bytes(data_dictionary(result.row().index, result.config), "csv")


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_run(result: RunResult, out_dir: str | Path, include_observations: bool = True,
              invocation: dict | None = None, observations_written: Future[Path] | None = None) -> list[Path]:
    """Write a run's results, breakdowns, observation log, sensors, dictionary, scenario and manifest into a folder.

    The manifest is written last and lists the SHA-256 of every other file written.

    Args:
        result: The run.
        out_dir: The folder (created if missing).
        include_observations: Also write the raw observation log as Parquet.
        invocation: How the run was asked for (``command_line`` and ``overrides``), added to the manifest.
        observations_written: The observation log's file, already being written into the folder
            (:func:`simulation.observation_export.write_observations_behind`): waited for instead of written.

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
    if observations_written is not None:
        written.append(observations_written.result())
    elif include_observations:
        written.append(write_observations(result.log, horizon_start(result.world), out / OBSERVATIONS_FILE))
    for fmt in ("csv", "parquet"):
        put(f"sensors.{fmt}", table_bytes(sensor_table(result), fmt))
    put("data_dictionary.csv", dictionary_bytes(result))
    put("scenario.yaml", dump_scenario(result.config))
    files = {path.name: sha256_of(path) for path in written}
    put("manifest.json", json.dumps({**manifest(result.config), **(invocation or {}), "files_sha256": files},
                                    indent=2))
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
