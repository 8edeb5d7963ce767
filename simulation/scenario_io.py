"""Scenario files: YAML in and out, refusing hostile input with one readable line per problem.

A scenario file is one YAML mapping of at most 1 MB of UTF-8 text. Reading (:mod:`simulation.scenario_yaml`)
builds plain data only (text, numbers, booleans, null, lists and mappings with text keys) and refuses aliases
(so an alias bomb cannot expand), several documents, nesting deeper than ``MAX_DEPTH``, NaN and infinity; the data
is then validated by pydantic in strict mode, so ``true`` is not a number and ``"5"`` is not an integer. Every
problem becomes one line naming the field path, the value found and what is allowed
(:class:`ScenarioError`, :mod:`simulation.scenario_errors`).

``dump_scenario`` writes every field explicitly, keys in schema order, so a file describes itself and
``parse_scenario(dump_scenario(config)) == config``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulation.scenario import ScenarioConfig
from simulation.scenario_errors import ScenarioError, readable_problems, show_value
from simulation.scenario_yaml import MAX_DEPTH, MAX_NODES, plain_data_problems, read_yaml, to_yaml

MAX_BYTES = 1_000_000
"""Largest scenario file accepted (1 MB)."""

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "ScenarioError", "dump_scenario", "load_scenario",
           "parse_scenario", "readable_problems", "save_scenario", "scenario_from_data"]


def _text_of(data: str | bytes, source: str) -> str:
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        raise ScenarioError([f"{source}: the file is {size:,} bytes; at most 1 MB ({MAX_BYTES:,} bytes)"])
    if isinstance(data, str):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError([f"{source}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
                             "a scenario is a YAML text file"]) from None
    return text.removeprefix("\ufeff")


def parse_scenario(text: str | bytes, source: str = "<text>") -> ScenarioConfig:
    """Parse and validate a scenario from YAML text.

    Args:
        text: The YAML document (text, or bytes that must be UTF-8).
        source: Name of where the text came from, used in messages.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: One readable line per problem (never a traceback for any input).
    """
    text = _text_of(text, source)
    if "\x00" in text:
        raise ScenarioError([f"{source}: contains NUL bytes; a scenario is a YAML text file, not binary data"])
    return scenario_from_data(read_yaml(text, source), source)


def scenario_from_data(data: Any, source: str = "<data>") -> ScenarioConfig:
    """Validate plain data (as read from a file, a link or settings) as a scenario, exactly as files are.

    The data must be a mapping with text keys and finite numbers; validation is strict, so ``true`` is not a
    number and ``"300"`` is not an integer, wherever the data came from.

    Raises:
        ScenarioError: One readable line per problem.
    """
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}: the document is {show_value(data)}, not a mapping; a scenario is a mapping "
                             f"of fields such as 'name: my_city' (fields: {', '.join(ScenarioConfig.model_fields)})"])
    problems = plain_data_problems(data)
    if problems:
        raise ScenarioError(problems)
    try:
        return ScenarioConfig.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as error:
        raise ScenarioError(readable_problems(error)) from None


def load_scenario(path: str | os.PathLike[str]) -> ScenarioConfig:
    """Read and validate a scenario file.

    Raises:
        ScenarioError: If the file is missing, too large, not text, not valid YAML or not a valid scenario.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError([f"{path}: the file is {size:,} bytes; at most 1 MB ({MAX_BYTES:,} bytes)"])
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a folder, not a scenario file"]) from None
    except OSError as error:
        raise ScenarioError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    return parse_scenario(data, source=str(path))


def _sensor_first_keys(sensor: dict[str, Any]) -> dict[str, Any]:
    return {"kind": sensor["kind"], "name": sensor["name"],
            **{k: v for k, v in sensor.items() if k not in ("kind", "name")}}


def dump_scenario(config: ScenarioConfig) -> str:
    """Return the scenario as YAML with every field explicit, keys in schema order (each sensor's kind first)."""
    data = config.model_dump(mode="json")
    data["sensors"] = [_sensor_first_keys(sensor) for sensor in data["sensors"]]
    return to_yaml(data)


def save_scenario(config: ScenarioConfig, path: str | os.PathLike[str]) -> None:
    """Write the scenario to a YAML file (UTF-8), as :func:`dump_scenario` gives it."""
    Path(path).write_text(dump_scenario(config), encoding="utf-8")
