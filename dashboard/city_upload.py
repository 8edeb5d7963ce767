"""The Export page's "Use your own city": pick a city from the fixed set, or upload a zone table for this session."""

from __future__ import annotations

import streamlit as st

from dashboard import cities, components, stages, state
from dashboard.safe_text import md
from simulation.world.city import CityError
from simulation.world.city_io import MAX_TABLE_BYTES

PROBLEMS_KEY = "city_problems"


def _use(value: str) -> list[str]:
    """Make the current scenario use another city; return why it cannot (nothing changes then)."""
    config = state.scenario()
    world = config.world.model_copy(update={"city": value})
    changed = config.model_copy(update={"world": world})
    problems = stages.scenario_problems(changed)
    if not problems:
        state.apply_changes(changed)
    return problems


def _chosen(key: str, current: str) -> None:
    """Selectbox callback: switch to the chosen city, or put the box back and keep the problems."""
    problems = _use(st.session_state[key])
    st.session_state[PROBLEMS_KEY] = problems
    if problems:
        st.session_state[key] = current


def _upload() -> None:
    table = st.file_uploader(
        "Zone table (CSV or GeoJSON)", type=["csv", "geojson", "json"], key="city_upload",
        help=f"One row per zone, format in data/README.md; at most {MAX_TABLE_BYTES // 1_000_000} MB and 64 x 64 "
             "zones. It is checked, then kept in this browser session only: it is never stored on the server.")
    if table is None:
        return
    seen: dict[str, list[str]] = st.session_state.setdefault("city_uploads_seen", {})
    if table.file_id not in seen:
        try:
            value = cities.add_upload(table.getvalue(), table.name, state.scenario().world.city)
        except CityError as error:
            seen[table.file_id] = [f"the zone table cannot be used: {error}"]
        else:
            seen[table.file_id] = problems = _use(value)
            if not problems:
                st.rerun()
            seen[table.file_id] = ["the zone table is kept (choose it below once the scenario fits it), but the "
                                   "current scenario cannot use it: its sensors name places this city lacks "
                                   "(place them by share of zones, or name districts as your table does)",
                                   *problems]
    if seen[table.file_id]:
        components.problems_box(f"'{md(table.name, 80)}' is not in use; the scenario shown is unchanged:",
                                seen[table.file_id])


def city_section() -> None:
    """Show the city choice, the zone-table uploader and the download of an uploaded table in use."""
    st.header("Use your own city")
    st.caption("The simulation runs on the default city, a zone table shipped with the tool, or a zone table you "
               "upload here. Sensors placed by district need districts of the same name in your table.")
    _upload()
    options = cities.choices()
    current = state.scenario().world.city
    key = f"city_choice.{current}"
    st.selectbox("City", list(options), index=list(options).index(current) if current in options else 0,
                 format_func=options.get, key=key, on_change=_chosen, args=(key, current))
    problems = st.session_state.get(PROBLEMS_KEY)
    if problems:
        components.problems_box("That city cannot be used with this scenario; nothing was changed:", problems)
    upload = cities.uploaded(current)
    if upload is not None:
        st.download_button("Your zone table (CSV)", upload.table, file_name="zone_table.csv", mime="text/csv",
                           on_click="ignore", icon=":material/grid_on:",
                           help="The scenario file names this table by its digest: to run the scenario from the "
                                "command line, save the table and give its path as world.city.")
