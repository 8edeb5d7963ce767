"""A resident's week: where one resident really was, what each sensor kept, and what the adversary inferred."""

import streamlit as st

from dashboard import components, state
from dashboard.persona_view import chosen_persona, persona_picker, show_persona

st.title("One resident's week, as the city sees it")
components.scenario_banner()
result = state.current_result()
if result is None:
    st.stop()
st.caption("Change a control on the Explore page and come back: this resident's records and what the "
           f"{result.config.adversary.role.replace('_', ' ')} learns from them change with it.")
criteria, draw = persona_picker()
persona = chosen_persona(result, criteria, draw)
if persona is not None:
    show_persona(result, persona)
