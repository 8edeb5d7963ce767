"""Many users: N concurrent sessions open the default scenario on a real `streamlit run app.py` server.

Each session is a raw Streamlit websocket client (what a browser tab does, without the browser's own CPU cost):
it connects to /_stcore/stream, asks for a script run and waits for the first plotly chart. Reports each
session's time to first chart and the server's peak memory (VmHWM of its process).

Run: /work/venv/bin/python bench/bench_dashboard_sessions.py [--sessions 30] [--timeout 120]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser.server import start_server, stop_server  # noqa: E402
from tests.browser.sessions import memory_mb, open_session  # noqa: E402


async def first_chart_seconds(url: str, timeout: float) -> tuple[float | None, float | None]:
    """Open one session; return the seconds until its first plotly chart arrives and until its page is complete."""
    report = await open_session(url, "", timeout)
    return report.chart_seconds, report.finished_seconds


async def many(url: str, sessions: int, timeout: float) -> list[tuple[float | None, float | None]]:
    """Open ``sessions`` sessions at once and return each one's time to first chart."""
    return await asyncio.gather(*(first_chart_seconds(url, timeout) for _ in range(sessions)))


def main() -> None:
    """Start the server, warm it with one session, then measure N concurrent sessions."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    process, url = start_server()
    try:
        print(f"server {url} pid {process.pid}; memory after start: {memory_mb(process.pid)}")
        cold, _ = asyncio.run(first_chart_seconds(url, args.timeout))
        print(f"first session (cold cache: simulates the default preset and every other preset): {cold:.1f} s")
        print(f"memory after warm-up: {memory_mb(process.pid)}")
        started = time.perf_counter()
        results = asyncio.run(many(url, args.sessions, args.timeout))
        wall = time.perf_counter() - started
        done = sorted(chart for chart, _ in results if chart is not None)
        complete = sorted(page for _, page in results if page is not None)
        print(f"{args.sessions} concurrent sessions: {len(done)} got a chart; all closed after {wall:.1f} s")
        if done:
            print(f"time to first chart: min {done[0]:.2f} s, median {statistics.median(done):.2f} s, "
                  f"max {done[-1]:.2f} s; sessions over 3 s: {sum(t > 3 for t in done)}")
            print("each session (s): " + ", ".join(f"{t:.2f}" for t in done))
        if complete:
            print(f"whole page (script finished, form included): median {statistics.median(complete):.2f} s, "
                  f"max {complete[-1]:.2f} s")
        print(f"server memory after the sessions (MB): {memory_mb(process.pid)}")
    finally:
        stop_server(process)


if __name__ == "__main__":
    main()
