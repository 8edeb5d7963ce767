"""Plain-language names for outcomes, services, sensor kinds and land uses, and the colours charts give them.

The names of outcomes and sensor kinds live in :mod:`simulation.labels` (the DPIA report uses them too).
"""

from __future__ import annotations

from simulation.labels import (  # noqa: F401 - re-exported: the dashboard's modules import them from here
    HEADLINE_LABELS,
    OUTCOME_LABELS,
    RISK_LABELS,
    SENSOR_LABELS,
    SENSOR_RECORDS,
    UTILITY_LABELS,
    pretty,
)

SENSOR_STYLE: dict[str, tuple[str, str]] = {
    "cctv": ("#000000", "circle"),
    "wifi_bt": ("#0072B2", "diamond"),
    "anpr": ("#D55E00", "square"),
    "transit_card": ("#009E73", "triangle-up"),
    "smart_meter": ("#CC79A7", "cross"),
    "people_counter": ("#E69F00", "star"),
    "env_iot": ("#56B4E9", "x"),
}
"""Colour (Okabe-Ito, readable with colour-blindness) and marker symbol of each sensor kind."""

LAND_USE_COLOURS: dict[str, str] = {
    "residential_low": "#f6e8c3",
    "residential_mid": "#e9c46a",
    "residential_high": "#c99527",
    "office": "#8da0cb",
    "retail": "#f4a582",
    "school": "#a6dcef",
    "clinic": "#d6a4b4",
    "hospital": "#b2182b",
    "worship": "#9e7bb5",
    "park": "#8fd19e",
    "nightlife": "#f781bf",
    "industrial": "#bababa",
}
FALLBACK_COLOUR = "#dddddd"

ROLE_STYLE: dict[str, tuple[str, str, int]] = {
    "preset": ("#7f7f7f", "circle", 12),
    "session": ("#56B4E9", "circle-open", 11),
    "current": ("#D55E00", "star-open", 24),  # open: the preset it may sit on stays visible through it
}
"""Colour, symbol and size of each kind of point on the trade-off chart."""

SCENARIO_COLOURS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
