"""The preset scenarios shipped in ``scenarios/``: listing them and loading one by name.

Each preset is a complete scenario file whose values from real deployments carry a comment citing them (sources in
``docs/city-deployments.md``). The first line of a preset's ``description`` reads ``Title: one-line summary``.
The default preset is the protective one (GDPR Art. 25, data protection by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulation.resources import shipped
from simulation.scenario import ScenarioConfig
from simulation.scenario_io import ScenarioError, load_scenario

PRESETS_DIR = shipped("scenarios")
"""Folder of the preset files (``<name>.yaml``); sweep specs live in its ``sweeps/`` subfolder."""
DEFAULT_PRESET = "gdpr_baseline"
"""The preset a run, the dashboard and the README start from."""


@dataclass(frozen=True)
class PresetInfo:
    """What a listing shows of one preset.

    Attributes:
        name: File name without ``.yaml``; what ``load_preset`` and the command line take.
        title: Short human title (before the colon of the description's first line).
        summary: One-line summary (after that colon).
        path: The preset file.
    """

    name: str
    title: str
    summary: str
    path: Path


def _title_and_summary(name: str, description: str) -> tuple[str, str]:
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    title, colon, summary = first.partition(":")
    if not colon:
        return name.replace("_", " ").capitalize(), first
    return title.strip(), summary.strip()


def _preset_paths() -> list[Path]:
    return sorted(PRESETS_DIR.glob("*.yaml"))


def list_presets() -> list[PresetInfo]:
    """Return every preset, the default first and the others by name.

    Raises:
        ScenarioError: If a preset file is invalid (a packaging error, caught by the tests).
    """
    infos = []
    for path in _preset_paths():
        config = load_scenario(path)
        title, summary = _title_and_summary(path.stem, config.description)
        infos.append(PresetInfo(name=path.stem, title=title, summary=summary, path=path))
    return sorted(infos, key=lambda info: (info.name != DEFAULT_PRESET, info.name))


def preset_names() -> list[str]:
    """Return the names of the presets, without loading them (the default first)."""
    names = [path.stem for path in _preset_paths()]
    return sorted(names, key=lambda name: (name != DEFAULT_PRESET, name))


def load_preset(name: str) -> ScenarioConfig:
    """Return the scenario of a preset.

    Args:
        name: The preset's name, e.g. ``"gdpr_baseline"``.

    Raises:
        ScenarioError: If no preset has that name (the message lists the known ones) or its file is invalid.
    """
    known = preset_names()
    if name not in known:
        raise ScenarioError([f"unknown preset {name!r}; presets: {', '.join(known)}"])
    return load_scenario(PRESETS_DIR / f"{name}.yaml")
