"""Explore: start from a preset, change sensors and controls, see utility and risk move."""

import streamlit as st

from dashboard import components, editor, stages, state
from dashboard.extrapolation_view import real_population_panel

st.title("What the city gains, what residents give away")
components.scenario_banner()

names = list(stages.presets())
# callbacks from modules, never defined here: a widget keeps its callbacks, and a function defined in a page keeps
# the page's variables (this run's results) alive as long as the session lives
st.selectbox("Start from a preset", names, index=names.index(state.reference()), key="preset_picker",
             format_func=components.preset_title, on_change=components.pick_preset,
             help="Loads the preset's sensors and controls; the numbers below are compared with it.")
st.caption(stages.presets()[state.reference()].summary)

# first, and the reference preset last: its stage-3 states are then the ones remembered
reference = stages.preset_outcomes(last=state.reference())[state.reference()]
result = state.current_result()
if result is None:
    editor.scenario_editor()
    st.stop()
headline = st.container()  # shown above the chart, filled after it: the chart reaches the browser first
st.plotly_chart(components.tradeoff_figure(result), key="tradeoff")
with headline:
    components.headline(result, reference)
    editor.unchanged_note(result)
    real_population_panel(result)
services, attacks = st.columns(2)
compared = {"Current scenario": result.outcomes, f"Preset {state.reference()}": reference}
services.plotly_chart(components.service_figure(compared), key="services")
attacks.plotly_chart(components.attack_figure(compared), key="attacks")

editor.scenario_editor()
