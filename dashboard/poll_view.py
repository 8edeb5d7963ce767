"""Poll parts shared by the projector, the phones and the facilitator: results chart, join box (Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard.charts import _layout
from dashboard.projector import for_projector
from dashboard.workshop import is_local_only, join_url, poll_store, qr_png
from dashboard.workshop_questions import QUESTIONS, Question

STATE_NAMES = {"closed": "closed", "open": "open for votes", "revealed": "results shown"}


def results_figure(question: Question, counts: dict[str, int], large: bool = False) -> go.Figure:
    """Return horizontal bars of the votes for each answer."""
    total = sum(counts.values())
    answers = list(question.answers)
    fig = go.Figure(go.Bar(y=answers, x=[counts[a] for a in answers], orientation="h", marker={"color": "#0072B2"},
                           text=[f"{counts[a]} ({counts[a] / total:.0%})" if total else "0" for a in answers],
                           textposition="auto", hoverinfo="skip"),
                    _layout(f"{total} vote{'s' if total != 1 else ''}", height=110 + 60 * len(answers),
                            yaxis={"autorange": "reversed", "automargin": True},
                            xaxis={"title": {"text": "votes"}, "rangemode": "tozero", "dtick": 1 if total < 10
                                   else None}))
    return for_projector(fig) if large else fig


def join_box(width: int = 260) -> None:
    """Show the QR code and the short address participants use to join from their phones."""
    url = join_url()
    st.image(qr_png(url), width=width, caption="Scan to vote")
    st.markdown(f"### {url}")
    if is_local_only(url):
        st.warning("This address only works on this computer. To let phones join, start the server on the "
                   "workshop network (see the README, 'Running a workshop').")


def asked_questions() -> list[tuple[Question, str]]:
    """Return the questions the facilitator has opened or revealed, with their state, in the script's order."""
    store = poll_store()
    states = [(question, store.state(question.key)) for question in QUESTIONS]
    return [(question, state) for question, state in states if state != "closed"]


def live_results(large: bool = False) -> None:
    """Show each question that is open or revealed, with its votes so far (the projector's view)."""
    asked = asked_questions()
    for question, state in asked:
        st.markdown(f"#### {question.text}  \n*{STATE_NAMES[state]}*")
        st.plotly_chart(results_figure(question, poll_store().results(question.key), large),
                        key=f"poll_{question.key}")
    if not asked:
        st.info("No question is open yet: the facilitator opens them one at a time.")
