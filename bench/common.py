"""What the stage benchmarks share: one deployment of every sensor kind at the default scale's coverage."""

from __future__ import annotations

SENSORS: list[dict] = [
    {"kind": "cctv", "name": "cctv", "placement": {"zone_share": 0.2}, "face_recognition": True},
    {"kind": "wifi_bt", "name": "wifi", "placement": {"zone_share": 0.3}},
    {"kind": "anpr", "name": "anpr", "placement": {"zone_share": 0.5}},
    {"kind": "transit_card", "name": "gates", "placement": {"zone_share": 1.0}},
    {"kind": "smart_meter", "name": "meters", "placement": {"zone_share": 1.0}},
    {"kind": "people_counter", "name": "counters", "placement": {"zone_share": 0.2}},
    {"kind": "env_iot", "name": "air", "placement": {"zone_share": 0.1}},
]
"""Sensor deployments of bench_sensors, bench_release, bench_assess, bench_risk and bench_world."""
