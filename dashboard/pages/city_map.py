"""City map: land use, where the sensors stand and what they record, where people are hour by hour."""

import streamlit as st

from dashboard import charts, components, frames, stages, state
from dashboard.labels import SENSOR_LABELS

st.title("The city and its sensors")
components.scenario_banner()
result = state.current_result()
if result is None:
    st.stop()

sensors = result.log.sensors
deployed = [kind for kind in SENSOR_LABELS if kind in set(sensors["kind"].astype(str))]
shown = st.pills("Sensors shown on the map", deployed, default=deployed, selection_mode="multi",
                 format_func=SENSOR_LABELS.get)
st.plotly_chart(charts.city_map_figure(result.world.city.zones, sensors[sensors["kind"].astype(str).isin(shown)]),
                key="city_map")

st.subheader("What each sensor kind records here")
st.dataframe(frames.sensor_coverage(result.world, result.log), hide_index=True, width="stretch",
             column_config={
                 "Share of zones": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1),
                 "Share of residents' time in view": st.column_config.ProgressColumn(format="percent", min_value=0,
                                                                                     max_value=1),
                 "Records": st.column_config.NumberColumn(format="localized"),
             })

st.subheader("Where people are")
st.caption("Press Play, or drag the slider, to move through the day.")
st.plotly_chart(charts.population_figure(stages.population_of(result.config)), key="population")
