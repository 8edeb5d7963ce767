"""JSON from outside (shared links, uploaded GeoJSON zone tables) read with the limits scenario files have.

Python's ``json`` module parses nesting by recursion, so a megabyte of ``[`` raises RecursionError; it also keeps
the last of two equal keys. :func:`read_json` measures the nesting depth and the number of values on the text
itself, before anything is parsed, and refuses a key given twice, so hostile JSON gets one readable line and
never an exception a user would see.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from simulation.scenario_errors import ScenarioError, show_value
from simulation.scenario_yaml import MAX_DEPTH, MAX_NODES

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_OPENING = np.frombuffer(b"[{", np.uint8)
_CLOSING = np.frombuffer(b"]}", np.uint8)


def structure(text: str) -> tuple[int, int]:
    """Return the deepest nesting of lists and objects in JSON text and a bound on how many values it holds.

    Strings are skipped first, so brackets inside them do not count. The count of values is at most the number
    of commas and openings plus one. Text that is not valid JSON gets numbers that are at most too large.
    """
    skeleton = np.frombuffer(_STRING.sub("", text).encode("utf-8", "replace"), np.uint8)
    steps = np.isin(skeleton, _OPENING).astype(np.int32) - np.isin(skeleton, _CLOSING).astype(np.int32)
    depth = int(np.cumsum(steps).max(initial=0))
    values = int(np.count_nonzero(skeleton == ord(",")) + np.count_nonzero(steps == 1)) + 1
    return depth, values


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ScenarioError([f"key {show_value(key)} is given twice in one object; give each key once"])
        seen[key] = value
    return seen


def read_json(text: str, source: str, max_depth: int = MAX_DEPTH, max_values: int = MAX_NODES) -> Any:
    """Parse JSON text whose nesting and size are checked first.

    Args:
        text: The JSON text.
        source: Where it came from, named in messages ("the link", a file name).
        max_depth: Deepest nesting of lists and objects allowed.
        max_values: Most values allowed.

    Returns:
        The parsed data (NaN and infinity are left for the caller's checks on plain data).

    Raises:
        ScenarioError: Too deep, too many values, a key given twice, or not JSON.
    """
    depth, values = structure(text)
    if depth > max_depth:
        raise ScenarioError([f"{source}: nesting deeper than {max_depth} levels"])
    if values > max_values:
        raise ScenarioError([f"{source}: more than {max_values:,} values"])
    try:
        return json.loads(text, object_pairs_hook=_refuse_repeated_keys)
    except ScenarioError as error:
        raise ScenarioError([f"{source}: {problem}" for problem in error.problems]) from None
    except (json.JSONDecodeError, ValueError, RecursionError) as error:
        raise ScenarioError([f"{source}: not valid JSON ({type(error).__name__})"]) from None
