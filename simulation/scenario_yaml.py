"""Safe YAML for scenario files: plain data in, without aliases or deep nesting; explicit, exact YAML out.

Reading goes through the parser's event stream first (libyaml when installed), so aliases, several documents,
nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_NODES` values are refused before anything is built:
an alias bomb stops at its first alias. Only decimal numbers are numbers and dates stay text. A key given twice in
one mapping is refused with both line numbers (YAML libraries otherwise keep the last one silently, so a file that
shows ``residents: 10`` first could run with the second value), and so is a ``<<`` merge key. Writing quotes any
text the reader would take for something else, so what is written reads back exactly.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from simulation.scenario_errors import ScenarioError, show_value

MAX_DEPTH = 20
"""Deepest nesting of lists and mappings accepted (the schema needs 5)."""
MAX_NODES = 50_000
"""Most values (scalars, lists and mappings) accepted in one file."""


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

    def __init__(self, stream: str, source: str = "<text>") -> None:
        super().__init__(stream)
        self.source = source
        self.repeated_keys: list[tuple[int, str]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """Build a mapping, noting every key given twice (with both lines) and refusing merge keys."""
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ScenarioError([f"{self.source}: '<<' merge key at {_at(key_node.start_mark)}: merge keys are "
                                     "not allowed in a scenario file; write each key out"])
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a list or mapping as a key is refused later as a key that is not text
            key, line = self.construct_object(key_node), key_node.start_mark.line + 1
            if key in first_line:
                self.repeated_keys.append((line, f"{self.source}: key {show_value(key)} is given twice in one "
                                                 f"mapping, at line {first_line[key]} and line {line}; give each "
                                                 "key once"))
            else:
                first_line[key] = line
        return super().construct_mapping(node, deep=deep)


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


def read_yaml(text: str, source: str) -> Any:
    """Return the single YAML document of ``text`` as plain data (no aliases, bounded depth and size)."""
    try:
        _check_events(text, source)
        loader = _DataLoader(text, source)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except ScenarioError:
        raise
    except yaml.YAMLError as error:
        raise ScenarioError([f"{source}: {_yaml_problem(error)}"]) from None
    except (ValueError, TypeError, OverflowError) as error:
        raise ScenarioError([f"{source}: a value cannot be read: {error}"]) from None
    if loader.repeated_keys:
        raise ScenarioError([problem for _, problem in sorted(loader.repeated_keys)])
    return data


def plain_data_problems(value: Any, path: str = "") -> list[str]:
    """Return problems with keys that are not text and numbers that are not finite."""
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(f"{path or 'top level'}: key {show_value(key)} is not text; keys must be field names")
                continue
            problems += plain_data_problems(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problems += plain_data_problems(item, f"{path}[{i}]")
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{path}: found {value}; NaN and infinity are not allowed, give a finite number")
    elif not isinstance(value, str | int | float | bool | type(None)):
        problems.append(f"{path}: found a {type(value).__name__} value; only text, numbers, true/false, "
                        "lists and mappings are allowed")
    return problems


# ---------------------------------------------------------------- YAML writing


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


def to_yaml(data: Any) -> str:
    """Return plain data as block YAML, keys in their order, that :func:`read_yaml` reads back exactly."""
    return yaml.dump(data, Dumper=_ScenarioDumper, sort_keys=False, allow_unicode=True, width=100)
