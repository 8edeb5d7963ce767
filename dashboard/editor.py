"""The whole scenario, editable in the sidebar: a run bar that stays in view, then every section of the scenario.

Widgets write into the session's draft (:mod:`dashboard.draft`), never into the scenario that ran: the run bar at
the top of the sidebar says how many changes are not yet run (and lists them by title), why the draft cannot run
if it cannot (fields named by their titles), and holds Run and Discard. It stays in view while the sidebar scrolls.
No ``st.form``: a form's value reached the server only with its submit button, so the page could not say what was
pending, and a click on the submit button right after closing a list with Escape was lost.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import streamlit as st

from dashboard import cities, draft, sensor_editor, stages, state
from dashboard.components import problems_box
from dashboard.safe_text import md
from dashboard.widgets import Binding, describe_field, render_field, section_inputs, section_title
from simulation.no_effect import cannot_change, why_unchanged
from simulation.scenario import (
    AdversaryConfig,
    ControlsConfig,
    PopulationConfig,
    ScenarioConfig,
    WorldConfig,
)
from simulation.world.city import City, CityError
from simulation.world.city_source import load_city

RUN_BAR_KEY = "run_bar"
RUN_BAR_CSS = ("<style>[data-testid='stLayoutWrapper']:has(> .st-key-run_bar) {position: sticky; top: 0; "
               "z-index: 999; background: rgb(240, 242, 246); padding: 0.4rem 0 0.6rem 0; "
               "border-bottom: 1px solid #d5d8de;}</style>")
"""Keeps the run bar at the top of the sidebar while it scrolls (the light theme's sidebar colour behind it)."""
MAX_CHANGES_LISTED = 12
REPORTED_ONLY = ("risk_dp_epsilon_total",)
"""Outcomes that report a setting rather than measure its effect (the total epsilon follows epsilon itself)."""
JS_MAX_INT = 2**53 - 1
"""Largest whole number a browser's number box holds exactly."""
WORLD_FIELDS = ("city", "days", "start_weekday", "slot_minutes")
GENERATED_FIELDS = ("grid_size", "zone_size_m")


@st.cache_resource(max_entries=8, show_spinner=False)
def _loaded_city(city: str, grid_size: int, zone_size_m: float, seed: int) -> City:
    return load_city(WorldConfig(city=city, grid_size=grid_size, zone_size_m=zone_size_m), seed)


def draft_city(data: dict[str, Any]) -> City | None:
    """Return the draft's city (its districts and zones), or None if it cannot be loaded."""
    world = data["world"]
    upload = cities.uploaded(world["city"])
    if upload is not None:
        return upload.city
    if world["city"] not in cities.choices():
        return None
    generated = world["city"] == "generated"  # only a generated city depends on the grid and the seed
    defaults = WorldConfig()
    try:
        return _loaded_city(world["city"], world["grid_size"] if generated else defaults.grid_size,
                            world["zone_size_m"] if generated else defaults.zone_size_m,
                            data["seed"] if generated else 0)
    except CityError:
        return None


def _scenario_section(data: dict[str, Any], key: str) -> list[Binding]:
    fields = ScenarioConfig.model_fields
    with st.expander("Scenario name and seed", expanded=False):
        for name in ("name", "description"):  # set through the session: a run may rename the scenario
            st.session_state.setdefault(f"{key}.{name}", data[name])
        st.text_input(fields["name"].title, key=f"{key}.name",
                      help="Lowercase letters, digits, '_' and '-'. Downloads carry this name. A preset you change "
                           "is named '<preset>_edited' when it runs, unless you name it here.")
        st.text_area(fields["description"].title, key=f"{key}.description", max_chars=2000, height=100)
        bindings = [(f"{key}.name", ("name",)), (f"{key}.description", ("description",))]
        if data["seed"] <= JS_MAX_INT:
            spec = replace(describe_field("seed", fields["seed"]), maximum=JS_MAX_INT)
            render_field(spec, data["seed"], f"{key}.seed")
            bindings.append((f"{key}.seed", ("seed",)))
        else:
            st.caption(f"Seed {data['seed']} (beyond what a browser can edit: change it in the scenario file).")
    return bindings


def _city_section(data: dict[str, Any], key: str) -> list[Binding]:
    """City, days and residents, within this server's resident-days cap; the other population shares."""
    world, population = data["world"], data["population"]
    cap = stages.server().limits.max_resident_days
    bindings: list[Binding] = []
    with st.expander("City, days and residents", expanded=False):
        options = cities.choices()
        if world["city"] not in options:
            options = {world["city"]: world["city"], **options}
        st.selectbox(WorldConfig.model_fields["city"].title, list(options), index=list(options).index(world["city"]),
                     format_func=options.get, key=f"{key}.world.city",
                     help="The default city, a shipped zone table, or your own (upload it on the Export page).")
        bindings.append((f"{key}.world.city", ("world", "city")))
        fields = WorldConfig.model_fields
        max_days = max(1, min(fields["days"].metadata[1].le, cap // max(population["residents"], 1)))
        days = min(world["days"], max_days)
        if max_days > 1:
            st.slider(fields["days"].title, 1, max_days, days, key=f"{key}.world.days",
                      help=f"{fields['days'].description} This server runs at most {cap:,} resident-days "
                           "(residents x days).")
            bindings.append((f"{key}.world.days", ("world", "days")))
        max_residents = max(10, min(PopulationConfig.model_fields["residents"].metadata[1].le, cap // days))
        st.number_input("Residents", min_value=10, max_value=max_residents,
                        value=min(population["residents"], max_residents), step=100, key=f"{key}.population.residents",
                        help=f"Simulated residents. This server runs at most {cap:,} resident-days: with {days} days, "
                             f"at most {max_residents:,} residents (the command line has no such limit).")
        bindings.append((f"{key}.population.residents", ("population", "residents")))
        st.caption(f"{population['residents'] * days:,} of at most {cap:,} resident-days.")
        skip = tuple(name for name in WorldConfig.model_fields if name not in WORLD_FIELDS[2:]
                     and not (world["city"] == "generated" and name in GENERATED_FIELDS))
        bindings += section_inputs(WorldConfig, world, f"{key}.world", ("world",), skip=skip)
        bindings += section_inputs(PopulationConfig, population, f"{key}.population", ("population",),
                                   skip=("residents", "archetype_shares", "real_population"))
    return bindings


def control_groups() -> dict[str, list[str]]:
    """Return the controls grouped by the stage their class docstring names ('At capture: ...')."""
    groups: dict[str, list[str]] = {}
    for name, info in ControlsConfig.model_fields.items():
        doc = (info.annotation.__doc__ or "").strip()
        stage = doc.split(":", 1)[0] if ":" in doc.splitlines()[0] else "Other"
        groups.setdefault(stage, []).append(name)
    return groups


def _controls_sections(data: dict[str, Any], key: str) -> list[Binding]:
    bindings: list[Binding] = []
    for stage, names in control_groups().items():
        with st.expander(f"Controls {stage.lower()}", expanded=False):
            for name in names:
                info = ControlsConfig.model_fields[name]
                section = info.annotation
                title, doc = section_title(section, name)
                st.markdown(f"##### {title}", help=doc)
                bindings += section_inputs(section, data["controls"][name], f"{key}.controls.{name}",
                                           ("controls", name))
    return bindings


def _adversary_and_weights(data: dict[str, Any], key: str) -> list[Binding]:
    bindings: list[Binding] = []
    with st.expander("Adversary", expanded=False):
        bindings += section_inputs(AdversaryConfig, data["adversary"], f"{key}.adversary", ("adversary",))
    with st.expander("Service weights", expanded=False):
        info = ScenarioConfig.model_fields["utility_weights"]
        st.caption(info.description + " A weight of 0 leaves a service out.")
        spec = describe_field("utility_weights", info)
        render_field(spec, data["utility_weights"], f"{key}.utility_weights",
                     default=info.get_default(call_default_factory=True))
        bindings += [(f"{key}.utility_weights.{option}", ("utility_weights", option)) for option in spec.options]
    return bindings


def _run_bar(key: str) -> None:
    """Run and Discard first (they never move), then what is pending and why it cannot run."""
    data = draft.sync()
    pending = draft.changes(data)
    config, problems = draft.validated(data) if pending else (None, [])
    run, discard = st.columns([3, 2])
    run.button("Run scenario", type="primary", width="stretch", key="run_scenario", on_click=draft.run_draft,
               args=({"name": f"{key}.name", "description": f"{key}.description"},), icon=":material/play_arrow:")
    discard.button("Discard", width="stretch", key="discard_changes", on_click=draft.discard, disabled=not pending,
                   help="Drop the changes not yet run.")
    if pending:
        st.warning(f"**{len(pending)} change{'s' if len(pending) > 1 else ''} not yet run.** The results shown are "
                   "those of the last run.", icon=":material/pending:")
        with st.popover("See the changes", width="stretch"):
            for change in pending[:MAX_CHANGES_LISTED]:
                st.markdown(f"- {md(change.title)}: {md(change.before_words)} → **{md(change.after_words)}**")
            if len(pending) > MAX_CHANGES_LISTED:
                st.caption(f"... and {len(pending) - MAX_CHANGES_LISTED} more.")
    else:
        st.caption("No changes: the results shown are this scenario's. Change any setting below, then press Run.")
    if problems:
        problems_box("These settings cannot be run:", problems)
    idle = [(change, reason) for change in pending if config is not None
            and (reason := cannot_change(change.path, change.before, change.after, config))]
    if idle:
        st.info("**Changes with no effect here:**\n" + "\n".join(
            f"- {md(change.title)}: {md(reason)}." for change, reason in idle[:MAX_CHANGES_LISTED]),
            icon=":material/info:")


def unchanged_note(result) -> None:
    """After a run from the editor that moved no number, say why each change could not (when it is known)."""
    edit = st.session_state.get("last_edit")
    if not edit or edit[1] is not result.config:
        return
    before = next((entry.outcomes for entry in state.history() if entry.config == edit[0]), None)
    if before is None or any(not _same(value, before.get(name)) for name, value in result.outcomes.items()
                             if name not in REPORTED_ONLY):
        return
    lines = [f"- {md(change.title)}: {md(reason)}." if (reason := why_unchanged(
        change.path, change.before, change.after, result.config)) else f"- {md(change.title)}: no reason known "
        "(at this scale, it changed none of what the services and the attacker read)."
        for change in draft.changes_between(edit[0].model_dump(mode="json"), result.config.model_dump(mode="json"))
        if change.path not in ("name", "description")]
    if lines:
        st.info("**Your last change moved no number.** Why:\n" + "\n".join(lines[:MAX_CHANGES_LISTED]),
                icon=":material/info:")


def _same(value: float, other: float | None) -> bool:
    if other is None:
        return False
    return value == other or (math.isnan(value) and math.isnan(other))


def scenario_editor() -> None:
    """Show the scenario editor in the sidebar (call it after the page's charts: they reach the browser first)."""
    data = draft.sync()
    key = state.form_key()
    with st.sidebar:
        st.html(RUN_BAR_CSS)
        bar = st.container(key=RUN_BAR_KEY)
        bindings = _scenario_section(data, key)
        bindings += _city_section(data, key)
        bindings += sensor_editor.sensors_section(data, key, draft_city(data))
        bindings += _controls_sections(data, key)
        bindings += _adversary_and_weights(data, key)
        draft.remember_bindings(bindings)
        with bar:
            _run_bar(key)
