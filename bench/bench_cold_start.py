"""Time what a first visitor of a freshly started server sees: first words on the page, then the first chart.

Run: ``.venv/bin/python bench/bench_cold_start.py [--residents N]``. Starts ``streamlit run app.py`` on 127.0.0.1
(default city and preset at full scale unless --residents is given), opens it in headless Debian chromium and
prints the seconds until the page shows any text, and until the first chart is drawn.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.server import start_server, stop_server  # noqa: E402

FIRST_TEXT_JS = "() => (document.querySelector('[data-testid=\"stMain\"]') || {innerText: ''}).innerText.trim().length"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, help="shrink every preset (DASHBOARD_RESIDENTS)")
    args = parser.parse_args()
    env = {"DASHBOARD_RESIDENTS": str(args.residents)} if args.residents else {}
    process, url = start_server(env)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_function(FIRST_TEXT_JS, timeout=180_000, polling=50)
            first_text = time.perf_counter() - start
            shown = page.locator('[data-testid="stMain"]').inner_text()[:80].replace("\n", " ")
            page.wait_for_selector(".js-plotly-plot", timeout=180_000)
            first_chart = time.perf_counter() - start
            browser.close()
    finally:
        stop_server(process)
    print(f"first text after {first_text:.1f} s ({shown!r}); first chart after {first_chart:.1f} s")


if __name__ == "__main__":
    main()
