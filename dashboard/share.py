"""Shareable links: a scenario as URL query parameters, and back.

A link names the preset it starts from (``preset``) and carries only the settings that differ from it (``s``:
compact JSON, zlib-compressed, base64url without padding). Opening the link rebuilds the same scenario, so it
reproduces the same results in any browser. Everything decoded is validated; a damaged link yields a list of
problems, never an exception a user would see.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from simulation.scenario import ScenarioConfig
from simulation.scenario_io import readable_problems

PRESET_PARAM = "preset"
DIFF_PARAM = "s"
REPLACE = "__replace__"
MAX_PARAM_CHARS = 8000
MAX_JSON_BYTES = 1_000_000


class LinkError(ValueError):
    """A shared link that cannot be opened; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


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
        LinkError: If the text is too long, not base64url, not zlib or not JSON.
    """
    if len(blob) > MAX_PARAM_CHARS:
        raise LinkError([f"the link's scenario part is {len(blob)} characters; at most {MAX_PARAM_CHARS} allowed"])
    try:
        raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(raw, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise LinkError(["the link's scenario part is too large once unpacked"])
        return json.loads(text.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        if isinstance(error, LinkError):
            raise
        raise LinkError(["the link's scenario part is damaged (it may have been cut short when copied); "
                         "copy the whole link again"]) from error


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
        raise LinkError([f"the link names preset {name!r}, which does not exist; presets: {', '.join(preset_names)}"])
    preset = load_preset(name)
    if DIFF_PARAM not in params:
        return name, preset
    changes = decode_blob(params[DIFF_PARAM])
    try:
        return name, ScenarioConfig.model_validate(merge(preset.model_dump(mode="json"), changes))
    except ValidationError as error:
        raise LinkError(readable_problems(error)) from error
