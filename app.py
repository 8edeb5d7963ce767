"""The dashboard's entry point: `streamlit run app.py` opens on the default preset with its results shown."""

import streamlit as st

from dashboard import state

st.set_page_config(page_title="City sensors: utility and privacy", page_icon=":material/location_city:",
                   layout="wide")
state.init_session()
page = st.navigation([
    st.Page("dashboard/pages/explore.py", title="Explore", icon=":material/tune:", url_path="explore", default=True),
    st.Page("dashboard/pages/city_map.py", title="City map", icon=":material/map:", url_path="city_map"),
    st.Page("dashboard/pages/compare.py", title="Compare", icon=":material/compare:", url_path="compare"),
    st.Page("dashboard/pages/export.py", title="Export and share", icon=":material/share:", url_path="export"),
    st.Page("dashboard/pages/methods.py", title="Methods", icon=":material/menu_book:", url_path="methods"),
])
try:
    page.run()
finally:  # also after st.stop() or st.rerun(): the address bar always holds the current scenario's link
    state.sync_query_params()
