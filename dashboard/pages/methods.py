"""Methods: how each number is measured, in the metrics' own words (their docstrings), with their sources."""

import streamlit as st

from dashboard.methods import metric_docs

st.title("How the numbers are measured")
st.markdown(
    "Every run simulates residents moving through the city for a week, records what each sensor would capture, "
    "applies the privacy controls, and then measures two things from **the released data only**: how well each city "
    "service still works (utility: 1 is as good as knowing the truth) and how exposed residents are to each attack "
    "(risk: 0 is nobody). Below, each metric's definition and source as written in the simulation's code.")

for kind, heading in (("utility", "Utility: what each service gets"), ("risk", "Risk: what an attacker gets")):
    st.header(heading)
    for i, doc in enumerate(metric_docs(kind)):
        with st.expander(f"{doc.label} (`{doc.outcome}`)", expanded=i == 0):
            st.markdown(doc.definition)
            if doc.background:
                st.markdown("**Background**")
                st.markdown(doc.background)
