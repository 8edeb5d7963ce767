"""Decide: the screening flags, the changes that buy the most privacy per point of utility, the DPIA-style report."""

from functools import partial

import streamlit as st

from dashboard import components, decision, stages, state
from dashboard.safe_text import md
from simulation.dpia.charts import frontier_figure
from simulation.dpia.flags import SCREENING_NOTE

st.title("Decide: flags, recommendations and a report")
components.scenario_banner()
result = state.current_result()
if result is None:
    st.stop()

st.header("Screening flags")
flags = decision.flags_of(result)
raised = [f for f in flags if f.raised]
criteria = [f for f in raised if f.rule.code.startswith("wp248_")]
st.markdown(f"**{len(raised)} of {len(flags)} rules are raised.** {len(criteria)} of the nine EDPB WP248 criteria "
            "are met" + (": a DPIA is likely required." if len(criteria) >= 2 else "."))
st.caption(SCREENING_NOTE)
st.dataframe(decision.flags_frame(flags), hide_index=True, width="stretch",
             column_config={"Scenario facts": st.column_config.TextColumn(width="large")})

st.header("What would help most")
analysis = decision.known_analysis(result.config)
if analysis is None:
    runs = decision.planned_runs(result.config)
    offer = st.empty()  # the offer goes once the analysis starts
    with offer.container():
        st.write(f"Each control's alternatives are tried one at a time on this simulated week, then the best "
                 f"together: about {runs} runs of the controls and the attacks, which takes a while on a shared "
                 "server.")
        clicked = st.button("Find the changes that help most", type="primary", icon=":material/manage_search:")
    if clicked:
        offer.empty()
        bar = st.progress(0.0, text="Trying the alternatives...")

        def progress(done: int, planned: int) -> None:
            """Move the bar after each run."""
            bar.progress(min(1.0, done / max(planned, 1)), text=f"Tried {done} of {planned} scenarios")

        analysis = decision.run_analysis(result, progress, lambda: stages.server().gate.heavy.slot())
        bar.empty()
if analysis is not None:
    found = analysis.found
    sentences = found.sentences(5)
    if sentences:
        st.markdown("\n".join(f"{i}. {md(text)}" for i, text in enumerate(sentences, start=1)))
    else:
        st.write("No alternative lowers the privacy risk by half a point or more.")
    figure = frontier_figure(found)
    figure.update_layout(width=None, height=460)
    st.plotly_chart(figure, key="frontier")
    st.caption(f"{len(found.singles)} alternatives, each moving one control, and {len(found.combinations)} greedy "
               "combinations; the dotted line joins the settings no other beats on both risk and utility.")

    st.header("DPIA-style report")
    st.write("The flags, the processing, the measured risks on a severity x likelihood map, each measure's effect, "
             "these recommendations, and the methods and manifest. Made when you click (a few seconds).")
    html_column, pdf_column = st.columns(2)
    html_column.download_button("Report (HTML)", partial(decision.report_html, result, analysis),
                                file_name=f"{result.config.name}_dpia.html", mime="text/html", on_click="ignore",
                                icon=":material/article:")
    pdf_column.download_button("Report (PDF)", partial(decision.report_pdf, result, analysis),
                               file_name=f"{result.config.name}_dpia.pdf", mime="application/pdf",
                               on_click="ignore", icon=":material/picture_as_pdf:")
else:
    st.header("DPIA-style report")
    st.write("The report includes the recommendations: find them first, then download it here.")
