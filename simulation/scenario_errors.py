"""Readable validation errors: one line per problem naming the field path, the value found and what is allowed.

Turns pydantic's errors into lines such as ``controls.differential_privacy.epsilon: found -3; allowed: more than
0.0 and at most 20.0`` or ``world: unknown field 'dayz' (did you mean 'days'?); allowed: city, grid_size, ...``.
The allowed range is read from the schema's own constraints, so messages follow the schema when it changes.

Every message is bounded, whatever the input: a :class:`ScenarioError` keeps at most :data:`MAX_PROBLEMS` lines
(then says how many more there were) and each line at most :data:`MAX_PROBLEM_CHARS` characters, and values and
field names taken from the input are shortened to :data:`MAX_VALUE_CHARS`.
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError

from simulation.scenario import SENSOR_KINDS, ScenarioConfig

MAX_VALUE_CHARS = 60
"""Found values longer than this are shortened in messages."""
MAX_PROBLEMS = 20
"""Problems listed at most in one message; the rest are counted."""
MAX_PROBLEM_CHARS = 400
"""Longest line of a message; longer lines are cut."""


def shorten(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, ending in '...' when it was cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def capped(problems: list[str]) -> list[str]:
    """Return at most :data:`MAX_PROBLEMS` lines of at most :data:`MAX_PROBLEM_CHARS` characters each.

    When lines are dropped, the last line says how many.
    """
    lines = [shorten(str(problem), MAX_PROBLEM_CHARS) for problem in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"... and {len(problems) - MAX_PROBLEMS:,} more problems (fix these first)")
    return lines


class ScenarioError(ValueError):
    """A scenario that cannot be used, with one readable line per problem.

    Args:
        problems: One line per problem: where, what was found, what is allowed.

    Attributes:
        problems: The same lines, capped (:func:`capped`).
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = capped(list(problems)) or ["invalid scenario"]
        super().__init__("\n".join(self.problems))


def show_value(value: Any) -> str:
    """Return a value as a message shows it: YAML words for booleans and null, long text shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (empty)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return shorten(repr(value))


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


def _resolve(loc: tuple, root: type[BaseModel]) -> tuple[Any, list]:
    """Return the annotation at ``loc`` below ``root`` and the constraints met on the last step."""
    annotation: Any = root
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


def _allowed_fields(loc: tuple, root: type[BaseModel]) -> list[str]:
    annotation = _resolve(loc, root)[0] if loc else root
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _path(loc: tuple) -> str:
    text = ""
    for part in loc:
        part = part if isinstance(part, int) else shorten(str(part))
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
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


def _problem(item: dict, root: type[BaseModel]) -> str:
    """Return one readable line for one pydantic error of a ``root`` model."""
    loc = tuple(item["loc"])
    kind = item["type"]
    ctx = item.get("ctx", {})
    where = _path(_display_loc(loc))
    value = item.get("input")
    if kind == "extra_forbidden":
        parent = loc[:-1]
        allowed = _allowed_fields(parent, root)
        name = shorten(str(loc[-1]))
        hint = difflib.get_close_matches(name, allowed, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        return (f"{_path(_display_loc(parent))}: unknown field {name!r}{suggestion}; "
                f"allowed: {', '.join(allowed)}")
    if kind == "missing":
        return f"{where}: required field missing"
    if kind == "literal_error":
        label = "unknown key" if loc and loc[-1] == "[key]" else "found"
        return f"{where}: {label} {show_value(value)}; allowed: {_choices(ctx.get('expected', ''))}"
    if kind == "union_tag_invalid":
        return f"{where}.kind: found {show_value(ctx.get('tag'))}; allowed: {_choices(ctx.get('expected_tags', ''))}"
    if kind == "union_tag_not_found":
        return f"{where}: the sensor has no 'kind'; allowed kinds: {', '.join(SENSOR_KINDS)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        allowed = _range_text(_resolve(loc, root)[1]) or item["msg"].lower().replace("input should be ", "")
        return f"{where}: found {show_value(value)}; allowed: {allowed}"
    if kind == "string_pattern_mismatch":
        return (f"{where}: found {show_value(value)}; allowed: lowercase letters, digits, '_' and '-', "
                "starting with a letter or digit")
    if kind in ("string_too_long", "string_too_short", "too_long", "too_short"):
        unit = "characters" if kind.startswith("string") else "items"
        size = len(value) if isinstance(value, str | list | dict) else ctx.get("actual_length", "?")
        bound = ctx.get("max_length", ctx.get("min_length"))
        limit = f"{'at most' if 'max_length' in ctx else 'at least'} {bound} {unit.rstrip('s') if bound == 1 else unit}"
        return f"{where}: found {size:,} {unit}; allowed: {limit}"
    if kind in ("int_type", "int_from_float", "float_type", "bool_type", "string_type", "list_type", "dict_type",
                "model_type", "model_attributes_type", "finite_number"):
        expected = item["msg"].replace("Input should be ", "")
        return f"{where}: found {show_value(value)}; expected {expected}"
    if kind == "value_error":
        return f"{where}: {str(ctx.get('error', item['msg']))}"
    return f"{where}: {item['msg']} (found {show_value(value)})"


def readable_problems(error: ValidationError, root: type[BaseModel] = ScenarioConfig) -> list[str]:
    """Return one readable line per problem of a pydantic validation error.

    Each line names the field path (``controls.differential_privacy.epsilon``), the value found and what is
    allowed: a range, the literal choices, the known fields (with the closest match suggested), or the rule broken.

    Args:
        error: The error.
        root: The model that was validated (a scenario unless told otherwise, e.g. a sweep spec).
    """
    if not isinstance(error, ValidationError):
        return [str(error)]
    return [_problem(item, root) for item in error.errors(include_url=False)]
