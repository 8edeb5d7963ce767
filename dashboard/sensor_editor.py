"""The editor's sensor deployments: pick, change, duplicate, remove, add; place by district, share or map.

A deployment is placed by district, by a share of the zones its kind can stand in, or by zones clicked on the map.

One deployment is shown at a time (a city has up to 64): the widgets of the others are not drawn, their values are
kept in the draft (:mod:`dashboard.draft`). A deployment is placed by the union of its districts, a random share of
eligible zones and explicit zones (:class:`simulation.scenario.Placement`); only the ways chosen under "Placed by"
are shown, and a way left out is emptied, so a camera placed by district shows its districts and no share.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import draft
from dashboard.widgets import Binding, describe_field, render_field, section_inputs
from simulation.labels import SENSOR_LABELS
from simulation.scenario import SENSOR_KINDS, Placement
from simulation.scenario_titles import SENSOR_MODELS
from simulation.world.city import City

PLACED_BY = {"districts": "Districts", "share": "Share of zones", "zones": "Zones on the map"}
DAY_MINUTES = 24 * 60


def _in_use(placement: dict[str, Any]) -> list[str]:
    used = {"districts": bool(placement["districts"]), "share": placement["zone_share"] > 0,
            "zones": bool(placement["zones"])}
    return [way for way, on in used.items() if on]


def placement_inputs(item: dict[str, Any], key: str, path: tuple, city: City | None, index: int) -> list[Binding]:
    """Show how a deployment is placed, only the ways chosen; empty the others in the draft.

    Args:
        item: The deployment's data in the draft (its placement is changed in place).
        key: Widget-key prefix of the deployment.
        path: The deployment's path in the draft.
        city: The draft's city (its districts and zones), None if it cannot be loaded.
        index: The deployment's position (for the map dialog).
    """
    placement = item["placement"]
    ways = st.segmented_control(
        "Placed by", list(PLACED_BY), selection_mode="multi", default=_in_use(placement), format_func=PLACED_BY.get,
        key=f"{key}.placed_by", help="Devices stand in every eligible zone of the districts chosen, in a random "
                                     "share of the zones this kind can stand in, and in zones picked on the map.")
    bindings: list[Binding] = []
    fields = Placement.model_fields
    if "districts" in ways:
        known = sorted(set(city.zones["district"].astype(str)) if city is not None else set())
        options = known + [d for d in placement["districts"] if d not in known]
        st.multiselect(fields["districts"].title, options, default=placement["districts"], key=f"{key}.districts",
                       help=fields["districts"].description)
        bindings.append((f"{key}.districts", (*path, "placement", "districts")))
    else:
        placement["districts"] = []
    if "share" in ways:
        if placement["zone_share"] == 0:
            placement["zone_share"] = draft.NEW_SENSOR_SHARE
        spec = describe_field("zone_share", fields["zone_share"])
        render_field(spec, placement["zone_share"], f"{key}.zone_share")
        bindings.append((f"{key}.zone_share", (*path, "placement", "zone_share")))
    else:
        placement["zone_share"] = 0.0
    if "zones" in ways:
        zones = placement["zones"]
        st.caption(f"{len(zones)} zones picked on the map" + (f": {', '.join(map(str, zones[:12]))}"
                                                              f"{' ...' if len(zones) > 12 else ''}" if zones else "."))
        if city is not None and st.button("Pick zones on the map", key=f"{key}.pick", icon=":material/touch_app:"):
            from dashboard.zone_picker import pick_zones

            pick_zones(index, city)
    else:
        placement["zones"] = []
    if not ways:
        st.warning("Choose at least one way to place this deployment: as it is, it has no device.")
    return bindings


def sensors_section(data: dict[str, Any], key: str, city: City | None) -> list[Binding]:
    """Show the deployments' editor and return the bindings of the widgets drawn."""
    ids = draft.sensor_ids()
    sensors = data["sensors"]
    slot = data["world"]["slot_minutes"]
    for item in sensors:  # a new time slot moves every deployment's interval onto its grid
        item["sampling_interval_minutes"] = draft.on_slot_grid(item["sampling_interval_minutes"], slot)
    choice_key = f"{key}.sensor_choice"
    bindings: list[Binding] = []
    with st.expander(f"Sensors ({len(sensors)} deployments)", expanded=False, key=f"{key}.sensors"):
        if ids:
            if st.session_state.get(choice_key) not in ids:
                st.session_state[choice_key] = ids[0]
            chosen = st.selectbox("Deployment", ids, key=choice_key,
                                  format_func=lambda i: draft.sensor_label(sensors[ids.index(i)]),
                                  help="Each deployment is one kind of sensor placed in some zones.")
            index = ids.index(chosen)
            item = sensors[index]
            prefix, path = f"{key}.sensor{chosen}", ("sensors", index)
            duplicate, remove = st.columns(2)
            duplicate.button("Duplicate", key=f"{prefix}.duplicate", on_click=draft.duplicate_sensor,
                             args=(index, choice_key), width="stretch", help="Add a copy of this deployment.")
            remove.button("Remove", key=f"{prefix}.remove", on_click=draft.remove_sensor, args=(index,),
                          width="stretch", help="Remove this deployment from the scenario.")
            model = SENSOR_MODELS[item["kind"]]
            st.text_input(model.model_fields["name"].title, value=item["name"], key=f"{prefix}.name",
                          help="Lowercase letters, digits, '_' and '-'; unique in the scenario.")
            bindings.append((f"{prefix}.name", (*path, "name")))
            bindings += placement_inputs(item, prefix, path, city, index)
            on_grid = {"kind": "slider", "minimum": slot, "maximum": DAY_MINUTES, "step": slot,
                       "help": f"How often the sensor records: a multiple of the {slot}-minute time slot."}
            bindings += section_inputs(model, item, prefix, path, skip=("name", "kind", "placement"),
                                       overrides={"sampling_interval_minutes": on_grid})
        else:
            st.caption("No sensor is deployed.")
        st.divider()
        kind_key = f"{key}.new_kind"
        st.selectbox("Kind of sensor to add", SENSOR_KINDS, key=kind_key, format_func=SENSOR_LABELS.get)
        st.button("Add a deployment", key=f"{key}.add", on_click=draft.add_sensor, args=(kind_key, choice_key),
                  icon=":material/add:", width="stretch")
    return bindings
