"""Plain-language names of outcomes and sensor kinds, shared by the dashboard and the DPIA report."""

from __future__ import annotations

UTILITY_LABELS: dict[str, str] = {
    "utility_crowd": "Crowd levels",
    "utility_transit": "Transit planning",
    "utility_traffic": "Road traffic",
    "utility_energy": "Energy demand",
    "utility_public_safety": "Public safety",
    "utility_environment": "Environment",
}
RISK_LABELS: dict[str, str] = {
    "risk_unicity": "Singled out by known points",
    "risk_reidentification": "Re-identified from home and work",
    "risk_tracking": "Followed on 2+ days",
    "risk_identified": "Named in the data",
    "risk_linkage": "Joined across datasets",
    "risk_sensitive_inference": "Sensitive visits exposed",
    "risk_trajectory_recovery": "Rebuilt from published counts",
    "risk_exposure": "Days a breach would leak",
}
"""The risks that are shares of residents (exposure: of residents' days), 0-1, drawn together on one chart."""
HEADLINE_LABELS: dict[str, str] = {
    "utility_overall": "Service utility",
    "risk_overall": "Privacy risk (residents any attack reaches)",
    "risk_tracked_time": "Share of the week followed",
    "risk_linkage_precision": "Precision of cross-dataset links",
    "risk_trajectory_recovery_accuracy": "Accuracy of trajectories rebuilt from counts",
    "risk_home_found": "Home revealed",
    "risk_work_found": "Workplace revealed",
    "risk_dp_epsilon_total": "Total epsilon per person",
    "risk_exposure_resident_days": "Resident-days a breach would leak",
    "risk_face_false_alerts_per_10k": "False face alerts",
}
OUTCOME_LABELS: dict[str, str] = {**UTILITY_LABELS, **RISK_LABELS, **HEADLINE_LABELS}

SENSOR_LABELS: dict[str, str] = {
    "cctv": "CCTV camera",
    "wifi_bt": "Wi-Fi/Bluetooth counter",
    "anpr": "Number-plate reader",
    "transit_card": "Transit card reader",
    "smart_meter": "Smart meter",
    "people_counter": "People counter",
    "env_iot": "Air/noise sensor",
}
SENSOR_RECORDS: dict[str, str] = {
    "cctv": "people in view; with live facial recognition a face template matched against a watchlist",
    "wifi_bt": "the device address of every phone with Wi-Fi or Bluetooth on",
    "anpr": "the number plate of every passing car (registered keeper)",
    "transit_card": "the card number of every tap (named if the card is registered)",
    "smart_meter": "household electricity use per interval, which follows who is at home",
    "people_counter": "a count of people crossing a line, no identifier",
    "env_iot": "air quality and noise readings, no identifier",
}


def pretty(name: str) -> str:
    """Return the plain-language label of an outcome, sensor kind or code name (snake_case as words if unknown)."""
    for table in (OUTCOME_LABELS, SENSOR_LABELS):
        if name in table:
            return table[name]
    return name.replace("_", " ").capitalize()
