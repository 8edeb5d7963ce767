"""The dashboard's entry point: `streamlit run app.py` opens on the default preset with its results shown."""

from urllib.parse import urlsplit

import streamlit as st

st.set_page_config(page_title="City sensors: utility and privacy", page_icon=":material/location_city:",
                   layout="wide")
starting = st.empty()  # a first visitor sees this, not a blank page, while the simulation's modules load
starting.info("Starting the city simulator: loading the model of the city, its residents and sensors...")

from dashboard import state  # noqa: E402 - imported after the message above: this import takes seconds cold

state.init_session()
WORKSHOP_PAGES = ("vote", "present")  # no sidebar (a phone, a projector); their address is not a scenario link
page = st.navigation([
    st.Page("dashboard/pages/explore.py", title="Explore", icon=":material/tune:", url_path="explore", default=True),
    st.Page("dashboard/pages/city_map.py", title="City map", icon=":material/map:", url_path="city_map"),
    st.Page("dashboard/pages/resident_week.py", title="A resident's week", icon=":material/person:",
            url_path="resident"),
    st.Page("dashboard/pages/compare.py", title="Compare", icon=":material/compare:", url_path="compare"),
    st.Page("dashboard/pages/decide.py", title="Decide", icon=":material/gavel:", url_path="decide"),
    st.Page("dashboard/pages/export.py", title="Export and share", icon=":material/share:", url_path="export"),
    st.Page("dashboard/pages/methods.py", title="Methods", icon=":material/menu_book:", url_path="methods"),
    st.Page("dashboard/pages/realism.py", title="Is the model realistic?", icon=":material/fact_check:",
            url_path="realism"),
    st.Page("dashboard/pages/present.py", title="Present (projector)", icon=":material/slideshow:",
            url_path="present"),
    st.Page("dashboard/pages/vote.py", title="Vote", icon=":material/how_to_vote:", url_path="vote"),
    st.Page("dashboard/pages/facilitator.py", title="Run the poll", icon=":material/admin_panel_settings:",
            url_path="facilitator"),
], position="hidden" if urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1] in WORKSHOP_PAGES
   else "sidebar")
starting.empty()
try:
    page.run()
finally:  # also after st.stop() or st.rerun(): the address bar always holds the current scenario's link
    if page.url_path not in WORKSHOP_PAGES:
        state.sync_query_params()
