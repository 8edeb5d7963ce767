"""Raw Streamlit websocket sessions and server memory, for the load tests and benchmarks.

A session here is what a browser tab does, without the browser's own CPU cost: it connects to
``/_stcore/stream``, asks for a script run (optionally with a link's query string) and reads the messages until
the run finishes, noting when the first plotly chart arrived and the text of every alert (errors, the queue's
notes). The server's memory is read from ``/proc/<pid>/status``.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


def memory_mb(pid: int) -> dict[str, float]:
    """Return the current (VmRSS) and peak (VmHWM) resident memory of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


class MemorySampler:
    """Samples a process's resident memory on a background thread; ``peak_mb`` is the highest sample."""

    def __init__(self, pid: int, every_seconds: float = 0.25) -> None:
        self.pid, self.every_seconds = pid, every_seconds
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), memory_mb(self.pid)["VmRSS"]))
            self._stop.wait(self.every_seconds)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    @property
    def peak_mb(self) -> float:
        """Return the highest resident memory sampled, in MB."""
        return max((mb for _, mb in self.samples), default=0.0)


@dataclass
class SessionReport:
    """What one session saw.

    Attributes:
        chart_seconds: Seconds from connecting to the first plotly chart (None if none came).
        finished_seconds: Seconds until the script run finished (None if it did not in time).
        alerts: (seconds, text) of every alert (st.error, st.info, ...) the page showed, as a reader sees it
            (Markdown escapes and the invisible joiners of ``dashboard.safe_text`` removed).
    """

    chart_seconds: float | None = None
    finished_seconds: float | None = None
    alerts: list[tuple[float, str]] = field(default_factory=list)

    def first_alert_with(self, text: str) -> float | None:
        """Return the seconds until the first alert containing ``text`` arrived (None if none did)."""
        return next((seconds for seconds, body in self.alerts if text in body), None)


async def open_session(url: str, query: str = "", timeout: float = 180.0) -> SessionReport:
    """Open one session on the app (with a link's query string, if any) and report what it saw."""
    report = SessionReport()
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    start = time.perf_counter()
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, origin=url) as ws:
        request = BackMsg()
        request.rerun_script.query_string = query
        request.rerun_script.page_script_hash = ""
        await ws.send(request.SerializeToString())
        deadline = start + timeout
        while time.perf_counter() < deadline:
            message = ForwardMsg()
            try:
                message.ParseFromString(await asyncio.wait_for(ws.recv(), deadline - time.perf_counter()))
            except TimeoutError:
                break
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                seconds = time.perf_counter() - start
                if element.WhichOneof("type") == "plotly_chart" and report.chart_seconds is None:
                    report.chart_seconds = seconds
                elif element.WhichOneof("type") == "alert":
                    report.alerts.append((seconds, re.sub(r"\\(.)", r"\1", element.alert.body).replace("\u2060", "")))
            elif kind == "script_finished":
                report.finished_seconds = time.perf_counter() - start
                break
    return report


async def open_sessions(url: str, queries: list[str], timeout: float = 180.0) -> list[SessionReport]:
    """Open one session per query string, all at once, and report what each saw."""
    return await asyncio.gather(*(open_session(url, query, timeout) for query in queries))


def run_apart[T](coroutine: Coroutine[object, object, T]) -> T:
    """Run a coroutine to its end on a thread of its own and return its result.

    Playwright's sync API keeps an event loop running in the main thread, where ``asyncio.run`` is refused.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
