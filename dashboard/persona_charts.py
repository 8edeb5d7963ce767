"""Charts of one resident's week: where they were, day by day, and what the sensors kept (pure; no Streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import _grid_axes, _layout, land_use_heatmap
from dashboard.labels import SENSOR_LABELS, SENSOR_STYLE

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ACTIVITY_COLOURS: dict[str, str] = {
    "home": "#9ecae1", "work": "#fdae6b", "school": "#fdd0a2", "shopping": "#c7e9c0", "leisure": "#74c476",
    "care": "#e377c2", "worship": "#9467bd", "nightlife": "#d62728", "travel": "#bdbdbd",
    "away": "#636363",
}


def day_label(day: int, start_weekday: int) -> str:
    """Return 'Mon 1' style labels for a day index of the horizon."""
    return f"{WEEKDAYS[(day + start_weekday) % 7]} {day + 1}"


def split_by_day(timeline: pd.DataFrame) -> pd.DataFrame:
    """Return the stays and trips cut at midnight: columns day, start_hour, hours, activity, zone, land_use."""
    rows = []
    for start, end, activity, zone, land_use in zip(timeline["start_minute"], timeline["end_minute"],
                                                    timeline["activity"], timeline["zone"], timeline["land_use"],
                                                    strict=True):
        minute = int(start)
        while minute < end:
            day, into = divmod(minute, 1440)
            stop = min(int(end), (day + 1) * 1440)
            rows.append({"day": day, "start_hour": into / 60, "hours": (stop - minute) / 60, "activity": activity,
                         "zone": int(zone), "land_use": land_use})
            minute = stop
    return pd.DataFrame(rows, columns=["day", "start_hour", "hours", "activity", "zone", "land_use"])


def week_figure(timeline: pd.DataFrame, records: pd.DataFrame, start_weekday: int) -> go.Figure:
    """Return the week as one row per day: coloured bars for what the resident did, marks for each record kept.

    Args:
        timeline: ``Persona.timeline``.
        records: ``Persona.records`` (kind, time...).
        start_weekday: Weekday of day 0 (0 = Monday).
    """
    pieces = split_by_day(timeline)
    n_days = int(pieces["day"].max()) + 1 if len(pieces) else 1
    labels = [day_label(d, start_weekday) for d in range(n_days)]
    traces = []
    for activity, colour in ACTIVITY_COLOURS.items():
        rows = pieces[pieces["activity"] == activity]
        if rows.empty:
            continue
        traces.append(go.Bar(
            y=[labels[d] for d in rows["day"]], x=rows["hours"], base=rows["start_hour"], orientation="h",
            name=activity, marker={"color": colour}, width=0.6,
            hovertext=[f"{activity} in zone {z} ({u.replace('_', ' ')})" for z, u in
                       zip(rows["zone"], rows["land_use"], strict=True)], hoverinfo="text"))
    for kind, rows in records.groupby("kind", sort=True):
        colour, symbol = SENSOR_STYLE.get(str(kind), ("#444444", "circle"))
        day = (rows["time"].to_numpy() // 1440).astype(int)
        traces.append(go.Scatter(
            y=[labels[min(d, n_days - 1)] for d in day], x=(rows["time"].to_numpy() % 1440) / 60, mode="markers",
            name=f"kept: {SENSOR_LABELS.get(str(kind), kind)}", yaxis="y",
            marker={"color": colour, "symbol": symbol, "size": 9, "line": {"width": 1, "color": "white"}},
            hovertemplate="%{x:.2f} h<extra>" + SENSOR_LABELS.get(str(kind), str(kind))
                                              + "</extra>"))
    layout = _layout("Their week: what they did (bars) and what the city kept (marks)",
                     height=max(380, 150 + 44 * n_days),
                     legend={"orientation": "v", "yref": "paper", "y": 1, "yanchor": "top", "x": 1.01},
                     barmode="overlay",
                     xaxis={"title": {"text": "hour of day"}, "range": [0, 24], "dtick": 3, "showgrid": True,
                            "gridcolor": "#eeeeee"},
                     yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels,
                            "automargin": True})
    return go.Figure(traces, layout)


def unit_centres(zones: pd.DataFrame, units: np.ndarray) -> pd.DataFrame:
    """Return the centre (x, y) of every released unit (the mean of its zones' grid positions)."""
    frame = pd.DataFrame({"unit": np.asarray(units), "x": zones["x"].to_numpy(float), "y": zones["y"].to_numpy(float)})
    return frame.groupby("unit")[["x", "y"]].mean()


def persona_map_figure(zones: pd.DataFrame, timeline: pd.DataFrame, records: pd.DataFrame, units: np.ndarray,
                       home_inferred: int, work_inferred: int) -> go.Figure:
    """Return the city map with where the resident spent time, where records were kept, and what was inferred.

    Args:
        zones: The city's zones (x, y, land_use).
        timeline: ``Persona.timeline``.
        records: ``Persona.records``.
        units: Released unit of every zone.
        home_inferred: Unit the adversary takes for their home (-1: none).
        work_inferred: Unit the adversary takes for their workplace (-1: none).
    """
    stays = timeline.assign(hours=(timeline["end_minute"] - timeline["start_minute"]) / 60)
    time_per_zone = stays.groupby("zone")["hours"].sum()
    where = zones.loc[time_per_zone.index, ["x", "y"]].to_numpy(float)
    traces = [land_use_heatmap(zones), go.Scatter(
        x=where[:, 0], y=where[:, 1], mode="markers", name="where they spent time",
        marker={"size": 6 + 3 * np.sqrt(time_per_zone.to_numpy()), "color": "rgba(0,0,0,0)",
                "line": {"width": 2, "color": "black"}},
        hovertext=[f"zone {z}: {h:.1f} h" for z, h in time_per_zone.items()], hoverinfo="text")]
    centres = unit_centres(zones, units)
    for kind, rows in records.groupby("kind", sort=True):
        colour, symbol = SENSOR_STYLE.get(str(kind), ("#444444", "circle"))
        seen = rows["unit"].value_counts()
        at = centres.loc[seen.index]
        traces.append(go.Scatter(
            x=at["x"], y=at["y"], mode="markers", name=f"kept: {SENSOR_LABELS.get(str(kind), kind)}",
            marker={"color": colour, "symbol": symbol, "size": 9, "line": {"width": 1, "color": "white"}},
            hovertext=[f"{n} records in unit {u}" for u, n in seen.items()], hoverinfo="text"))
    places = [(home_inferred, "inferred home", "#08519c"), (work_inferred, "inferred work", "#a63603")]
    if home_inferred >= 0 and home_inferred == work_inferred:
        places = [(home_inferred, "inferred home and work", "#08519c")]
    for unit, label, colour in places:
        if unit >= 0 and unit in centres.index:
            traces.append(go.Scatter(x=[centres.loc[unit, "x"]], y=[centres.loc[unit, "y"]], mode="markers", name=label,
                                     marker={"symbol": "star", "size": 20, "color": colour,
                                             "line": {"width": 1, "color": "white"}}))
    layout = _layout("Where they went, and what the city can place", height=620,
                     **_grid_axes(int(zones["x"].max()) + 1, int(zones["y"].max()) + 1))
    return go.Figure(traces, layout)
