"""Scenario settings in plain words: a setting's title and its value as a planner reads them.

A setting is named by its dotted path in a scenario's data (``controls.access.grants.police``); a sensor deployment
is ``sensors[<name>]`` (by name, as :func:`flatten` writes it) or ``sensors[<index>]`` (by position, as validation
errors write it). :func:`setting_title` turns a path into the titles the schema gives each field
(``Access grants: Police``) and :func:`plain_value` a value into words: on/off for switches, percentages for
shares, labels for choices, "none" for empty lists. The dashboard's compare page, its list of changes not yet run
and its validation messages use them, so every page names a setting the same way.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from simulation.labels import SENSOR_LABELS, pretty
from simulation.scenario import (
    AnprSensor,
    CctvSensor,
    EnvIotSensor,
    PeopleCounterSensor,
    ScenarioConfig,
    SmartMeterSensor,
    TransitCardSensor,
    WifiBtSensor,
)

SENSOR_MODELS: dict[str, type[BaseModel]] = {model.model_fields["kind"].default: model for model in (
    CctvSensor, WifiBtSensor, AnprSensor, TransitCardSensor, SmartMeterSensor, PeopleCounterSensor, EnvIotSensor)}
SENSORS_FIELD = ScenarioConfig.model_fields["sensors"]
CITY_WORDS: dict[str, str] = {"default": "the default city", "generated": "a city generated from the seed"}
SECTION_TITLES: dict[str, str] = {
    "world": "City and time", "population": "Residents", "controls": "", "adversary": "Adversary",
    "opt_out": "Opt-out", "edge_aggregation": "Edge aggregation", "pseudonymisation": "Pseudonymisation",
    "face_recognition": "Face recognition", "retention": "Retention", "access": "Access",
    "generalisation": "Generalisation", "differential_privacy": "Differential privacy",
    "k_suppression": "K-suppression", "release": "Release", "placement": "",
}
"""Titles of the scenario's sections (an empty title adds nothing: the field titles below it say enough)."""
KEY_LABELS: dict[str, str] = {"operator": "Operator", "vendor": "Vendor", "police": "Police", "public": "The public",
                              "public_safety": "Public safety"}
ABSENT = "not in this scenario"
SEPARATOR = ": "
SETTING_PATH = re.compile(r"^([a-z_]+(?:\[[^\]]*\])?(?:\.[a-z0-9_]+(?:\[[^\]]*\])?)*)(?: \([^)]*\))?: ")
"""A problem line's leading setting path (``sensors[2].placement (cam): ``), as the validators write it."""
_PART = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


def _parts(path: str) -> list[str | int]:
    """Split a dotted path into names and bracketed keys (``sensors[cam]`` -> ``sensors``, ``[cam]``)."""
    parts: list[str | int] = []
    for name, bracket in _PART.findall(path):
        if name:
            parts.append(name)
        else:
            parts.append(int(bracket) if bracket.isdigit() else f"[{bracket}]")
    return parts


def _strip(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_share(annotation: Any, info: FieldInfo | None) -> bool:
    """Return whether a value is a share between 0 and 1 (a float bounded by 0 and 1)."""
    metadata = [*(info.metadata if info else [])]
    if typing.get_origin(annotation) is typing.Annotated:
        for meta in typing.get_args(annotation)[1:]:
            metadata += list(getattr(meta, "metadata", [meta]))
        annotation = _strip(annotation)
    low = [item.ge for item in metadata if isinstance(item, annotated_types.Ge)]
    high = [item.le for item in metadata if isinstance(item, annotated_types.Le)]
    return annotation is float and low == [0.0] and high == [1.0]


class _Step:
    """Where a walk down the schema stands: the titles so far, the annotation and field reached."""

    def __init__(self) -> None:
        self.titles: list[str] = []
        self.annotation: Any = ScenarioConfig
        self.info: FieldInfo | None = None
        self.section = False


def _walk(path: str, sensors: Mapping[str, str] | list[Mapping[str, Any]]) -> _Step:
    """Follow a path down the scenario schema, collecting a title for each step.

    Args:
        path: The setting's path.
        sensors: Each deployment's kind by name, or the scenario's list of deployments (for ``sensors[i]``).
    """
    step = _Step()
    for part in _parts(path):
        annotation = _strip(step.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str) \
                and not part.startswith("["):
            info = annotation.model_fields.get(part)
            if info is None:
                step.titles.append(pretty(part))
                step.annotation, step.info = None, None
                continue
            section = isinstance(_strip(info.annotation), type) and issubclass(_strip(info.annotation), BaseModel)
            title = SECTION_TITLES.get(part, "") if section else info.title or pretty(part)
            if step.titles and step.section and _first_word(title) == _first_word(step.titles[-1]):
                step.titles.pop()  # "Access: Access grants" reads "Access grants"
            if part != "sensors" and title:
                step.titles.append(title)
            step.annotation, step.info, step.section = info.annotation, info, section
        elif step.info is SENSORS_FIELD:
            name, kind = _sensor(part, sensors)
            step.titles.append(f"{SENSOR_LABELS.get(kind, pretty(kind or 'sensor'))} '{name}'")
            step.annotation, step.info, step.section = SENSOR_MODELS.get(kind), None, False
        elif typing.get_origin(annotation) is dict:
            key = str(part).strip("[]")
            step.titles.append(KEY_LABELS.get(key, pretty(key)))
            step.annotation, step.info, step.section = typing.get_args(annotation)[1], None, False
        elif typing.get_origin(annotation) is list:
            step.titles.append(f"item {part}")
            step.annotation, step.info = typing.get_args(annotation)[0], None
        else:
            step.titles.append(pretty(str(part).strip("[]")))
            step.annotation, step.info = None, None
    return step


def _first_word(title: str) -> str:
    return re.split(r"[\s(:-]", title.lower(), maxsplit=1)[0] if title else ""


def _sensor(part: str | int, sensors: Mapping[str, str] | list[Mapping[str, Any]]) -> tuple[str, str | None]:
    """Return a deployment's name and kind from a ``[name]`` or index path part."""
    if isinstance(part, int):
        items = sensors if isinstance(sensors, list) else []
        item = items[part] if 0 <= part < len(items) else {}
        return str(item.get("name", f"number {part + 1}")), item.get("kind")
    name = part.strip("[]")
    if isinstance(sensors, Mapping):
        return name, sensors.get(name)
    kinds = {item.get("name"): item.get("kind") for item in sensors}
    return name, kinds.get(name)


def setting_title(path: str, sensors: Mapping[str, str] | list[Mapping[str, Any]] = ()) -> str:
    """Return a setting's title as the dashboard shows it.

    Args:
        path: Dotted path (``controls.access.grants.police``, ``sensors[cam].placement.districts``,
            ``sensors[0].sampling_interval_minutes``).
        sensors: Each deployment's kind by name, or the scenario's deployments as data (for index paths).

    Returns:
        The titles of each step joined by ': ' (``Access grants: Police``; ``CCTV camera 'cam': Districts``).
    """
    titles = _walk(path, sensors if sensors else {}).titles
    return SEPARATOR.join(titles) if titles else "The scenario"


def _words(value: Any) -> str:
    text = str(value)
    return SENSOR_LABELS.get(text) or KEY_LABELS.get(text) or pretty(text)


def plain_value(path: str, value: Any, sensors: Mapping[str, str] | list[Mapping[str, Any]] = ()) -> str:
    """Return a setting's value in words: on/off, a percentage for a share, labels for choices, 'none' if empty.

    Args:
        path: The setting's path (its schema says whether the value is a share or a choice).
        value: The value (``None`` for a setting the scenario does not have).
        sensors: As for :func:`setting_title`.
    """
    if value is None:
        return ABSENT
    step = _walk(path, sensors if sensors else {})
    if re.fullmatch(r"sensors\[[^\]]+\]", path):  # the deployment itself: its kind
        return SENSOR_LABELS.get(str(value), pretty(str(value)))
    if isinstance(value, bool):
        return "on" if value else "off"
    if path == "world.city":
        return CITY_WORDS.get(value, "an uploaded zone table" if value.startswith("upload:") else value)
    if isinstance(value, list | tuple):
        return ", ".join(_words(item) for item in value) if value else "none"
    if isinstance(value, str):
        items = [item.strip() for item in value.split(",")] if "," in value else [value]
        literal = typing.get_origin(_strip(step.annotation)) is Literal or typing.get_origin(_strip(step.annotation)) \
            is list
        return ", ".join(_words(item) for item in items) if literal else value
    if isinstance(value, float) and _is_share(step.annotation, step.info):
        return f"{value:.0%}" if round(value * 100, 6) == round(value * 100) else f"{value:.1%}"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}" if not path.endswith("seed") else str(value)
    return str(value)


def titled_problems(problems: list[str], sensors: Mapping[str, str] | list[Mapping[str, Any]] = (),
                    with_paths: bool = False) -> list[str]:
    """Return problem lines whose leading setting path reads as the setting's title.

    ``controls.differential_privacy.epsilon: found -3; ...`` becomes ``Differential privacy: Epsilon per release:
    found -3; ...`` (``with_paths``: ``... Epsilon per release (controls.differential_privacy.epsilon): ...``, for
    whoever will fix a scenario file). Lines that do not start with a path are kept as they are.

    Args:
        problems: Lines as :func:`simulation.scenario_errors.readable_problems` and the run checks write them.
        sensors: As for :func:`setting_title` (the scenario's deployments name ``sensors[i]``).
        with_paths: Keep each path in brackets after its title.
    """
    lines = []
    for line in problems:
        found = SETTING_PATH.match(line)
        if found and found[1] != "scenario":
            title = setting_title(found[1], sensors)
            lines.append(f"{title}{f' ({found[1]})' if with_paths else ''}: {line[found.end():]}")
        else:
            lines.append(line)
    return lines
