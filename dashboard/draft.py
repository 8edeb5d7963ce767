"""The scenario being edited: a draft beside the scenario that ran, and the edits that change it.

The sidebar's editor (:mod:`dashboard.editor`) never changes the current scenario while a planner edits: every
widget writes into the session's *draft* (the scenario as data, ``model_dump(mode="json")``), and only Run makes
the draft the current scenario (:func:`run_draft`). So the page always shows results of the scenario that ran, the
editor can say which changes are not yet run, and a deployment can be added, removed or duplicated between runs.

Session keys: ``draft`` (the data), ``draft_ids`` (a stable number per sensor deployment, in the draft's order:
widget keys use it, so removing a deployment leaves the others' widgets in place), ``draft_next_id``,
``draft_base`` (the scenario the draft started from: when another page loads a scenario, the draft starts afresh)
and ``draft_bindings`` (which widget edits which setting, from the last time the editor was drawn).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import ValidationError

from dashboard import stages, state
from dashboard.widgets import Binding, apply_bindings
from simulation.labels import SENSOR_LABELS
from simulation.presets import PresetInfo
from simulation.scenario import ScenarioConfig, SensorKind
from simulation.scenario_diff import sensor_kinds, setting_changes
from simulation.scenario_io import readable_problems
from simulation.scenario_titles import plain_value, setting_title, titled_problems

NEW_SENSOR_SHARE = 0.1
"""A new deployment starts in this share of its kind's eligible zones (0 would place no device)."""
EDITED_SUFFIX = "_edited"
EDITED_PREFIX = "Edited from preset"
MAX_NAME = 64


def _session():
    return st.session_state


def reset(config: ScenarioConfig, new_widgets: bool = True) -> None:
    """Start the draft afresh from a scenario.

    Args:
        config: The scenario.
        new_widgets: Give the editor's widgets new keys, so they show the scenario's values (not their own).
    """
    session = _session()
    session["draft"] = config.model_dump(mode="json")
    session["draft_ids"] = list(range(len(config.sensors)))
    session["draft_next_id"] = len(config.sensors)
    session["draft_base"] = config
    session["draft_bindings"] = []
    if new_widgets:
        session["form_epoch"] = session.get("form_epoch", 0) + 1
    session["draft_epoch"] = session.get("form_epoch", 0)


def current() -> dict[str, Any]:
    """Return the draft, started afresh when the current scenario was loaded or changed elsewhere since."""
    session = _session()
    if "draft" not in session or session.get("draft_base") is not state.scenario():
        # a scenario loaded by state._load has new widget keys already; one changed elsewhere needs them
        reset(state.scenario(), new_widgets=session.get("draft_epoch") == session.get("form_epoch"))
    return session["draft"]


def sensor_ids() -> list[int]:
    """Return the stable numbers of the draft's sensor deployments, in order."""
    current()
    return _session()["draft_ids"]


def remember_bindings(bindings: list[Binding]) -> None:
    """Keep the widgets drawn this time, for :func:`sync` before the next edit."""
    _session()["draft_bindings"] = list(bindings)


def sync() -> dict[str, Any]:
    """Write the editor's widget values into the draft and return it.

    Callbacks call it first, and the editor before it draws anything, so the widget changed last already counts
    (a new number of days bounds the residents at once). Edits that move deployments drop the bindings, whose
    paths name positions.
    """
    return apply_bindings(current(), _session().get("draft_bindings", []), st.session_state)


def validated(data: dict[str, Any]) -> tuple[ScenarioConfig | None, list[str]]:
    """Return the draft as a scenario, or None and why it cannot run (fields named by their titles)."""
    try:
        config = ScenarioConfig.model_validate(data)
    except ValidationError as error:
        return None, titled_problems(readable_problems(error), data.get("sensors", []))
    problems = stages.scenario_problems(config)
    return (None, titled_problems(problems, data.get("sensors", []))) if problems else (config, [])


@dataclass(frozen=True)
class Change:
    """One setting that differs between two scenarios.

    Attributes:
        path: Its dotted path (sensors by name).
        title: Its title (:func:`simulation.scenario_titles.setting_title`).
        before: Its value in the first scenario (None: absent).
        after: Its value in the second.
        before_words: ``before`` in plain words.
        after_words: ``after`` in plain words.
    """

    path: str
    title: str
    before: Any
    after: Any
    before_words: str
    after_words: str


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Return the settings that differ between two scenarios' data, in the scenario's order."""
    kinds = sensor_kinds(old, new)
    return [Change(path, setting_title(path, kinds), before, after, plain_value(path, before, kinds),
                   plain_value(path, after, kinds))
            for path, (before, after) in setting_changes({"old": old, "new": new}, ignore=()).items()]


def changes(data: dict[str, Any] | None = None) -> list[Change]:
    """Return the draft's changes not yet run."""
    return changes_between(state.scenario().model_dump(mode="json"), current() if data is None else data)


# ---------------------------------------------------------------- edits (widget callbacks)


def _unique_name(base: str, taken: set[str]) -> str:
    for n in range(1, 1000):
        name = f"{base[: MAX_NAME - 4]}_{n}"
        if name not in taken:
            return name
    return base


def add_sensor(kind_key: str, choice_key: str) -> None:
    """Add a deployment of the kind chosen in the widget ``kind_key``, with the schema's defaults, and show it.

    Args:
        kind_key: The key of the widget choosing the kind.
        choice_key: The key of the widget choosing which deployment is shown.
    """
    data = sync()
    kind: SensorKind = st.session_state[kind_key]
    slot = data["world"]["slot_minutes"]
    sensor = ScenarioConfig.model_validate({"sensors": [{"kind": kind, "name": "new"}]}).sensors[0]
    item = sensor.model_dump(mode="json")
    item["name"] = _unique_name(kind, {s["name"] for s in data["sensors"]})
    item["placement"]["zone_share"] = NEW_SENSOR_SHARE
    item["sampling_interval_minutes"] = on_slot_grid(item["sampling_interval_minutes"], slot)
    _insert(item, len(data["sensors"]), choice_key)


def duplicate_sensor(index: int, choice_key: str) -> None:
    """Add a copy of a deployment (under a new name) just after it, and show the copy."""
    data = sync()
    item = copy.deepcopy(data["sensors"][index])
    item["name"] = _unique_name(item["name"], {s["name"] for s in data["sensors"]})
    _insert(item, index + 1, choice_key)


def remove_sensor(index: int) -> None:
    """Remove a deployment (the editor then shows the first one)."""
    data = sync()
    del data["sensors"][index]
    del _session()["draft_ids"][index]
    _session()["draft_bindings"] = []  # their paths name positions that moved


def _insert(item: dict[str, Any], at: int, choice_key: str) -> None:
    session = _session()
    session["draft_bindings"] = []  # their paths name positions that moved
    session["draft"]["sensors"].insert(at, item)
    session["draft_ids"].insert(at, session["draft_next_id"])
    session[choice_key] = session["draft_next_id"]
    session["draft_next_id"] += 1


def set_zones(index: int, zones: list[int]) -> None:
    """Place a deployment in exactly these zones, beside its districts and share."""
    sync()["sensors"][index]["placement"]["zones"] = sorted({int(zone) for zone in zones})


def discard() -> None:
    """Drop every change not yet run."""
    reset(state.scenario())


def run_draft(widget_keys: dict[str, str]) -> None:
    """Run button callback: make the draft the current scenario, or keep why it cannot run.

    A scenario edited from a preset that still carries the preset's name is named ``<preset>_edited`` and
    described as edited from it, so its downloads never pass for the preset.

    Args:
        widget_keys: The keys of the widgets of top-level fields the run may change (``name``, ``description``):
            they are set to the values the scenario gets.
    """
    session = _session()
    data = sync()
    config, _ = validated(data)
    if config is None:
        return  # the run bar lists the problems
    reference = state.reference()
    config = edited_name(config, stages.preset_config(reference), stages.presets()[reference])
    session["last_edit"] = (state.scenario(), config)  # for the note when no number moves
    state.apply_changes(config)
    session["draft"] = config.model_dump(mode="json")
    session["draft_base"] = config
    for field, widget_key in widget_keys.items():
        session[widget_key] = getattr(config, field)


def edited_name(config: ScenarioConfig, preset: ScenarioConfig, info: PresetInfo) -> ScenarioConfig:
    """Return a scenario named and described as an edit of a preset, unless it is the preset or named apart.

    Args:
        config: The scenario about to run.
        preset: The preset it was edited from.
        info: That preset's title.

    Returns:
        The preset itself when no setting differs; else ``config`` with the name ``<preset>_edited`` if it still
        had the preset's, and a description listing the changes if it had the preset's (or an earlier edit's).
    """
    unnamed = {"name": preset.name, "description": preset.description}
    if config.model_copy(update=unnamed) == preset:
        return preset
    update = {}
    if config.name == preset.name:
        update["name"] = (preset.name[: MAX_NAME - len(EDITED_SUFFIX)] + EDITED_SUFFIX)
    if config.description == preset.description or config.description.startswith(EDITED_PREFIX):
        ran, data = preset.model_dump(mode="json"), config.model_dump(mode="json")
        kinds = sensor_kinds(ran, data)
        listed = [f"{setting_title(path, kinds)}: {plain_value(path, after, kinds)}"
                  for path, (_, after) in setting_changes({"preset": ran, "config": data}).items()]
        text = f"{EDITED_PREFIX} '{info.title}' ({preset.name}). Changed: " + "; ".join(listed) + "."
        update["description"] = text if len(text) <= 2000 else text[:1996] + "..."
    return config.model_copy(update=update)


def on_slot_grid(minutes: int, slot: int) -> int:
    """Return a sampling interval moved up to the next multiple of the world's time slot (at most a day)."""
    return int(min(24 * 60, max(slot, math.ceil(minutes / slot) * slot)))


def sensor_label(item: dict[str, Any]) -> str:
    """Return how a deployment is listed: its name and kind."""
    return f"{item['name']} ({SENSOR_LABELS.get(item['kind'], item['kind'])})"
