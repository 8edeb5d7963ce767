"""Charts of the facts: our curve against the published one, or our value against the tolerance band.

Pure builders (Fact -> plotly Figure), shared by ``check-model`` (which writes them) and the dashboard's
"Is the model realistic?" page (which shows them). No Streamlit here.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from simulation.validity.fact import OUTSIDE, WITHIN, Fact

OURS, PUBLISHED, BAND = "#1f5fa8", "#d95f02", "rgba(27, 158, 119, 0.18)"
VERDICT_WORDS = {WITHIN: "within tolerance", OUTSIDE: "outside tolerance", "info": "reported"}


def _title(fact: Fact) -> dict:
    return {"text": f"{fact.title}<br><sup>{fact.source}: {fact.published}; {VERDICT_WORDS[fact.verdict]}</sup>",
            "x": 0.0, "xanchor": "left"}


def _layout(fig: go.Figure, fact: Fact) -> go.Figure:
    fig.update_layout(title=_title(fact), template="plotly_white", height=380, margin={"l": 60, "r": 20, "t": 80,
                      "b": 60}, legend={"orientation": "h", "y": -0.25})
    return fig


def curve_figure(fact: Fact) -> go.Figure:
    """Return our curve (markers) against the published one (dashed), on the axes the curve asks for."""
    curve = fact.curve
    attrs = curve.attrs
    fig = go.Figure()
    text = curve["label"] if "label" in curve else None
    fig.add_trace(go.Scatter(x=curve["x"], y=curve["ours"], mode="lines+markers", name="this model",
                             line={"color": OURS}, text=text, hovertemplate="%{x:.3g}: %{y:.3g}<extra>%{text}</extra>"
                             if text is not None else None))
    if "published" in curve and curve["published"].notna().any():
        single = curve["published"].notna().sum() == 1  # a published value at one x: a marker, not a line
        fig.add_trace(go.Scatter(x=curve["x"], y=curve["published"], mode="markers" if single else "lines",
                                 name=attrs.get("published_label", "published"),
                                 line={"color": PUBLISHED, "dash": "dash"},
                                 marker={"color": PUBLISHED, "size": 14, "symbol": "star"}))
    if attrs.get("band") and fact.low is not None and fact.high is not None:
        fig.add_hrect(y0=fact.low, y1=fact.high, fillcolor=BAND, line_width=0, layer="below")
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"tolerance {fact.tolerance}",
                                 marker={"color": BAND, "size": 14, "symbol": "square"}))
    fig.update_xaxes(title=attrs.get("x_title"), type="log" if attrs.get("log_x") else "linear")
    fig.update_yaxes(title=attrs.get("y_title"), type="log" if attrs.get("log_y") else "linear")
    return _layout(fig, fact)


def value_figure(fact: Fact) -> go.Figure:
    """Return our value (a dot) on the tolerance band (shaded), for a fact without a curve."""
    value = fact.value if fact.value is not None and math.isfinite(fact.value) else None
    known = [v for v in (fact.low, fact.high, value) if v is not None]
    span = (max(known) - min(known)) if len(known) > 1 else abs(known[0]) if known else 1.0
    span = span or 1.0
    lo = fact.low if fact.low is not None else min(known) - span
    hi = fact.high if fact.high is not None else max(known) + span
    fig = go.Figure()
    if not fact.reported_only:
        fig.add_shape(type="rect", x0=lo, x1=hi, y0=-0.5, y1=0.5, fillcolor=BAND, line={"width": 0}, layer="below")
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker={"color": BAND, "size": 14,
                                                                             "symbol": "square"},
                                 name=f"tolerance {fact.tolerance}"))
    if value is not None:
        fig.add_trace(go.Scatter(x=[value], y=[0], mode="markers+text", name="this model",
                                 marker={"color": OURS, "size": 16}, text=[f"{value:.3g}"],
                                 textposition="top center"))
    fig.update_xaxes(title=fact.unit or "value", range=[min(known + [lo]) - 0.15 * span,
                                                        max(known + [hi]) + 0.15 * span])
    fig.update_yaxes(visible=False, range=[-1, 1])
    _layout(fig, fact)
    fig.update_layout(height=260)
    return fig


def fact_figure(fact: Fact) -> go.Figure:
    """Return the chart of one fact: its curve if it has one, else its value against the tolerance."""
    return curve_figure(fact) if fact.curve is not None else value_figure(fact)
