"""The presentation's steps and its callbacks.

They live in a module, not in the page: a callback defined in a page would keep that page's run, and its results,
alive for as long as the session is connected.
"""

from __future__ import annotations

import streamlit as st

from dashboard.poll_view import live_results

STEPS = ("The city", "Its sensors", "One resident's week", "The trade-off", "Your say")
STEP_KEY = "present_step"


def current_step() -> int:
    """Return the step shown (0-based), starting at the first."""
    return int(st.session_state.setdefault(STEP_KEY, 0))


def go_to(new_step: int) -> None:
    """Move to another step (a button callback: it runs before the page, so the new step draws at once)."""
    st.session_state[STEP_KEY] = max(0, min(len(STEPS) - 1, new_step))


@st.fragment(run_every=2)
def live_poll() -> None:
    """The poll's results on the projector, refreshed every two seconds."""
    live_results(large=True)
