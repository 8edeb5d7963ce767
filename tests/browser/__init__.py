"""Browser tests: Playwright drives Debian chromium against a real `streamlit run app.py` server."""
