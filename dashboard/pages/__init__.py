"""One file per page of the dashboard; app.py lists them in st.navigation."""
