"""Export and share: scenario file, results tables, charts; load a scenario file or your own city; a link."""

import urllib.parse
from functools import partial

import streamlit as st

from dashboard import charts, city_upload, components, downloads, stages, state
from dashboard.safe_text import md
from dashboard.workshop import is_local_only, public_base_url
from simulation.scenario_io import ScenarioError, dump_scenario, parse_scenario

st.title("Export, load and share")
components.scenario_banner()
result = state.current_result()


def share_and_download(result) -> None:
    """The link and the downloads of a scenario that ran."""
    st.header("Share a link")
    query = urllib.parse.urlencode(state.share_params())
    base = public_base_url() + "/"
    st.caption("Anyone who opens this link sees this same scenario, with the same results.")
    if is_local_only(base):
        st.caption("This address works only on this computer: the server listens only here. To share it on a "
                   "network, start the server as the README's 'Running a workshop' explains.")
    st.code(f"{base}?{query}", language=None, wrap_lines=True)
    st.caption("The address bar of your browser holds the same link on every page.")

    st.header("Download")
    scenario_col, results_col, chart_col = st.columns(3)
    with scenario_col:
        st.markdown("**Scenario file** (YAML): load it here again or run it with `python -m simulation run`.")
        st.download_button("Scenario (YAML)", dump_scenario(result.config),
                           file_name=downloads.scenario_file_name(result), mime="application/yaml", on_click="ignore",
                           icon=":material/description:")
    with results_col:
        st.markdown("**Results and breakdowns** with the manifest needed to reproduce them.")
        for fmt, label in (("csv", "CSV"), ("parquet", "Parquet")):
            st.download_button(f"Results ({label}, zip)", partial(downloads.results_zip, result, fmt),
                               file_name=f"{result.config.name}_results_{fmt}.zip", mime="application/zip",
                               on_click="ignore", icon=":material/table:")
    with chart_col:
        st.markdown("**Charts** as standalone web pages that work offline.")
        figures = {
            "Utility against risk": partial(components.tradeoff_figure, result),
            "Utility by service": partial(components.service_figure, {"Current scenario": result.outcomes}),
            "Risk by attack": partial(components.attack_figure, {"Current scenario": result.outcomes}),
            "City map": partial(charts.city_map_figure, result.world.city.zones, result.log.sensors),
            "Where people are": partial(charts.population_figure, stages.population_of(result.config)),
        }
        chosen = st.selectbox("Chart", list(figures))
        figure = figures[chosen]()  # built now (it reads the session); turned into a page only when clicked
        st.download_button("Chart (HTML)", partial(charts.figure_html, figure),
                           file_name=f"{chosen.lower().replace(' ', '_')}.html", mime="text/html", on_click="ignore",
                           icon=":material/bar_chart:")


if result is not None:  # the loaders below stay usable whatever happened to the run
    share_and_download(result)

st.header("Load a scenario file")
uploaded = st.file_uploader("Scenario file (YAML or JSON)", type=["yaml", "yml", "json"],
                            help="A file downloaded here or written by hand; it is checked before it is loaded.")
if uploaded is not None:
    seen = st.session_state.setdefault("uploads", {})
    if uploaded.file_id not in seen:
        try:
            config = parse_scenario(uploaded.getvalue(), source="the file")
        except ScenarioError as error:
            seen[uploaded.file_id] = error.problems
        else:
            seen[uploaded.file_id] = stages.scenario_problems(config)
            if not seen[uploaded.file_id]:
                state.load_uploaded(config, uploaded.name)
                st.rerun()
    if seen[uploaded.file_id]:
        components.problems_box(f"'{md(uploaded.name, 80)}' was not loaded; the scenario shown is unchanged. "
                                "Problems:", seen[uploaded.file_id])
    else:
        st.success(f"Loaded '{md(uploaded.name, 80)}'. Every page now shows this scenario.")

city_upload.city_section()
