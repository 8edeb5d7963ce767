"""Facilitator: open, close, reveal and reset the poll's questions, and export the votes, behind a passphrase."""

import streamlit as st

from dashboard.poll_view import STATE_NAMES, join_box, results_figure
from dashboard.workshop import PASSPHRASE_ENV, configured_passphrase, passphrase_matches, poll_store
from dashboard.workshop_questions import QUESTIONS

st.title("Run the workshop poll")
expected = configured_passphrase()
if expected is None:
    st.warning(f"The poll controls are locked: no passphrase is set. Start the server with {PASSPHRASE_ENV} set, "
               "or put workshop_passphrase in .streamlit/secrets.toml (see the README, 'Running a workshop').")
    st.stop()
if not st.session_state.get("facilitator"):
    with st.form("unlock"):
        given = st.text_input("Passphrase", type="password")
        if st.form_submit_button("Unlock"):
            if passphrase_matches(given, expected):
                st.session_state["facilitator"] = True
                st.rerun()
            st.error("That passphrase is not the one set for this workshop.")
    st.stop()

store = poll_store()
left, right = st.columns([2, 1])
with right:
    join_box(width=200)
    st.download_button("Download the votes (CSV)", store.export_csv(), file_name="workshop_votes.csv",
                       mime="text/csv", key="export_votes")
    if st.button("Lock these controls", key="lock"):
        st.session_state["facilitator"] = False
        st.rerun()
with left:
    for question in QUESTIONS:
        state = store.state(question.key)
        st.subheader(question.text)
        st.caption(f"Now: {STATE_NAMES[state]}")
        actions = st.columns(4)
        for column, (label, new_state) in zip(actions, (("Open", "open"), ("Close", "closed"),
                                                         ("Reveal", "revealed")), strict=False):
            if column.button(label, key=f"{new_state}_{question.key}", disabled=state == new_state):
                store.set_state(question.key, new_state)
                st.rerun()
        if actions[3].button("Reset", key=f"reset_{question.key}", help="Delete every vote on this question."):
            store.reset(question.key)
            st.rerun()
        st.plotly_chart(results_figure(question, store.results(question.key)), key=f"facilitator_{question.key}")
