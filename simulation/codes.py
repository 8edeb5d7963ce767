"""Integer codes shared by every stage: land uses, activities and travel modes.

Arrays hold these small integers; the names are for tables, charts and files.
"""

from __future__ import annotations

LAND_USES: tuple[str, ...] = (
    "residential_low",
    "residential_mid",
    "residential_high",
    "office",
    "retail",
    "school",
    "clinic",
    "hospital",
    "worship",
    "park",
    "nightlife",
    "industrial",
)
LAND_USE_CODE: dict[str, int] = {name: code for code, name in enumerate(LAND_USES)}
RESIDENTIAL_USES: tuple[str, ...] = ("residential_low", "residential_mid", "residential_high")
SENSITIVE_USES: tuple[str, ...] = ("clinic", "hospital", "worship", "nightlife")
"""Places whose visits reveal health, religion or private life (GDPR Art. 9 special categories)."""

ACTIVITIES: tuple[str, ...] = (
    "home", "work", "school", "shopping", "leisure", "care", "worship", "nightlife", "travel", "away",
)
ACTIVITY_CODE: dict[str, int] = {name: code for code, name in enumerate(ACTIVITIES)}
HOME, WORK, SCHOOL, SHOPPING, LEISURE, CARE, WORSHIP, NIGHTLIFE, TRAVEL, AWAY = range(len(ACTIVITIES))
"""AWAY: out of town, beyond every sensor of the city (the zone is the gateway the resident left the city by)."""

MODES: tuple[str, ...] = ("none", "walk", "bike", "car", "transit")
MODE_CODE: dict[str, int] = {name: code for code, name in enumerate(MODES)}
MODE_NONE, MODE_WALK, MODE_BIKE, MODE_CAR, MODE_TRANSIT = range(len(MODES))
"""MODE_NONE means the resident is not travelling in that slot."""

NO_TOKEN: int = -1
"""Token of a record that carries no identifier."""
NO_RESIDENT: int = -1
"""Truth column value of a record that belongs to nobody (counts, readings)."""
