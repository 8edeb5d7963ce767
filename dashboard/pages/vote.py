"""Vote: the participants' page, made for a phone. One answer per question; changing it replaces it."""

import streamlit as st

from dashboard.poll_store import PollError
from dashboard.poll_view import asked_questions, results_figure
from dashboard.workshop import participant_token, poll_store

st.title("Your say")
token = participant_token()
store = poll_store()


@st.fragment(run_every=3)
def questions() -> None:
    """The open and revealed questions, refreshed every few seconds so a newly opened one appears by itself."""
    asked = asked_questions()
    for question, state in asked:
        st.subheader(question.text)
        if state == "revealed":
            st.plotly_chart(results_figure(question, store.results(question.key)), key=f"result_{question.key}")
            continue
        current = store.answer_of(question.key, token)
        choice = st.radio("Your answer", question.answers, key=f"vote_{question.key}", label_visibility="collapsed",
                          index=question.answers.index(current) if current in question.answers else None)
        if st.button("Send my vote" if current is None else "Change my vote", key=f"send_{question.key}",
                     type="primary", disabled=choice is None or choice == current):
            try:
                store.vote(question.key, token, choice)
            except PollError as error:
                st.error(str(error))
            else:
                st.success(f"Counted: {choice}. You can change it while the question is open.")
        elif current is not None:
            st.caption(f"Your vote: {current}. You can change it while the question is open.")
    if not asked:
        st.info("Waiting for the facilitator to open the first question. This page updates by itself.")


questions()
st.caption("Your vote is anonymous: this page keeps a random code in its address so that you vote once per "
           "question. Nothing about you or your phone is stored.")
