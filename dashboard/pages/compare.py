"""Compare: two to four scenarios side by side: the settings that differ, the outcomes, the charts."""

import pandas as pd
import streamlit as st

from dashboard import charts, components, frames, stages, state
from dashboard.formatting import format_value
from dashboard.labels import OUTCOME_LABELS, pretty

HEADLINE_ORDER = ("utility_overall", "risk_overall")

st.title("Compare scenarios")
components.scenario_banner()
current = state.current_result()
if current is None:
    st.stop()

candidates = {f"Preset {name}": stages.preset_config(name) for name in stages.presets()}
candidates.update({entry.label: entry.config for entry in state.history()})
candidates["Current scenario"] = state.scenario()
others = [label for label in candidates if label.startswith("Preset ") and label != f"Preset {state.reference()}"]
changed = state.scenario() != stages.preset_config(state.reference())
default = [f"Preset {state.reference()}", "Current scenario" if changed or not others else others[-1]]
chosen = st.multiselect("Scenarios to compare (two to four)", list(candidates), default=default, max_selections=4,
                        help="Presets, and every scenario you ran in this browser session.")
if len(chosen) < 2:
    st.info("Choose at least two scenarios.")
    st.stop()

configs = {label: candidates[label] for label in chosen}
outcomes = {label: stages.outcomes_of(config) for label, config in configs.items()}

for column, (label, values) in zip(st.columns(len(chosen)), outcomes.items(), strict=True):
    with column:
        st.markdown(f"#### {label}")
        for name in ("utility_overall", "risk_overall"):
            st.metric(OUTCOME_LABELS[name], format_value(name, values[name]))

st.subheader("Settings that differ")
differences = frames.settings_diff(configs)
if differences.empty:
    st.write("These scenarios have the same settings.")
else:
    st.dataframe(differences, width="stretch", height=min(600, 36 * (len(differences) + 1) + 4))

st.subheader("Outcomes")
order = [*HEADLINE_ORDER, *sorted(set().union(*outcomes.values()) - set(HEADLINE_ORDER))]
table = pd.DataFrame({label: {pretty(name): format_value(name, values[name]) for name in order if name in values}
                      for label, values in outcomes.items()})
st.dataframe(table, width="stretch", height=36 * (len(table) + 1) + 4)

points = pd.DataFrame([{"label": label, "utility": v["utility_overall"], "risk": v["risk_overall"]}
                       for label, v in outcomes.items()])
st.plotly_chart(charts.scenarios_figure(points), key="compare_tradeoff")
services, attacks = st.columns(2)
services.plotly_chart(components.service_figure(outcomes), key="compare_services")
attacks.plotly_chart(components.attack_figure(outcomes), key="compare_attacks")
