"""Scenario files: YAML in and out, refusing hostile input with one readable line per problem.

A scenario file is one YAML mapping of at most 1 MB of UTF-8 text. The loader builds plain data only (strings,
numbers, booleans, null, lists and mappings with string keys), refuses aliases (so an alias bomb cannot expand),
nesting deeper than :data:`MAX_DEPTH`, NaN and infinity, and then validates with pydantic in strict mode, so
``true`` is not a number and ``"5"`` is not an integer. Every problem becomes one line naming the field path, the
value found and what is allowed (:class:`ScenarioError`).

``dump_scenario`` writes every field explicitly, keys in schema order, so a file describes itself and
``parse_scenario(dump_scenario(config)) == config``.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import types
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
import yaml
from pydantic import BaseModel, ValidationError

from simulation.scenario import SENSOR_KINDS, ScenarioConfig

MAX_BYTES = 1_000_000
"""Largest scenario file accepted (1 MB)."""
MAX_DEPTH = 20
"""Deepest nesting of lists and mappings accepted (the schema needs 5)."""
MAX_NODES = 50_000
"""Most values (scalars, lists and mappings) accepted in one file."""
MAX_VALUE_CHARS = 60
"""Found values longer than this are shortened in messages."""


class ScenarioError(ValueError):
    """A scenario that cannot be used, with one readable line per problem.

    Args:
        problems: One line per problem: where, what was found, what is allowed.

    Attributes:
        problems: The same lines.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems) or ["invalid scenario"]
        super().__init__("\n".join(self.problems))


# ---------------------------------------------------------------- YAML reading


_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_REPLACED_TAGS = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _DataLoader(_FastLoader):  # type: ignore[misc, valid-type]
    """A safe loader (libyaml when installed) reading numbers the way people write them.

    Dates stay text, and only decimal numbers are numbers: YAML 1.1 would read ``12:30`` as 750 (base 60) and
    ``010`` as 8 (octal). Integers longer than 40 digits stay text (and are then refused as not an integer).
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_DataLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]{0,39})$"), list("-+0123456789"))
_DataLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
                  |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""", re.VERBOSE),
    list("-+0123456789."))


def _at(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "an unknown place"


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    if problem is None:
        return f"not valid YAML: {str(error).splitlines()[0]}"
    text = f"not valid YAML at {_at(getattr(error, 'problem_mark', None))}: {problem}"
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None:
        text += f" ({context} started at {_at(context_mark)})"
    return text


def _check_events(text: str, source: str) -> None:
    """Refuse aliases, several documents, deep nesting and too many values before anything is built.

    The event stream comes from the parser alone (libyaml when installed), so nothing is expanded or
    composed: an alias bomb or a megabyte of brackets is refused at its first alias or its 21st level.
    """
    depth = nodes = documents = 0
    for event in yaml.parse(text, Loader=_DataLoader):
        if isinstance(event, yaml.AliasEvent):
            raise ScenarioError([f"{source}: alias *{event.anchor} at {_at(event.start_mark)}: aliases are not "
                                 "allowed in a scenario file; write the value out"])
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise ScenarioError([f"{source}: several YAML documents (the second starts at "
                                     f"{_at(event.start_mark)}); a scenario file holds exactly one"])
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ScenarioError([f"{source}: nesting deeper than {MAX_DEPTH} levels at "
                                     f"{_at(event.start_mark)}; a scenario needs at most 5"])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise ScenarioError([f"{source}: more than {MAX_NODES:,} values; a scenario needs far fewer"])
    if documents == 0:
        raise ScenarioError([f"{source}: the file is empty; a scenario is a mapping such as 'name: my_city'"])


def _read_yaml(text: str, source: str) -> Any:
    """Return the single YAML document of ``text`` as plain data (no aliases, bounded depth and size)."""
    try:
        _check_events(text, source)
        return yaml.load(text, Loader=_DataLoader)  # noqa: S506 (a safe loader)
    except ScenarioError:
        raise
    except yaml.YAMLError as error:
        raise ScenarioError([f"{source}: {_yaml_problem(error)}"]) from None
    except (ValueError, TypeError, OverflowError) as error:
        raise ScenarioError([f"{source}: a value cannot be read: {error}"]) from None


def _plain_data_problems(value: Any, path: str = "") -> list[str]:
    """Return problems with keys that are not text and numbers that are not finite."""
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(f"{path or 'top level'}: key {_show(key)} is not text; keys must be field names")
                continue
            problems += _plain_data_problems(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problems += _plain_data_problems(item, f"{path}[{i}]")
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{path}: found {value}; NaN and infinity are not allowed, give a finite number")
    elif not isinstance(value, str | int | float | bool | type(None)):
        problems.append(f"{path}: found a {type(value).__name__} value; only text, numbers, true/false, "
                        "lists and mappings are allowed")
    return problems


# ---------------------------------------------------------------- readable validation errors


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (empty)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 3] + "..."


def _strip(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _step(annotation: Any, part: str | int) -> Any:
    """Return the annotation one location step below ``annotation`` (None if unknown)."""
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part) if isinstance(part, str) else None
        return field if field is None else _FieldRef(field)
    if _is_union(annotation):
        for member in get_args(annotation):
            member = _strip(member)
            kind = getattr(member, "model_fields", {}).get("kind")
            if kind is not None and part in get_args(kind.annotation):
                return member
        return None
    origin = get_origin(annotation)
    if origin is list and isinstance(part, int):
        return get_args(annotation)[0]
    if origin is dict and isinstance(part, str):
        return get_args(annotation)[1]
    return None


class _FieldRef:
    """A model field met while walking a location: its annotation plus its own constraints."""

    def __init__(self, field: Any) -> None:
        self.field = field


def _resolve(loc: tuple) -> tuple[Any, list]:
    """Return the annotation at ``loc`` and the constraints met on the last step."""
    annotation: Any = ScenarioConfig
    constraints: list = []
    for part in loc:
        found = _step(annotation, part)
        if found is None:
            return None, []
        if isinstance(found, _FieldRef):
            constraints = list(found.field.metadata)
            found = found.field.annotation
        else:
            constraints = []
        while get_origin(found) is Annotated:
            for meta in get_args(found)[1:]:
                constraints += list(getattr(meta, "metadata", [meta]))
            found = get_args(found)[0]
        annotation = found
    return annotation, constraints


def _range_text(constraints: list) -> str:
    low = high = None
    for item in constraints:
        if isinstance(item, annotated_types.Ge):
            low = f"at least {item.ge}"
        elif isinstance(item, annotated_types.Gt):
            low = f"more than {item.gt}"
        elif isinstance(item, annotated_types.Le):
            high = f"at most {item.le}"
        elif isinstance(item, annotated_types.Lt):
            high = f"less than {item.lt}"
    return " and ".join(part for part in (low, high) if part)


def _allowed_fields(loc: tuple) -> list[str]:
    annotation = _resolve(loc)[0] if loc else ScenarioConfig
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _path(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "scenario"


def _display_loc(loc: tuple) -> tuple:
    """Drop the discriminator tag pydantic inserts after a sensor's index and the '[key]' marker."""
    parts = list(loc)
    if len(parts) > 2 and parts[0] == "sensors" and isinstance(parts[1], int) and parts[2] in SENSOR_KINDS:
        del parts[2]
    if parts and parts[-1] == "[key]":
        parts.pop()
    return tuple(parts)


def _choices(expected: str) -> str:
    return expected.replace("'", "").replace(" or ", ", ")


def _problem(item: dict) -> str:
    """Return one readable line for one pydantic error."""
    loc = tuple(item["loc"])
    kind = item["type"]
    ctx = item.get("ctx", {})
    where = _path(_display_loc(loc))
    value = item.get("input")
    if kind == "extra_forbidden":
        parent = loc[:-1]
        allowed = _allowed_fields(parent)
        name = loc[-1]
        hint = difflib.get_close_matches(str(name), allowed, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        return (f"{_path(_display_loc(parent))}: unknown field '{name}'{suggestion}; "
                f"allowed: {', '.join(allowed)}")
    if kind == "missing":
        return f"{where}: required field missing"
    if kind == "literal_error":
        label = "unknown key" if loc and loc[-1] == "[key]" else "found"
        return f"{where}: {label} {_show(value)}; allowed: {_choices(ctx.get('expected', ''))}"
    if kind == "union_tag_invalid":
        return f"{where}.kind: found {_show(ctx.get('tag'))}; allowed: {_choices(ctx.get('expected_tags', ''))}"
    if kind == "union_tag_not_found":
        return f"{where}: the sensor has no 'kind'; allowed kinds: {', '.join(SENSOR_KINDS)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        allowed = _range_text(_resolve(loc)[1]) or item["msg"].lower().replace("input should be ", "")
        return f"{where}: found {_show(value)}; allowed: {allowed}"
    if kind == "string_pattern_mismatch":
        return (f"{where}: found {_show(value)}; allowed: lowercase letters, digits, '_' and '-', "
                "starting with a letter or digit")
    if kind in ("too_long", "too_short", "string_too_long", "string_too_short"):
        return f"{where}: {item['msg'].lower()}"
    if kind in ("int_type", "int_from_float", "float_type", "bool_type", "string_type", "list_type", "dict_type",
                "model_type", "model_attributes_type", "finite_number"):
        expected = item["msg"].replace("Input should be ", "")
        return f"{where}: found {_show(value)}; expected {expected}"
    if kind == "value_error":
        return f"{where}: {str(ctx.get('error', item['msg']))}"
    return f"{where}: {item['msg']} (found {_show(value)})"


def readable_problems(error: ValidationError) -> list[str]:
    """Return one readable line per problem of a pydantic validation error.

    Each line names the field path (``controls.differential_privacy.epsilon``), the value found and what is
    allowed: a range, the literal choices, the known fields (with the closest match suggested), or the rule broken.
    """
    if not isinstance(error, ValidationError):
        return [str(error)]
    return [_problem(item) for item in error.errors(include_url=False)]


# ---------------------------------------------------------------- public API


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
    data = _read_yaml(text, source)
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}: the document is {_show(data)}, not a mapping; a scenario is a mapping "
                             f"of fields such as 'name: my_city' (fields: {', '.join(ScenarioConfig.model_fields)})"])
    problems = _plain_data_problems(data)
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


class _ScenarioDumper(yaml.SafeDumper):
    """Writes lists of plain values on one line, multi-line text as a block, and never aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        """Write every value out."""
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(item, str | int | float | bool) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_YAML_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
"""Characters YAML reads as line breaks (YAML 1.1): only a double-quoted scalar keeps them exactly."""


def _read_as_non_text(data: str) -> bool:
    """Return whether :class:`_DataLoader` would read ``data``, written plain, as something other than text."""
    resolvers = _DataLoader.yaml_implicit_resolvers
    candidates = resolvers.get(data[:1], []) + resolvers.get(None, [])
    return any(regexp.match(data) for _tag, regexp in candidates)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = None
    if any(char in data for char in _YAML_BREAKS):
        style = '"'
    elif "\n" in data:
        style = "|"
    elif _read_as_non_text(data):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_ScenarioDumper.add_representer(list, _represent_list)
_ScenarioDumper.add_representer(str, _represent_str)


def _sensor_first_keys(sensor: dict[str, Any]) -> dict[str, Any]:
    return {"kind": sensor["kind"], "name": sensor["name"],
            **{k: v for k, v in sensor.items() if k not in ("kind", "name")}}


def dump_scenario(config: ScenarioConfig) -> str:
    """Return the scenario as YAML with every field explicit, keys in schema order (each sensor's kind first)."""
    data = config.model_dump(mode="json")
    data["sensors"] = [_sensor_first_keys(sensor) for sensor in data["sensors"]]
    return yaml.dump(data, Dumper=_ScenarioDumper, sort_keys=False, allow_unicode=True, width=100)


def save_scenario(config: ScenarioConfig, path: str | os.PathLike[str]) -> None:
    """Write the scenario to a YAML file (UTF-8), as :func:`dump_scenario` gives it."""
    Path(path).write_text(dump_scenario(config), encoding="utf-8")


__all__ = ["MAX_BYTES", "MAX_DEPTH", "ScenarioError", "dump_scenario", "load_scenario", "parse_scenario",
           "readable_problems", "save_scenario"]
