"""Present: the workshop on a projector. Full screen, large type, one idea per screen, next and back (arrow keys).

The facilitator's script: the city, its sensors, one resident's week, the trade-off, the vote.
"""

import streamlit as st

from dashboard import charts, components, frames, stages, state
from dashboard.persona_view import chosen_persona, persona_picker, show_persona
from dashboard.poll_view import join_box
from dashboard.presentation import STEPS, current_step, go_to, live_poll
from dashboard.projector import for_projector

PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
.stApp, .stMarkdown p, .stMarkdown li, [data-testid="stCaptionContainer"] {font-size: 1.3rem;}
.block-container {padding-top: 1rem; max-width: 100%;}
</style>
"""

st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)  # a fixed style sheet, no user text in it
step = current_step()

back, title, forward, leave = st.columns([1, 6, 1, 1], vertical_alignment="center")
back.button("Back", icon=":material/arrow_back:", shortcut="Left", disabled=step == 0, on_click=go_to,
            args=(step - 1,), key="present_back", width="stretch")
forward.button("Next", icon=":material/arrow_forward:", shortcut="Right", disabled=step == len(STEPS) - 1,
               on_click=go_to, args=(step + 1,), key="present_next", type="primary", width="stretch")
if leave.button("Leave", key="present_leave", width="stretch"):
    st.switch_page("dashboard/pages/explore.py")
title.markdown(f"## {step + 1} / {len(STEPS)} · {STEPS[step]}")

if step == len(STEPS) - 1:
    join, results = st.columns([1, 2])
    with join:
        join_box(width=320)
    with results:
        live_poll()
    st.stop()

with st.spinner("Preparing the city..."):
    result = state.current_result()
if result is None:
    st.stop()
config, world = result.config, result.world

if step == 0:
    st.markdown(f"**{world.n_residents:,} residents** live in **{len(world.city.zones):,} zones** of this city. "
                f"We follow them through **{config.world.days} days**: home, work, school, shops, clinics, "
                "places of worship, nights out.")
    st.plotly_chart(for_projector(charts.city_map_figure(world.city.zones, result.log.sensors)), key="present_city")
elif step == 1:
    coverage = frames.sensor_coverage(world, result.log)
    st.markdown(f"The city runs **{len(result.log.sensors):,} sensors** of {len(coverage)} kinds. Each one helps a "
                "service, and each one records who passes.")
    bars = coverage.rename(columns={"Sensor": "label", "Share of residents' time in view": "value"})
    bars = bars.assign(scenario="in view")[["label", "scenario", "value"]]
    st.plotly_chart(for_projector(charts.bars_figure(bars, "Share of residents' time in view of each kind",
                                                     "share of time")), key="present_sensors")
    for sensor, records in zip(coverage["Sensor"], coverage["What it records"], strict=True):
        st.markdown(f"- **{sensor}**: {records}")
elif step == 2:
    with st.expander("Choose whose week", expanded=False):
        criteria, draw = persona_picker(key="present_persona")
    persona = chosen_persona(result, criteria, draw)
    if persona is not None:
        show_persona(result, persona, large=True)
elif step == 3:
    components.headline(result, stages.preset_outcomes(last=state.reference())[state.reference()])
    st.plotly_chart(for_projector(components.tradeoff_figure(result)), key="present_tradeoff")
