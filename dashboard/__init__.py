"""The Streamlit dashboard: presentation only. It imports :mod:`simulation`; the simulation never imports it."""
