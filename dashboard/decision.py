"""The Decide page's data: the screening flags, the analysis behind the recommendations, and the report's bytes.

The analysis (:func:`simulation.dpia.report.analyse`: every alternative of every control, the greedy
combinations, the scenario without each measure) runs dozens of scenarios, so it runs only when asked, as one
heavy run in the server's queue (:mod:`dashboard.admission`), in this process on the world and log the dashboard
already holds, and is kept for every session under the scenario's stage-4 key. The report is made from it when a
download is clicked.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
import streamlit as st

from simulation import pipeline
from simulation.dpia.facts import facts_of
from simulation.dpia.flags import Flag, screen
from simulation.dpia.report import Analysis, analyse, render_html, render_pdf, report_context
from simulation.engine import using_stages
from simulation.recommend.alternatives import alternatives
from simulation.recommend.engine import MAX_COMBINED
from simulation.scenario import ScenarioConfig

KEPT_ANALYSES = 8
"""Analyses kept at once (each holds a few hundred results rows)."""


def flags_of(result: pipeline.RunResult) -> list[Flag]:
    """Return every screening rule checked against the current run."""
    return screen(facts_of(result.config, result.outcomes, result.log))


def flags_frame(flags: list[Flag]) -> pd.DataFrame:
    """Return the flags as a table, raised first: status, rule, the scenario facts, the source."""
    ordered = sorted(flags, key=lambda f: not f.raised)
    return pd.DataFrame({
        "Status": ["Raised" if f.raised else "Not raised" for f in ordered],
        "Rule": [f.rule.title for f in ordered],
        "What it says": [f.rule.rule for f in ordered],
        "Scenario facts": [" ".join(f.facts) for f in ordered],
        "Source": [f.rule.source for f in ordered],
    })


def planned_runs(config: ScenarioConfig) -> int:
    """Return about how many scenarios the analysis runs (alternatives, combinations, without each measure)."""
    from simulation.dpia.measures import measures

    return 1 + len(alternatives(config)) + MAX_COMBINED - 1 + len(measures(config)) + 1


class _Kept:
    """A small, thread-safe store of analyses and reports by stage-4 key, the oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> object | None:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key: tuple, value: object) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _kept() -> _Kept:
    return _Kept(KEPT_ANALYSES * 3)


def known_analysis(config: ScenarioConfig) -> Analysis | None:
    """Return the analysis of this scenario if some session made it already."""
    return _kept().get(("analysis", pipeline.stage_key(config, 4)))  # type: ignore[return-value]


def run_analysis(result: pipeline.RunResult, on_progress: Callable[[int, int], None],
                 queue_slot: Callable[[], object]) -> Analysis:
    """Run the analysis of the current scenario on the dashboard's world and log, and keep it.

    Args:
        result: The current run (its world and log are lent to the engine, which only reads them).
        on_progress: Called with (runs done, runs planned).
        queue_slot: Returns the context manager of a heavy slot in the server's queue.
    """
    with queue_slot(), using_stages(result.config, result.world, result.log):
        analysis = analyse(result.config, workers=1, on_progress=on_progress)
    _kept().put(("analysis", pipeline.stage_key(result.config, 4)), analysis)
    return analysis


def report_html(result: pipeline.RunResult, analysis: Analysis) -> bytes:
    """Return the report as HTML bytes (made once per scenario, charts included)."""
    key = ("html", pipeline.stage_key(result.config, 4))
    html = _kept().get(key)
    if html is None:
        html = render_html(report_context(result, analysis))
        _kept().put(key, html)
    return str(html).encode("utf-8")


def report_pdf(result: pipeline.RunResult, analysis: Analysis) -> bytes:
    """Return the report as PDF bytes (made once per scenario)."""
    key = ("pdf", pipeline.stage_key(result.config, 4))
    pdf = _kept().get(key)
    if pdf is None:
        pdf = render_pdf(report_html(result, analysis).decode("utf-8"))
        _kept().put(key, pdf)
    return pdf  # type: ignore[return-value]
