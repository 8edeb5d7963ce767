"""Placing a sensor deployment by clicking zones on the map: the picking map, reading a selection, the dialog.

The map is the land-use raster with one square marker per zone on top (a heatmap cannot be selected in plotly, a
scatter can): click a zone, or drag a box or a lasso around several, and the selection event
(``st.plotly_chart(on_select=...)``) names the zones by their ``customdata``. Zones where the deployment's kind
cannot stand (plate readers off the roads, card readers away from stations, meters outside homes) are dimmed and
never added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import draft
from dashboard.charts import FONT, land_use_heatmap
from simulation.labels import SENSOR_LABELS, pretty
from simulation.scenario import ScenarioConfig
from simulation.sensors import SENSOR_TYPES
from simulation.world.city import City

MAP_PX = 620
"""Height of the picking map in pixels; markers are sized to fill their zone."""
PICKED_COLOUR = "#000000"


def eligible_zones(kind: str, city: City) -> np.ndarray:
    """Return the zones a kind can stand in (the simulation's own rule: :meth:`Sensor.eligible_zones`)."""
    sensor = ScenarioConfig.model_validate({"sensors": [{"kind": kind, "name": "pick"}]}).sensors[0]
    return SENSOR_TYPES[kind](sensor).eligible_zones(city)


def zone_picker_figure(zones: pd.DataFrame, eligible: Iterable[int], picked: Iterable[int]) -> go.Figure:
    """Return the picking map: land use, dimmed zones the kind cannot use, picked zones outlined.

    Args:
        zones: One row per zone (index = zone id) with ``x``, ``y``, ``land_use`` and ``district``.
        eligible: Zones the deployment's kind can stand in.
        picked: Zones picked so far.
    """
    width, height = int(zones["x"].max()) + 1, int(zones["y"].max()) + 1
    size = max(4, int((MAP_PX - 90) / max(width, height)) - 2)
    eligible_mask = np.zeros(len(zones), dtype=bool)
    eligible_mask[np.asarray(list(eligible), dtype=np.int64)] = True
    picked_ids = sorted(set(int(zone) for zone in picked))

    def squares(ids: np.ndarray, name: str, marker: dict[str, Any], hover: str) -> go.Scatter:
        rows = zones.loc[ids]
        return go.Scatter(
            x=rows["x"], y=rows["y"], customdata=ids, mode="markers", name=name,
            marker={"symbol": "square", "size": size, **marker},
            hovertext=[f"zone {zone}: {pretty(use)}, district {district}{hover}" for zone, use, district
                       in zip(ids, rows["land_use"], rows["district"], strict=True)], hoverinfo="text")

    ids = zones.index.to_numpy()
    traces = [
        land_use_heatmap(zones).update(hoverinfo="skip"),
        squares(ids[eligible_mask], "Zones it can stand in", {"color": "rgba(0,0,0,0)"}, ""),
        squares(ids[~eligible_mask], "Zones it cannot stand in (dimmed)", {"color": "rgba(255,255,255,0.7)"},
                " (this kind cannot stand here)"),
        squares(np.asarray(picked_ids, dtype=np.int64), f"Picked ({len(picked_ids)})",
                {"color": "rgba(0,0,0,0)", "line": {"width": 3, "color": PICKED_COLOUR}}, ", picked"),
    ]
    layout = {"font": FONT, "height": MAP_PX, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
              "plot_bgcolor": "white",  # no dragmode: Streamlit then lets a click select a zone
              "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
              "xaxis": {"range": [-0.5, width - 0.5], "showgrid": False, "zeroline": False, "constrain": "domain",
                        "fixedrange": True},
              "yaxis": {"range": [height - 0.5, -0.5], "showgrid": False, "zeroline": False, "scaleanchor": "x",
                        "scaleratio": 1, "constrain": "domain", "fixedrange": True}}
    return go.Figure(traces, layout)


def selected_zones(selection: Mapping[str, Any] | None) -> list[int]:
    """Return the zone ids of a plotly selection event (``event.selection``), sorted, without repeats."""
    zones = set()
    for point in (selection or {}).get("points", []):
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if isinstance(data, int | float) and not isinstance(data, bool):
            zones.add(int(data))
    return sorted(zones)


def _zones(count: int) -> str:
    return f"{count} zone" if count == 1 else f"{count} zones"


def _add(index: int, picked: list[int], chosen: list[int]) -> None:
    draft.set_zones(index, [*picked, *chosen])


def _remove(index: int, picked: list[int], chosen: list[int]) -> None:
    draft.set_zones(index, sorted(set(picked) - set(chosen)))


@st.dialog("Place sensors by clicking zones", width="large")
def pick_zones(index: int, city: City) -> None:
    """Show the picking map for one deployment of the draft; its buttons change the deployment's zones.

    Args:
        index: The deployment's position in the draft.
        city: The draft's city.
    """
    item = draft.current()["sensors"][index]
    kind, picked = item["kind"], list(item["placement"]["zones"])
    eligible = eligible_zones(kind, city)
    st.markdown(f"**{SENSOR_LABELS.get(kind, kind)}** deployment, {len(picked)} zones picked. Click a zone "
                "(shift-click for more), or take the box or lasso in the chart's toolbar to select several; then add "
                "or remove them.")
    event = st.plotly_chart(zone_picker_figure(city.zones, eligible, picked), on_select="rerun",
                            selection_mode=("points", "box", "lasso"), key=f"zone_picker.{index}.{len(picked)}",
                            config={"displaylogo": False})
    chosen = selected_zones(event.selection if event else None)
    usable = sorted(set(chosen) & set(eligible.tolist()))
    if len(usable) < len(chosen):
        st.caption(f"{len(chosen) - len(usable)} of the selected zones cannot hold this kind of sensor and are "
                   "left out.")
    removable = sorted(set(chosen) & set(picked))
    add, remove, done = st.columns(3)
    add.button(f"Add {_zones(len(usable))}", on_click=_add, args=(index, picked, usable), disabled=not usable,
               width="stretch", key="zone_picker.add")
    remove.button(f"Remove {_zones(len(removable))}", on_click=_remove, args=(index, picked, removable),
                  disabled=not removable, width="stretch", key="zone_picker.remove")
    if done.button("Done", type="primary", width="stretch", key="zone_picker.done"):
        st.rerun()
