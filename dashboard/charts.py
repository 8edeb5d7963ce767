"""Pure chart builders: tidy DataFrame in, plotly ``go.Figure`` out.

No Streamlit here, and ``go.*`` rather than ``plotly.express`` (about 3 ms against 40 ms a figure, which matters
with many sessions). The frames each builder expects are described in its docstring; :mod:`dashboard.frames`
makes them from simulation results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.label_placement import PlotArea, place_labels
from dashboard.labels import (
    FALLBACK_COLOUR,
    LAND_USE_COLOURS,
    ROLE_STYLE,
    SCENARIO_COLOURS,
    SENSOR_LABELS,
    SENSOR_STYLE,
    pretty,
)

FONT = {"size": 15}
HOVER_NUMBERS = "utility %{y:.0%}, risk %{x:.0%}<extra></extra>"
SHARE_TICKS = {"tickformat": ".0%"}
"""Shares are shown as percentages everywhere (0.44 reads 44%), as in the headline numbers."""
ROLE_NAMES = {"preset": "Presets", "session": "Run in this session", "current": "Current scenario"}


def _layout(title: str, height: int = 420, legend: dict | None = None, **extra: object) -> dict:
    """Return the layout every chart shares, its legend updated with ``legend``, plus the ``extra`` keys.

    Figures are built from one layout dict: ``go.Figure(traces, layout)`` takes about 1 ms where each
    ``update_layout`` or ``update_xaxes`` call takes about 8 ms (it parses every key as a property path). No named
    template either: assigning one costs ~10 ms a figure; Streamlit's theme styles the chart on screen.
    """
    return {"title": {"text": title, "font": {"size": 19}, "yref": "container", "y": 1, "yanchor": "top",
                      "pad": {"t": 12}},
            "font": FONT, "height": height, "margin": {"l": 10, "r": 10, "t": 56, "b": 10}, "plot_bgcolor": "white",
            "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0,
                       **(legend or {})}, **extra}


TRADEOFF_AREA = PlotArea(x_range=(-0.1, 1.1), y_range=(-0.08, 1.1), width_px=820.0, height_px=330.0)
"""The trade-off chart's axes and the nominal size of its plotting area (for placing labels)."""


def _label(x: float, y: float, text: str, offset: tuple[float, float], colour: str, line_colour: str,
           size: int = 13, line_width: float = 1.0) -> dict:
    """Return a plotly annotation: a label at a pixel offset from its point, joined to it by a thin line."""
    return {"x": x, "y": y, "text": text, "ax": offset[0], "ay": offset[1], "showarrow": True, "arrowhead": 0,
            "arrowwidth": line_width, "arrowcolor": line_colour, "font": {"size": size, "color": colour},
            "bgcolor": "rgba(255,255,255,0.85)"}


def _label_annotations(points: pd.DataFrame) -> list[dict]:
    """Return one annotation per labelled point: the current scenario first, then the presets.

    Each label is placed clear of the others and of every point, and joined to its point by a thin line.
    """
    current = points[points["role"] == "current"]
    presets = points[points["role"] == "preset"].sort_values(["risk", "utility"])
    labelled = pd.concat([current, presets])
    offsets = place_labels(labelled["risk"].to_numpy(), labelled["utility"].to_numpy(),
                           [str(label) for label in labelled["label"]], TRADEOFF_AREA,
                           obstacles=(points["risk"].to_numpy(), points["utility"].to_numpy()))
    current_colour = ROLE_STYLE["current"][0]
    return [_label(row["risk"], row["utility"], f"<b>{row['label']}</b>", offset, current_colour, current_colour,
                   size=14, line_width=1.5) if row["role"] == "current"
            else _label(row["risk"], row["utility"], str(row["label"]), offset, "#333333", "#999999")
            for (_, row), offset in zip(labelled.iterrows(), offsets, strict=True)]


def tradeoff_figure(points: pd.DataFrame, frontier: pd.DataFrame | None = None) -> go.Figure:
    """Scatter of service utility against privacy risk.

    Args:
        points: One row per scenario with columns ``label``, ``role`` ("preset", "session" or "current"),
            ``utility`` and ``risk`` (0-1) and ``hover`` (what the point is; the label is used if absent).
        frontier: The Pareto frontier (columns ``utility``, ``risk``), drawn as a step line; none if empty.

    Returns:
        The figure: risk on x (lower is better), utility on y (higher is better), one trace per role.
    """
    traces = []
    if frontier is not None and len(frontier) > 0:
        ordered = frontier.sort_values("risk")
        traces.append(go.Scatter(x=ordered["risk"], y=ordered["utility"], mode="lines", name="Best trade-offs so far",
                                 line={"color": "#009E73", "width": 2, "dash": "dash", "shape": "hv"},
                                 hoverinfo="skip"))
    for role in ("preset", "session", "current"):
        rows = points[points["role"] == role]
        if rows.empty:
            continue
        colour, symbol, size = ROLE_STYLE[role]
        hover = rows["hover"] if "hover" in rows else rows["label"]
        traces.append(go.Scatter(
            x=rows["risk"], y=rows["utility"], mode="markers", name=ROLE_NAMES[role], text=rows["label"],
            hovertext=hover, hovertemplate="%{hovertext}<br>" + HOVER_NUMBERS,
            marker={"color": colour, "symbol": symbol, "size": size,
                    "line": {"width": 3 if role == "current" else 1.5, "color": colour}}))
    return go.Figure(traces, _layout(
        "Utility against risk", height=480, annotations=_label_annotations(points),
        xaxis={"title": {"text": "Privacy risk: share of residents reached<br>lower is better"},
               "range": list(TRADEOFF_AREA.x_range), **SHARE_TICKS},
        yaxis={"title": {"text": "Service utility (100% perfect)<br>higher is better"},
               "range": list(TRADEOFF_AREA.y_range), **SHARE_TICKS}))


COMPARE_AREA = PlotArea(x_range=(-0.05, 1.05), y_range=(-0.05, 1.1), width_px=820.0, height_px=280.0)
"""The compare chart's axes and the nominal size of its plotting area (for placing labels)."""


def scenarios_figure(points: pd.DataFrame) -> go.Figure:
    """Utility against risk for a few named scenarios, each in its own colour (the compare page).

    Args:
        points: One row per scenario with columns ``label``, ``utility`` and ``risk``.
    """
    labels = [str(label) for label in points["label"]]
    offsets = place_labels(points["risk"].to_numpy(), points["utility"].to_numpy(), labels, COMPARE_AREA)
    traces, notes = [], []
    for i, (row, offset) in enumerate(zip(points.itertuples(), offsets, strict=True)):
        colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
        traces.append(go.Scatter(x=[row.risk], y=[row.utility], mode="markers", name=row.label,
                                 hovertemplate=f"<b>{row.label}</b><br>" + HOVER_NUMBERS,
                                 marker={"color": colour, "size": 18, "symbol": "diamond"}))
        notes.append(_label(row.risk, row.utility, labels[i], offset, colour, colour))
    return go.Figure(traces, _layout(
        "Utility against risk", height=420, annotations=notes,
        xaxis={"title": {"text": "Privacy risk - lower is better"}, "range": list(COMPARE_AREA.x_range),
               **SHARE_TICKS},
        yaxis={"title": {"text": "Service utility - higher is better"}, "range": list(COMPARE_AREA.y_range),
               **SHARE_TICKS}))


def bars_figure(frame: pd.DataFrame, title: str, value_title: str, value_range: tuple[float, float] | None = (0, 1),
                ) -> go.Figure:
    """Grouped horizontal bars: one bar per (label, scenario).

    Args:
        frame: Columns ``label`` (the category), ``scenario`` (the group) and ``value``.
        title: Chart title.
        value_title: Title of the value axis.
        value_range: Fixed value-axis range, or None to fit the data. A range of (0, 1) means the values are
            shares: they read as percentages.

    Returns:
        The figure, one trace per scenario in order of first appearance.
    """
    categories = list(dict.fromkeys(frame["label"]))
    groups = list(frame.groupby("scenario", sort=False))
    shares = value_range == (0, 1)
    traces = [go.Bar(y=rows["label"], x=rows["value"], name=str(scenario), orientation="h",
                     marker_color=SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
                     text=[f"{v:.0%}" if shares else f"{v:.2f}" for v in rows["value"]], textposition="auto",
                     hovertemplate="%{y}: %{x:" + (".1%" if shares else ".3f") + "}<extra>" + str(scenario)
                     + "</extra>")
              for i, (scenario, rows) in reversed(list(enumerate(groups)))]  # plotly stacks the first trace lowest
    value_axis = {"title": {"text": value_title}, **({"range": list(value_range)} if value_range else {}),
                  **(SHARE_TICKS if shares else {})}
    n_bars = len(categories) * max(1, frame["scenario"].nunique())
    return go.Figure(traces, _layout(
        title, height=max(300, 120 + 28 * n_bars), legend={"traceorder": "reversed"}, barmode="group",
        yaxis={"categoryorder": "array", "categoryarray": categories[::-1], "automargin": True}, xaxis=value_axis))


def _grid_axes(width: int, height: int) -> dict:
    """Return the layout's axes for a zone grid: square cells, row 0 at the top."""
    return {"xaxis": {"range": [-0.5, width - 0.5], "showgrid": False, "zeroline": False, "constrain": "domain"},
            "yaxis": {"range": [height - 0.5, -0.5], "showgrid": False, "zeroline": False, "scaleanchor": "x",
                      "scaleratio": 1, "constrain": "domain"}}


def land_use_heatmap(zones: pd.DataFrame) -> go.Heatmap:
    """Return a heatmap trace of the zones coloured by land use, with a colour bar naming each use.

    Args:
        zones: Columns ``x``, ``y``, ``land_use`` and ``district``; one row per zone.
    """
    uses = list(dict.fromkeys(sorted(zones["land_use"].unique(), key=lambda u: list(LAND_USE_COLOURS).index(u)
                                     if u in LAND_USE_COLOURS else len(LAND_USE_COLOURS))))
    code = {use: i for i, use in enumerate(uses)}
    width, height = int(zones["x"].max()) + 1, int(zones["y"].max()) + 1
    z = np.full((height, width), np.nan)
    text = np.full((height, width), "", dtype=object)
    for row in zones.itertuples():
        z[row.y, row.x] = code[row.land_use]
        text[row.y, row.x] = f"zone {row.Index}: {pretty(row.land_use)}<br>district {row.district}"
    n = len(uses)
    scale = []
    for i, use in enumerate(uses):
        colour = LAND_USE_COLOURS.get(use, FALLBACK_COLOUR)
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return go.Heatmap(z=z, text=text, hoverinfo="text", colorscale=scale, zmin=-0.5, zmax=n - 0.5, xgap=1, ygap=1,
                      name="land use", showscale=True,
                      colorbar={"tickvals": list(range(n)), "ticktext": [pretty(u) for u in uses],
                                "title": {"text": "Land use"}, "x": 1.02, "len": 1.0, "thickness": 14})


def city_map_figure(zones: pd.DataFrame, sensors: pd.DataFrame) -> go.Figure:
    """Map of the city: zones coloured by land use, one marker per sensor, kinds told apart by colour and shape.

    Args:
        zones: One row per zone (index = zone id) with ``x``, ``y``, ``land_use``, ``district``.
        sensors: One row per device with ``zone``, ``kind`` and ``name``.

    Returns:
        The figure. Devices of different kinds in one zone are spread around the zone's centre.
    """
    traces = [land_use_heatmap(zones)]
    kinds = list(SENSOR_STYLE)
    for i, kind in enumerate(kinds):
        rows = sensors[sensors["kind"] == kind]
        if rows.empty:
            continue
        where = zones.loc[rows["zone"].to_numpy(), ["x", "y"]].to_numpy(dtype=float)
        angle = 2 * np.pi * i / len(kinds)
        colour, symbol = SENSOR_STYLE[kind]
        traces.append(go.Scatter(
            x=where[:, 0] + 0.27 * np.cos(angle), y=where[:, 1] + 0.27 * np.sin(angle), mode="markers",
            name=f"{SENSOR_LABELS.get(kind, kind)} ({len(rows)})",
            marker={"color": colour, "symbol": symbol, "size": 8, "line": {"width": 1, "color": "white"}},
            hovertext=[f"{SENSOR_LABELS.get(kind, kind)} '{name}' in zone {zone}"
                       for name, zone in zip(rows["name"], rows["zone"], strict=True)],
            hoverinfo="text"))
    return go.Figure(traces, _layout("Land use and sensors", height=720,
                                     **_grid_axes(int(zones["x"].max()) + 1, int(zones["y"].max()) + 1)))


def population_figure(population: pd.DataFrame) -> go.Figure:
    """Animated map of where people are, hour by hour, with a time slider and a play button.

    Args:
        population: Columns ``hour`` (0-23), ``x``, ``y`` and ``people`` (mean residents present).

    Returns:
        The figure, one animation frame per hour, a shared colour range.
    """
    width, height = int(population["x"].max()) + 1, int(population["y"].max()) + 1
    hours = sorted(population["hour"].unique())
    zmax = float(population["people"].max()) or 1.0

    def grid(hour: int) -> np.ndarray:
        z = np.zeros((height, width))
        rows = population[population["hour"] == hour]
        z[rows["y"].to_numpy(), rows["x"].to_numpy()] = rows["people"].to_numpy()
        return z

    def heat(hour: int) -> go.Heatmap:
        return go.Heatmap(z=grid(hour), zmin=0, zmax=zmax, colorscale="YlOrRd", xgap=1, ygap=1,
                          colorbar={"title": {"text": "People"}}, hovertemplate="x %{x}, y %{y}: %{z:.0f} people"
                          "<extra></extra>")

    steps = [{"label": f"{h:02d}:00", "method": "animate",
              "args": [[str(h)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                  "transition": {"duration": 0}}]} for h in hours]
    play = {"label": "Play", "method": "animate",
            "args": [None, {"frame": {"duration": 600, "redraw": True}, "fromcurrent": True,
                            "transition": {"duration": 0}}]}
    pause = {"label": "Pause", "method": "animate",
             "args": [[None], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}]}
    layout = _layout(
        "Where people are, hour by hour (mean over the simulated days)", height=680,
        updatemenus=[{"type": "buttons", "direction": "left", "buttons": [play, pause], "x": 0, "y": -0.08,
                      "xanchor": "left", "yanchor": "top", "showactive": False}],
        sliders=[{"steps": steps, "active": 0, "x": 0.18, "len": 0.82, "y": -0.05, "yanchor": "top",
                  "currentvalue": {"prefix": "Time of day: ", "font": {"size": 16}}}],
        **_grid_axes(width, height))
    return go.Figure(heat(hours[0]), layout, frames=[go.Frame(data=[heat(h)], name=str(h)) for h in hours])


def figure_html(fig: go.Figure) -> str:
    """Return the figure as a standalone HTML page that works offline (plotly.js embedded)."""
    return fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False})
