"""The data dictionary: every column of every output table, with its meaning, unit and direction.

Written as ``data_dictionary.csv`` into every CLI output folder and export zip, and shown on the dashboard's
methods page. Meanings come from the code that defines each column, so the dictionary cannot drift from it:
outcomes from each metric's docstring, scenario settings from the schema's titles and descriptions, flags from
the rules' titles, observation-log columns from its schema.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from pydantic import BaseModel

from simulation.scenario import SENSOR_KINDS, ScenarioConfig

COLUMNS = ["table", "column", "meaning", "unit", "direction"]

IDENTIFIERS: dict[str, tuple[str, str]] = {
    "run_id": ("Stable digest of the scenario (seed included) and the replicate number.", "16 hex digits"),
    "scenario": ("Name of the scenario.", "text"),
    "seed": ("Seed every random stream is derived from: same scenario and seed, same results.", "integer"),
    "replicate": ("Replicate number within a sweep (the seed is the base seed plus it).", "integer"),
}
EXTRA_OUTCOMES: dict[str, tuple[str, str, str]] = {
    "utility_overall": ("Weighted mean of the service utilities (weights: utility_weights.*).", "share 0-1",
                        "higher is better"),
    "risk_overall": ("Share of all residents against whom at least one attack open to the adversary succeeds "
                     "(the headline; docs/risk.md).", "share of residents 0-1", "lower is better"),
    "risk_home_found": ("Share of residents whose profile reveals their home unit.", "share of residents 0-1",
                        "lower is better"),
    "risk_work_found": ("Share of residents whose profile reveals their workplace unit.", "share of residents 0-1",
                        "lower is better"),
    "risk_tracked_time": ("Mean share of the horizon's hours in which a resident's profile holds their records.",
                          "share of hours 0-1", "lower is better"),
    "risk_linkage_precision": ("Share of the accepted cross-dataset links that join one resident's records.",
                               "share of links 0-1", "higher means the linkage is more reliable"),
    "risk_trajectory_recovery_accuracy": ("Mean share of a picked trajectory's points recovered correctly from the "
                                          "aggregates (Xu et al. 2017).", "share 0-1", "lower is better"),
    "risk_dp_epsilon_total": ("Person-level privacy loss of the release: the sum of every noised table's epsilon "
                              "(basic composition); 0 when nothing is noised.", "epsilon (nats)", "lower is better"),
    "risk_exposure_resident_days": ("Resident-days whose records, tied to a person, the city holds at the end.",
                                    "resident-days", "lower is better"),
    "risk_face_false_alerts_per_10k": ("Innocent passers-by wrongly matched to the watchlist.", "per 10,000 faces",
                                       "lower is better"),
}
OBSERVATION_COLUMNS: dict[str, tuple[str, str]] = {
    "slot": ("Slot of the detection, from the start of the horizon.", "slot (world.slot_minutes long)"),
    "minute": ("Start of the slot, in minutes from the start of the horizon.", "minutes"),
    "timestamp": ("Start of the slot as a date and time (the horizon starts on NOMINAL_START).", "ISO 8601"),
    "sensor": ("Device id; sensors.csv gives its kind, deployment and zone.", "integer"),
    "kind": ("Sensor kind.", "one of " + ", ".join(SENSOR_KINDS)),
    "zone": ("Zone the device stands in.", "zone id"),
    "token": ("What the device captured: device address, plate, card number, face template, meter id (-1: none).",
              "integer"),
    "value": ("Reading (kWh, count, pollutant index, face-match score), NaN if none.", "depends on the kind"),
    "resident": ("True resident of the detection (-1: nobody); for scoring only.", "resident id"),
}
SENSOR_TABLE_COLUMNS: dict[str, tuple[str, str]] = {
    "sensor": ("Device id (the observation log's sensor column).", "integer"),
    "kind": ("Sensor kind.", "text"),
    "deployment": ("Name of the scenario's sensor deployment the device belongs to.", "text"),
    "zone": ("Zone the device stands in.", "zone id"),
}


def _first_line(text: str | None) -> str:
    return (text or "").strip().split("\n\n", 1)[0].replace("\n", " ").strip()


def _metric_meanings() -> dict[str, str]:
    from simulation.metrics.risk import RISK_METRICS
    from simulation.metrics.risk.aggregate_recovery import aggregate_recovery
    from simulation.metrics.utility import UTILITY_METRICS

    meanings = {name: _first_line(fn.__doc__) for name, fn in {**UTILITY_METRICS, **RISK_METRICS}.items()}
    meanings["risk_trajectory_recovery"] = _first_line(aggregate_recovery.__doc__)
    return meanings


def outcome_entry(name: str, meanings: dict[str, str]) -> tuple[str, str, str]:
    """Return (meaning, unit, direction) of an outcome column."""
    if name in EXTRA_OUTCOMES:
        return EXTRA_OUTCOMES[name]
    meaning = meanings.get(name, "See docs/risk.md." if name.startswith("risk_") else "")
    if name.startswith("utility_"):
        return meaning, "share 0-1 (1 = as good as knowing the truth)", "higher is better"
    return meaning, "share of residents 0-1", "lower is better"


def _field_info(config: object, path: list[str]):
    """Return the pydantic FieldInfo a dotted settings path ends in, or None."""
    model: object = config
    info = None
    for part in path:
        if isinstance(model, BaseModel) and part in type(model).model_fields:
            info = type(model).model_fields[part]
            model = getattr(model, part)
        elif isinstance(model, dict):
            model = model.get(part)
        elif isinstance(model, list):
            match = [item for item in model if getattr(item, "name", None) == part]
            model = match[0] if match else None
        else:
            return info
    return info


def _scenario_path(config: ScenarioConfig, column: str) -> tuple[object, list[str]]:
    """Return the object a results column's path starts from and the rest of the path.

    ``sensors.<kind>.<n>.<field>`` starts from the n-th deployment of that kind; ``weights.<service>`` is
    ``utility_weights``.
    """
    parts = column.split(".")
    if parts[0] == "sensors" and len(parts) >= 4 and parts[2].isdigit():
        of_kind = [s for s in config.sensors if s.kind == parts[1]]
        rank = int(parts[2]) - 1
        return (of_kind[rank] if 0 <= rank < len(of_kind) else None), parts[3:]
    if parts[0] == "weights":
        return config, ["utility_weights", *parts[1:]]
    return config, parts


def setting_entry(config: ScenarioConfig, column: str) -> tuple[str, str, str]:
    """Return (meaning, unit, direction) of a scenario-setting column (dotted path into the scenario)."""
    start, path = _scenario_path(config, column)
    info = _field_info(start, path) if start is not None else None
    title = (info.title if info else None) or column.rsplit(".", 1)[-1].replace("_", " ")
    if path == ["name"]:
        title = "Name of the sensor deployment (sensors are keyed by kind and rank so that tables line up)"
    elif column.startswith("weights."):
        title = f"Weight of the {path[-1].replace('_', ' ')} service in utility_overall"
    meaning = title + (f": {info.description}" if info and info.description else "")
    name = column.rsplit(".", 1)[-1]
    unit = ("minutes" if name.endswith("_minutes") else "days" if name.endswith("days") else
            "share 0-1" if name.endswith("_share") or ".archetype_shares." in column else "setting")
    return meaning, unit, "a setting (lever or uncertainty)"


def data_dictionary(columns: Iterable[str], config: ScenarioConfig) -> pd.DataFrame:
    """Return the dictionary of a results table's columns, plus the observation log's and the sensor table's.

    Args:
        columns: The results table's columns (a run's row or a sweep's table).
        config: A scenario of the table (field titles and descriptions).
    """
    from simulation.dpia.flags import RULES

    rules = {f"flag_{rule.code}": rule for rule in RULES}
    meanings = _metric_meanings()
    rows = []
    for column in columns:
        if column in IDENTIFIERS:
            meaning, unit = IDENTIFIERS[column]
            rows.append(("results", column, meaning, unit, "identifier"))
        elif column.startswith(("utility_", "risk_")):
            rows.append(("results", column, *outcome_entry(column, meanings)))
        elif column in rules:
            rule = rules[column]
            rows.append(("results", column, f"Screening flag (not legal advice): {rule.title}. {rule.rule}",
                         "true/false", f"true: the rule applies ({rule.source})"))
        elif column.startswith("flag_"):
            rows.append(("results", column, "Screening flag (not legal advice): two or more EDPB WP248 criteria "
                         "met, so a DPIA is likely required.", "true/false", "true: the rule applies"))
        else:
            rows.append(("results", column, *setting_entry(config, column)))
    rows += [("observations", c, m, u, "record") for c, (m, u) in OBSERVATION_COLUMNS.items()]
    rows += [("sensors", c, m, u, "lookup") for c, (m, u) in SENSOR_TABLE_COLUMNS.items()]
    return pd.DataFrame(rows, columns=COLUMNS)
