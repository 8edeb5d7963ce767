"""Methods: how each number is measured, in the metrics' own words (their docstrings), with their sources."""

import streamlit as st

from dashboard import state
from dashboard.methods import metric_docs
from simulation.data_dictionary import data_dictionary

st.title("How the numbers are measured")
st.markdown(
    "Every run simulates residents moving through the city for a week, records what each sensor would capture, "
    "applies the privacy controls, and then measures two things from **the released data only**: how well each city "
    "service still works (utility: 1 is as good as knowing the truth) and how exposed residents are to each attack "
    "(risk: 0 is nobody). Below, each metric's definition and source as written in the simulation's code.")

RISK_INTRODUCTION = (
    "**Every risk figure is a share of all residents.** The attacker is a party (the operator, a vendor, the "
    "police or the public) holding every dataset its access grants allow. Like a real data holder it first pieces "
    "the data together: it re-links each dataset's pseudonyms across key changes, then joins the datasets to each "
    "other wherever the same places and hours keep recurring, so that one resident's phone, card and car end up in "
    "one profile. It then attacks those profiles and the published counts. **Privacy risk** is the share of "
    "residents against whom at least one of these attacks succeeds: singled out, re-identified from home and work, "
    "followed on two or more days, named, joined across datasets, a sensitive visit attributed, or movements "
    "rebuilt from published counts. Breach exposure and false face alerts are reported beside it.")

for kind, heading in (("utility", "Utility: what each service gets"), ("risk", "Risk: what an attacker gets")):
    st.header(heading)
    if kind == "risk":
        st.markdown(RISK_INTRODUCTION)
    for i, doc in enumerate(metric_docs(kind)):
        with st.expander(f"{doc.label} (`{doc.outcome}`)", expanded=i == 0):
            st.markdown(doc.definition)
            if doc.background:
                st.markdown("**Background**")
                st.markdown(doc.background)

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
