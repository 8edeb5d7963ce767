"""'A resident's week': pick a resident (at random, or someone like me) and show what the city knows about them.

Everything comes from the run the page shows (``state.current_result()``): change a control and the persona's
records, inferences and sentences change with it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.labels import SENSOR_LABELS
from dashboard.persona_charts import persona_map_figure, week_figure
from dashboard.projector import for_projector
from simulation.persona import Persona, ResidentCriteria, persona_sentences, pick_resident, resident_week
from simulation.pipeline import RunResult
from simulation.scenario import ARCHETYPES

ANY = "any"
YES_NO = {ANY: None, "yes": True, "no": False}


def _pretty(name: str) -> str:
    return name.replace("_", " ")


def persona_picker(key: str = "persona") -> tuple[ResidentCriteria, int]:
    """Draw the picker and return the chosen traits and the draw number ("another one" adds 1)."""
    mode = st.segmented_control("Whose week?", ["At random", "Someone like me"], default="At random",
                                key=f"{key}_mode")
    archetype = st.selectbox("Who", [ANY, *ARCHETYPES], format_func=lambda a: "anyone" if a == ANY else _pretty(a),
                             key=f"{key}_archetype")
    criteria = ResidentCriteria(archetype=None if archetype == ANY else archetype)
    if mode == "Someone like me":
        columns = st.columns(4)
        answers = [column.radio(label, list(YES_NO), horizontal=True, key=f"{key}_{field}")
                   for column, (label, field) in zip(columns, (
                       ("A car", "has_car"), ("A transit card", "has_card"), ("Phone Wi-Fi on", "phone_wifi_on"),
                       ("Phone hides its address (randomised MAC)", "randomised_mac")), strict=True)]
        criteria = ResidentCriteria(archetype=criteria.archetype, has_car=YES_NO[answers[0]],
                                    has_card=YES_NO[answers[1]], phone_wifi_on=YES_NO[answers[2]],
                                    randomised_mac=YES_NO[answers[3]])
    draw_key = f"{key}_draw"
    st.session_state.setdefault(draw_key, 0)
    if st.button("Someone else", icon=":material/shuffle:", key=f"{key}_another"):
        st.session_state[draw_key] += 1
    return criteria, int(st.session_state[draw_key])


def chosen_persona(result: RunResult, criteria: ResidentCriteria, draw: int) -> Persona | None:
    """Return the persona of the chosen resident, or None (with a message) when nobody matches."""
    try:
        resident = pick_resident(result.world, result.config.seed, criteria, draw)
    except ValueError as error:
        st.warning(f"Nobody in this city matches: {error}.")
        return None
    return resident_week(result, resident)


def describe(persona: Persona) -> str:
    """Return one line on who the resident is."""
    t = persona.traits
    things = [("a car", t["has_car"]), ("a transit card" + (" in their name" if t["card_registered"] else ""),
                                         t["has_card"]),
              ("a phone with Wi-Fi on" + (" that hides its address" if t["randomised_mac"] else ""),
               t["phone_wifi_on"])]
    has = [name for name, flag in things if flag]
    return (f"Resident {persona.resident}: {_pretty(t['archetype'])}, with "
            + (", ".join(has) if has else "no car, card or phone the sensors can see") + ".")


def kept_table(persona: Persona) -> pd.DataFrame:
    """Return, per sensor kind: records captured, records kept, pseudonyms the records carry, named records."""
    kinds = sorted(set(persona.captured) | set(persona.records_per_kind()))
    rows = []
    for kind in kinds:
        mine = persona.records[persona.records["kind"] == kind]
        pseudonyms = mine.loc[mine["pseudonym"] >= 0, "pseudonym"].unique()
        shown = ", ".join(f"{int(p) & 0xFFFFFFFF:08x}" for p in pseudonyms[:3])
        rows.append({"Sensor": SENSOR_LABELS.get(kind, kind), "Captured": persona.captured.get(kind, 0),
                     "Kept": len(mine), "Pseudonyms seen": len(pseudonyms),
                     "Examples": shown + (" ..." if len(pseudonyms) > 3 else ""),
                     "Named records": int(mine["named"].sum())})
    return pd.DataFrame(rows)


def inference_metrics(persona: Persona) -> None:
    """Show what the adversary inferred, one metric each."""
    o = persona.outcome
    sensitive = persona.sensitive_visits
    inferred = sorted(set(sensitive.loc[sensitive["inferred"], "land_use"]))
    cards = [
        ("Home", "found" if o["home_found"] else "not found"),
        ("Work", "found" if o["work_found"] else ("no workplace" if persona.traits["work_zone"] < 0 else "not found")),
        ("Hours followed", f"{int(o['tracked_hours'])} of {persona.horizon_hours}"),
        ("Identity", "named" if o["identified"] else "re-identified" if o["reidentified"] else
         "singled out" if o["singled_out"] else "not linked"),
        ("Sensitive places", ", ".join(inferred) if inferred else "none revealed"),
    ]
    for column, (title, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(title, value, border=True)


def show_persona(result: RunResult, persona: Persona, large: bool = False) -> None:
    """Draw the persona: who, plain sentences, what the adversary inferred, the week, the map, what was kept.

    Args:
        result: The run the persona comes from.
        persona: The resident's week.
        large: Projector type (every chart text 18 px or more).
    """
    style = for_projector if large else (lambda fig: fig)
    st.markdown(f"**{describe(persona)}**")
    for sentence in persona_sentences(persona):
        st.markdown(f"- {sentence}")
    inference_metrics(persona)
    st.plotly_chart(style(week_figure(persona.timeline, persona.records, result.world.start_weekday)),
                    key="persona_week")
    where, kept = st.columns([3, 2])
    where.plotly_chart(style(persona_map_figure(result.world.city.zones, persona.timeline, persona.records,
                                                result.release.units, int(persona.outcome["home_inferred"]),
                                                int(persona.outcome["work_inferred"]))), key="persona_map")
    kept.subheader("What each sensor recorded, and what was kept")
    kept.dataframe(kept_table(persona), hide_index=True, width="stretch")
