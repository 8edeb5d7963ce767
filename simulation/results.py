"""One tidy row per run: identity, every lever and uncertainty, every outcome.

Columns, in order:
    run_id: a stable digest of the scenario (every field, seed included) and the replicate number;
    scenario, seed, replicate;
    levers: every control (``controls.<control>.<field>``, e.g. ``controls.pseudonymisation.rotation``) and every
        sensor deployment's settings (``sensors.<kind>.<n>.<field>``, e.g. ``sensors.wifi_bt.1.placement.zone_share``,
        with the deployment's name in ``sensors.<kind>.<n>.name``: tables of two scenarios line up);
    uncertainties and settings: ``adversary.*``, ``population.*``, ``world.*``, and the service weights as
        ``weights.*`` (never ``utility_weights.*``, which would read as an outcome);
    outcomes: every ``utility_*`` then every ``risk_*``, sorted by name;
    flags: ``flag_<rule>``, True when the screening rule is raised (``simulation.dpia.flags``: screening aids, not
        legal advice), in the order of ``simulation.dpia.flags.RULES``.
Lists become comma-separated strings so that every cell is a scalar (CSV and Parquet friendly).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import pandas as pd

from simulation.dpia.facts import facts_of
from simulation.dpia.flags import flag_columns
from simulation.metrics.assess import Assessment
from simulation.observations import ObservationLog
from simulation.scenario import ScenarioConfig

LEVER_SECTIONS: tuple[str, ...] = ("controls", "sensors")
"""Scenario sections a planner moves."""
UNCERTAINTY_SECTIONS: tuple[str, ...] = ("adversary", "population", "world", "utility_weights")
"""Scenario sections the planner does not control (or that only frame the run)."""
COLUMN_PREFIX: dict[str, str] = {"utility_weights": "weights"}
"""Sections whose columns take another prefix, so that no setting shares a prefix with the ``utility_*`` outcomes."""
ID_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "seed", "replicate")


def run_id(config: ScenarioConfig, replicate: int = 0) -> str:
    """Return a stable 16-hex-digit digest of the scenario (seed included) and the replicate number."""
    text = json.dumps({"scenario": config.model_dump(mode="json"), "replicate": int(replicate)}, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def flatten(value: Any, prefix: str) -> dict[str, Any]:
    """Flatten nested dicts into dotted keys; lists of scalars become comma-separated strings."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in sorted(value):
            out.update(flatten(value[key], f"{prefix}.{key}"))
        return out
    if isinstance(value, list | tuple):
        return {prefix: ",".join(str(v) for v in value)}
    return {prefix: value}


def scenario_columns(config: ScenarioConfig) -> dict[str, Any]:
    """Return every lever and uncertainty of a scenario as flat columns (levers first)."""
    data = config.model_dump(mode="json")
    columns: dict[str, Any] = flatten(data["controls"], "controls")
    for key, sensor in zip(sensor_keys(config), data["sensors"], strict=True):
        sensor.pop("kind")
        columns.update(flatten(sensor, key))
    for section in UNCERTAINTY_SECTIONS:
        columns.update(flatten(data[section], COLUMN_PREFIX.get(section, section)))
    return columns


def sensor_keys(config: ScenarioConfig) -> list[str]:
    """Return the column prefix of each sensor deployment: ``sensors.<kind>.<n>``, n counting from 1 within a kind.

    Keyed by kind and rank rather than by the deployment's free name, so that the tables of two scenarios line up
    column for column (the name is a column of its own, ``sensors.<kind>.<n>.name``).
    """
    seen: dict[str, int] = {}
    keys = []
    for sensor in config.sensors:
        seen[sensor.kind] = seen.get(sensor.kind, 0) + 1
        keys.append(f"sensors.{sensor.kind}.{seen[sensor.kind]}")
    return keys


def outcome_columns(outcomes: dict[str, float]) -> dict[str, float]:
    """Return the outcomes in column order: ``utility_*`` then ``risk_*``, each sorted by name."""
    names = sorted(n for n in outcomes if n.startswith("utility_")) + sorted(
        n for n in outcomes if n.startswith("risk_"))
    return {name: float(outcomes[name]) for name in names}


def results_row(config: ScenarioConfig, assessment: Assessment, replicate: int = 0,
                log: ObservationLog | None = None) -> pd.Series:
    """Return the tidy results row of one run.

    Args:
        config: The scenario that was run.
        assessment: Its stage-4 output.
        replicate: Replicate number within a sweep.
        log: Its observation log, for the flags' share of residents recorded (without it, the large-scale
            criterion and the rules built on it are not raised).

    Returns:
        A Series indexed by column name (order in the module docstring), named by the run id.
    """
    identity = {"run_id": run_id(config, replicate), "scenario": config.name, "seed": int(config.seed),
                "replicate": int(replicate)}
    facts = facts_of(config, assessment.outcomes, log)
    row = {**identity, **scenario_columns(config), **outcome_columns(assessment.outcomes), **flag_columns(facts)}
    return pd.Series(row, name=identity["run_id"], dtype=object)


def results_table(rows: Iterable[pd.Series]) -> pd.DataFrame:
    """Return a table of result rows, one per run; columns missing from a row (another sensor set) are empty.

    Columns keep the row order (identity, levers, uncertainties, outcomes) across rows with different sensors;
    numeric columns get numeric dtypes.
    """
    rows = list(rows)
    if not rows:
        return pd.DataFrame(columns=list(ID_COLUMNS))
    table = pd.DataFrame([row.to_dict() for row in rows]).reset_index(drop=True)
    groups = [*ID_COLUMNS, *LEVER_SECTIONS, *(COLUMN_PREFIX.get(s, s) for s in UNCERTAINTY_SECTIONS), "utility_",
              "risk_", "flag_"]

    def group(column: str) -> int:
        for rank, prefix in enumerate(groups):
            if column == prefix or column.startswith(f"{prefix}.") or (prefix.endswith("_") and
                                                                        column.startswith(prefix)):
                return rank
        return len(groups)

    ordered = sorted(table.columns, key=lambda c: (group(c), list(table.columns).index(c)))
    return table[ordered].infer_objects()
