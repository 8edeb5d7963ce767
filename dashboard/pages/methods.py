"""Methods, for planners: what each number answers, its formula, unit, direction and source.

Each metric's definition as written in its code follows, for analysts, then the data dictionary.
"""

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.methods import metric_docs
from simulation.data_dictionary import data_dictionary
from simulation.metrics.plain_docs import CARDS

st.title("How the numbers are measured")
st.markdown(
    "Every run simulates residents moving through the city, records what each sensor would capture, applies the "
    "privacy controls, and then measures two things from **the released data only**: how well each city service "
    "still works (**utility**, 100% is as good as knowing the truth) and how many residents each attack reaches "
    "(**risk**, 0% is nobody). Every share on this dashboard is a percentage.")

RISK_INTRODUCTION = (
    "**Every risk figure is a share of all residents.** The attacker is a party (the operator, a vendor, the "
    "police or the public) holding every dataset its access grants allow. Like a real data holder it first pieces "
    "the data together: it re-links each dataset's pseudonyms across key changes, then joins the datasets to each "
    "other wherever the same places and hours keep recurring, so that one resident's phone, card and car end up in "
    "one profile. It then attacks those profiles and the published counts. **Privacy risk** is the share of "
    "residents against whom at least one of these attacks succeeds. Breach exposure, false face alerts and the "
    "total epsilon are reported beside it.")

st.header("Every number at a glance")
st.dataframe(pd.DataFrame([{"Number": card.label, "What it answers": card.question, "Unit": card.unit,
                            "Better": card.direction.split(" is ")[0]} for card in CARDS]),
             hide_index=True, width="stretch", height=36 * (len(CARDS) + 1) + 4,
             column_config={"What it answers": st.column_config.TextColumn(width="large")})
st.caption("Below, each number's formula and source.")

code_docs = {doc.outcome: doc for kind in ("utility", "risk") for doc in metric_docs(kind)}
for heading, prefix in (("Utility: what each service gets", "utility_"), ("Risk: what an attacker gets", "risk_")):
    st.header(heading)
    if prefix == "risk_":
        st.markdown(RISK_INTRODUCTION)
    for card in (card for card in CARDS if card.outcome.startswith(prefix)):
        with st.expander(card.label, expanded=card.outcome.endswith("_overall")):
            st.markdown(f"**What it answers.** {card.question}\n\n"
                        f"**How it is computed.** {card.label} = {card.formula}\n\n"
                        f"**Unit:** {card.unit}. **Direction:** {card.direction}.\n\n"
                        f"**Source:** {card.source}.")
            doc = code_docs.get(card.outcome)
            if doc is not None:
                st.caption(f"For analysts: the definition in the code (`{card.outcome}`)")
                st.markdown(doc.definition)

st.header("Data dictionary")
st.markdown("Every column of the results table, the observation log and the sensor table: what it means, its unit "
            "and which way is better. The same table is in every export and every command-line output folder "
            "(`data_dictionary.csv`).")
result = state.current_result()
if result is not None:
    dictionary = data_dictionary(result.row().index, result.config)
    st.dataframe(dictionary, hide_index=True, width="stretch")
    st.download_button("Data dictionary (CSV)", dictionary.to_csv(index=False).encode("utf-8"),
                       file_name="data_dictionary.csv", mime="text/csv", on_click="ignore",
                       icon=":material/dictionary:")
