"""Scenario data as dotted paths, and the settings that differ between scenarios.

A setting's path names it in the scenario's data (``controls.access.grants.police``); sensor deployments are keyed
by name (``sensors[cctv_centre].placement.districts``), so two scenarios' deployments line up by name whatever
their order. :mod:`simulation.scenario_titles` turns a path into words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Return nested scenario data as dotted paths; sensors are keyed by their name, other lists kept as tuples."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list) and data and all(isinstance(item, dict) and "name" in item for item in data):
        out = {}
        for item in data:
            rest = {k: v for k, v in item.items() if k != "name"}
            out[f"{prefix}[{item['name']}]"] = item.get("kind", "present")
            out.update(flatten(rest, f"{prefix}[{item['name']}]"))
        return out
    if isinstance(data, list | tuple):
        return {prefix: tuple(data)}
    return {prefix: data}


def sensor_kinds(*scenarios: Mapping[str, Any]) -> dict[str, str]:
    """Return the kind of every sensor deployment named in some scenarios' data."""
    return {item["name"]: item.get("kind", "") for data in scenarios for item in data.get("sensors", [])}


def setting_changes(scenarios: Mapping[str, Mapping[str, Any]], ignore: tuple[str, ...] = ("name", "description")
                    ) -> dict[str, list[Any]]:
    """Return the settings that differ between scenarios, and each scenario's value of them.

    Args:
        scenarios: Scenario data (``model_dump(mode="json")``) by label.
        ignore: Paths not compared.

    Returns:
        Path -> one value per scenario (None where a scenario lacks the setting), in path order; a sensor
        deployment that only some scenarios have is one entry, ``sensors[<name>]``, valued by its kind.
    """
    flat = {label: flatten(dict(data)) for label, data in scenarios.items()}
    paths = sorted({path for values in flat.values() for path in values} - set(ignore))
    partial = [path for path in paths if path.endswith("]") and any(path not in values for values in flat.values())]
    paths = [path for path in paths if not any(path.startswith(f"{item}.") for item in partial)]
    changes = {}
    for path in paths:
        values = [flat[label].get(path) for label in flat]
        if any(value != values[0] for value in values[1:]):
            changes[path] = values
    return changes
