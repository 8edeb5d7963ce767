"""The report's charts: plotly figures, turned into static PNG images by kaleido on the system's Chromium.

Kaleido drives a Chrome or Chromium found on the machine (``BROWSER_PATH``, or Debian's ``/usr/bin/chromium``,
which ``.ci/run`` installs); nothing here downloads a browser, and MathJax (which kaleido would fetch from a CDN)
is switched off. One kaleido server is started for all the report's images, so the
browser starts once (about 1-5 s), then each image takes a fraction of a second.
"""

from __future__ import annotations

import os
import shutil
import textwrap
import threading
import warnings

import plotly.graph_objects as go

from simulation.dpia.risk_map import LEVELS, RiskPoint, overall_level
from simulation.recommend.engine import Recommendations

WIDTH, HEIGHT, SCALE = 900, 520, 2
"""Size of every image in CSS pixels, and the pixel density (2: sharp in print)."""
FONT = dict(family="Helvetica, Arial, sans-serif", size=14, color="#222")
CELL_COLOURS: dict[str, str] = {"low": "#d9f0d3", "medium": "#fee08b", "high": "#f46d43"}
"""The map's cells by overall level (ColorBrewer RdYlGn, distinct in grey too)."""
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
_KALEIDO = threading.Lock()


class ChartError(RuntimeError):
    """The images could not be made (no Chromium found)."""


def _layout(figure: go.Figure, title: str, x: str, y: str) -> go.Figure:
    figure.update_layout(title=dict(text=title, x=0.01), font=FONT, width=WIDTH, height=HEIGHT,
                         margin=dict(l=70, r=30, t=60, b=70), plot_bgcolor="white", paper_bgcolor="white",
                         xaxis_title=x, yaxis_title=y, legend=dict(orientation="h", y=-0.18))
    figure.update_xaxes(showline=True, linecolor="#888", gridcolor="#eee")
    figure.update_yaxes(showline=True, linecolor="#888", gridcolor="#eee")
    return figure


def risk_map_figure(points: list[RiskPoint]) -> go.Figure:
    """Return the severity x likelihood map: a 4 x 4 grid shaded by overall level, one marker per feared event."""
    figure = go.Figure()
    for severity in range(4):
        for likelihood in range(4):
            colour = CELL_COLOURS[overall_level(severity, likelihood)]
            figure.add_shape(type="rect", x0=likelihood - 0.5, x1=likelihood + 0.5, y0=severity - 0.5,
                             y1=severity + 0.5, fillcolor=colour, line=dict(color="white", width=2), layer="below")
    by_cell: dict[tuple[int, int], list[RiskPoint]] = {}
    for point in points:
        by_cell.setdefault((point.likelihood, point.event.severity), []).append(point)
    for (likelihood, severity), here in by_cell.items():
        for i, point in enumerate(here):
            offset = (i - (len(here) - 1) / 2) * min(0.28, 0.9 / len(here))
            label = "<br>".join(textwrap.wrap(f"{point.event.title} ({100 * point.share:.0f}%)", 26))
            figure.add_trace(go.Scatter(
                x=[likelihood - 0.42], y=[severity + offset], mode="markers+text", marker=dict(size=9, color="#222"),
                text=[label], textposition="middle right", textfont=dict(size=11), showlegend=False))
    _layout(figure, "Risks to residents: severity against measured likelihood", "likelihood (share of residents "
            "the attack succeeds against)", "severity")
    ticks = dict(tickvals=list(range(4)), ticktext=[level.capitalize() for level in LEVELS], range=[-0.5, 3.5],
                 showgrid=False, zeroline=False)
    figure.update_xaxes(**ticks)
    figure.update_yaxes(**ticks)
    return figure


def events_figure(points: list[RiskPoint], inherent: dict[str, float]) -> go.Figure:
    """Return each feared event's share of residents with the measures (residual) and without any (inherent)."""
    titles = [p.event.title for p in points]
    figure = go.Figure()
    if inherent:
        figure.add_trace(go.Bar(name="without any measure", y=titles, orientation="h", marker_color="#bbbbbb",
                                x=[100 * inherent.get(p.event.column, 0.0) for p in points]))
    figure.add_trace(go.Bar(name="with the scenario's measures", y=titles, orientation="h", marker_color="#D55E00",
                            x=[100 * p.share for p in points]))
    _layout(figure, "Residents each attack reaches", "% of residents", "")
    figure.update_layout(barmode="group", margin=dict(l=240))
    figure.update_yaxes(autorange="reversed")
    return figure


def utility_figure(values: dict[str, float]) -> go.Figure:
    """Return the utility of each service (label -> share of a perfect score)."""
    figure = go.Figure(go.Bar(x=list(values), y=[100 * v for v in values.values()], marker_color="#0072B2"))
    _layout(figure, "Utility of each service from the data kept", "", "% of a perfect score")
    figure.update_yaxes(range=[0, 100])
    return figure


def frontier_figure(found: Recommendations) -> go.Figure:
    """Return every scenario run (risk against utility), the Pareto frontier joined by a line."""
    figure = go.Figure()
    groups = (("each alternative alone", found.singles, "#56B4E9", "circle"),
              ("greedy combinations", found.combinations, "#009E73", "diamond"),
              ("current scenario", [found.base], "#D55E00", "star"))
    for name, group, colour, symbol in groups:
        figure.add_trace(go.Scatter(name=name, mode="markers", x=[100 * p.risk for p in group],
                                    y=[100 * p.utility for p in group], text=[p.label for p in group],
                                    marker=dict(color=colour, symbol=symbol, size=14 if symbol == "star" else 9)))
    frontier = found.frontier
    figure.add_trace(go.Scatter(name="Pareto frontier", mode="lines", x=[100 * p.risk for p in frontier],
                                y=[100 * p.utility for p in frontier], line=dict(color="#222", dash="dot")))
    _layout(figure, "Privacy risk against utility over every setting tried", "privacy risk (% of residents any "
            "attack reaches)", "utility (% of a perfect score)")
    return figure


def chromium() -> str:
    """Return the path of the Chromium (or Chrome) kaleido will drive.

    Raises:
        ChartError: If none is installed (the message says how to install one; nothing is downloaded).
    """
    for path in (os.environ.get("BROWSER_PATH", ""), *BROWSERS, shutil.which("chromium") or ""):
        if path and os.path.exists(path):
            return path
    raise ChartError("the report's charts need Chromium: install it (Debian: apt-get install chromium) or set "
                     "BROWSER_PATH to a Chrome or Chromium executable")


def png_images(figures: dict[str, go.Figure]) -> dict[str, bytes]:
    """Return each figure as PNG bytes, made by kaleido with one browser for all of them.

    Raises:
        ChartError: If no Chromium is installed.
    """
    import kaleido

    browser = chromium()
    images = {}
    with _KALEIDO, warnings.catch_warnings():  # one server per process: sessions of the dashboard take turns
        warnings.simplefilter("ignore")  # plotly warns that per-call options are ignored by a running server
        kaleido.start_sync_server(path=browser, mathjax=False, silence_warnings=True)  # no MathJax from a CDN
        try:
            for name, figure in figures.items():
                images[name] = figure.to_image(format="png", width=WIDTH, height=HEIGHT, scale=SCALE)
        finally:
            kaleido.stop_sync_server(silence_warnings=True)
    return images
