"""Shareable links: a scenario as URL query parameters, and back.

A link names the preset it starts from (``preset``) and carries only the settings that differ from it (``s``:
compact JSON, zlib-compressed, base64url without padding). Opening the link rebuilds the same scenario, so it
reproduces the same results in any browser. A link is checked exactly as strictly as a scenario file: its length
before decoding, its unpacked size while decoding, its nesting depth and number of values before JSON is parsed
(:func:`simulation.safe_json.read_json`: no RecursionError), keys given twice, NaN and infinity refused, and the
merged scenario validated in strict mode (:func:`simulation.scenario_io.scenario_from_data`: ``seed: true`` and
``"300"`` are refused as in a file). A damaged link yields a short list of problems, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from simulation.safe_json import read_json
from simulation.scenario import ScenarioConfig
from simulation.scenario_errors import ScenarioError, capped, show_value
from simulation.scenario_io import scenario_from_data

PRESET_PARAM = "preset"
DIFF_PARAM = "s"
REPLACE = "__replace__"
MAX_PARAM_CHARS = 8000
"""Longest scenario part of a link, checked before decoding (a link of every setting changed is about 2,000)."""
MAX_JSON_BYTES = 200_000
"""Largest scenario part once unpacked; unpacking stops there."""


class LinkError(ValueError):
    """A shared link that cannot be opened; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = capped(problems)
        super().__init__("; ".join(self.problems))


DAMAGED = ("the link's scenario part is damaged (it may have been cut short when copied); copy the whole link "
           "again")
_SAME = object()


def _diff(new: Any, old: Any) -> Any:
    if isinstance(new, dict) and isinstance(old, dict):
        if set(new) != set(old):
            return {REPLACE: new}
        changed = {key: d for key in new if (d := _diff(new[key], old[key])) is not _SAME}
        return changed or _SAME
    return _SAME if new == old and type(new) is type(old) else new


def diff(new: Any, old: Any) -> Any:
    """Return what turns ``old`` into ``new``: changed keys of nested dicts; other values whole.

    A dict whose key set changed is wrapped as ``{"__replace__": new}``, so removed keys are not merged back.
    Returns ``None`` when nothing differs (the top level is always a scenario dict, never None itself).
    """
    changes = _diff(new, old)
    return None if changes is _SAME else changes


def merge(base: Any, changes: Any) -> Any:
    """Apply a :func:`diff` to ``base`` and return the result (``base`` is not modified)."""
    if isinstance(changes, dict) and REPLACE in changes and len(changes) == 1:
        return changes[REPLACE]
    if isinstance(changes, dict) and isinstance(base, dict):
        merged = dict(base)
        for key, value in changes.items():
            merged[key] = merge(base.get(key), value)
        return merged
    return changes


def encode_blob(data: Any) -> str:
    """Return JSON data as compact, URL-safe text (zlib + base64url, no padding)."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(text, 9)).decode("ascii").rstrip("=")


def decode_blob(blob: str) -> Any:
    """Return the JSON data of :func:`encode_blob` text.

    Raises:
        LinkError: If the text is too long, not base64url, not zlib, too large or too deep once unpacked, or not
            JSON.
    """
    if len(blob) > MAX_PARAM_CHARS:
        raise LinkError([f"the link's scenario part is {len(blob):,} characters; at most {MAX_PARAM_CHARS:,} "
                         "allowed"])
    try:
        raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(raw, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise LinkError(["the link's scenario part is too large once unpacked"])
        text = text.decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError) as error:
        if isinstance(error, LinkError):
            raise
        raise LinkError([DAMAGED]) from None
    try:
        return read_json(text, "the link's scenario part")
    except ScenarioError as error:
        raise LinkError(error.problems if "not valid JSON" not in str(error) else [DAMAGED]) from None


def scenario_params(config: ScenarioConfig, preset_name: str, preset: ScenarioConfig) -> dict[str, str]:
    """Return the query parameters that reopen ``config``.

    Args:
        config: The scenario to share.
        preset_name: The preset it starts from.
        preset: That preset's scenario.
    """
    params = {PRESET_PARAM: preset_name}
    changes = diff(config.model_dump(mode="json"), preset.model_dump(mode="json"))
    if changes is not None:
        params[DIFF_PARAM] = encode_blob(changes)
    return params


def scenario_from_params(params: Mapping[str, str], load_preset: Callable[[str], ScenarioConfig],
                         preset_names: list[str]) -> tuple[str, ScenarioConfig]:
    """Rebuild the scenario of a shared link.

    Args:
        params: The URL's query parameters.
        load_preset: Returns a preset's scenario by name.
        preset_names: The presets that exist.

    Returns:
        The preset name and the scenario.

    Raises:
        LinkError: If the preset is unknown or the scenario part is damaged or invalid.
    """
    name = params.get(PRESET_PARAM, "")
    if name not in preset_names:
        raise LinkError([f"the link names preset {show_value(name)}, which does not exist; presets: "
                         f"{', '.join(preset_names)}"])
    preset = load_preset(name)
    if DIFF_PARAM not in params:
        return name, preset
    changes = decode_blob(params[DIFF_PARAM])
    if not isinstance(changes, dict):
        raise LinkError([DAMAGED])
    try:
        return name, scenario_from_data(merge(preset.model_dump(mode="json"), changes), "the link")
    except ScenarioError as error:
        raise LinkError(error.problems) from None
