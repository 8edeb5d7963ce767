"""Hand-made worlds and releases for the risk-metric tests (independent of the sensors and controls).

A toy city on a grid; residents sleep at home, work on weekdays 9-17 and make a leisure visit some evenings
(sometimes to a sensitive place). Sensors are simulated directly: each hour a resident is seen with a given
probability by ``wifi_bt`` (pseudonymous, keys rotating), ``anpr`` (identified plates) and ``cctv`` (faces with a
watchlist score). The release applies the generalisation, rotation and retention asked for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.codes import HOME, LAND_USES, LEISURE, NIGHTLIFE, TRAVEL, WORK
from simulation.metrics.base import AssessmentContext
from simulation.observations import ObservationLog, empty_records
from simulation.release import Release
from simulation.scenario import ScenarioConfig
from simulation.world import World
from simulation.world.city import City

SLOT_MINUTES = 60
WATCHLIST_SCORE_MEMBER = 0.8


def make_city(width: int = 6, height: int = 6) -> City:
    """Return a grid city whose land uses cycle through every use (so sensitive places exist)."""
    n = width * height
    zones = pd.DataFrame({
        "x": np.arange(n) % width, "y": np.arange(n) // width,
        "land_use": [LAND_USES[i % len(LAND_USES)] for i in range(n)],
        "district": [f"d{(i % width) // 3}{(i // width) // 3}" for i in range(n)],
        "road": np.ones(n, dtype=bool), "station": np.zeros(n, dtype=bool),
    })
    return City(zones=zones, width=width, height=height, zone_size_m=250.0, transit_lines=())


def make_world(n: int = 60, days: int = 2, seed: int = 0, width: int = 6) -> World:
    """Return a world of n residents over some days, hourly slots, starting on a Monday."""
    rng = np.random.default_rng(seed)
    city = make_city(width, width)
    zones = city.n_zones
    home = rng.integers(0, zones, n)
    work = rng.integers(0, zones, n)
    sensitive = np.flatnonzero(city.zones["land_use"].isin(["clinic", "hospital", "worship", "nightlife"]))
    slots = days * 24
    zone = np.repeat(home[None, :], slots, axis=0).astype(np.int32)
    activity = np.full((slots, n), HOME, dtype=np.int8)
    for day in range(days):
        base = day * 24
        if day % 7 < 5:
            zone[base + 9:base + 17] = work
            activity[base + 9:base + 17] = WORK
            activity[base + 8] = TRAVEL
            zone[base + 8] = work
        going = rng.random(n) < 0.4
        place = np.where(rng.random(n) < 0.5, rng.choice(sensitive, n), rng.integers(0, zones, n))
        zone[base + 19:base + 21, going] = place[going]
        activity[base + 19:base + 21, going] = np.where(np.isin(place[going], sensitive), NIGHTLIFE, LEISURE)
    residents = pd.DataFrame({
        "archetype": "worker", "home_zone": home, "work_zone": work, "household": np.arange(n),
        "group": np.where(rng.random(n) < 0.7, "A", "B"), "phone_wifi_on": True, "randomised_mac": False,
        "mac": np.arange(n) + 1000, "has_car": True, "plate": np.arange(n) + 5000, "has_card": False,
        "card": -1, "card_registered": False, "face": np.arange(n) + 9000, "meter": np.arange(n),
    })
    return World(city=city, residents=residents, zone=zone, activity=activity,
                 mode=np.zeros_like(activity), slot_minutes=SLOT_MINUTES, start_weekday=0, trips=0)


def detections(world: World, probability: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (slot, resident) of the hourly sightings of one sensor kind."""
    seen = np.random.default_rng(seed).random(world.zone.shape) < probability
    slot, resident = np.nonzero(seen)
    return slot.astype(np.int64), resident.astype(np.int64)


ROTATION_MINUTES = {"never": None, "daily": 1440, "hourly": 60}


def keyed_pseudonym(token: np.ndarray, epoch: np.ndarray, key: int) -> np.ndarray:
    """Return a deterministic pseudonym per (token, epoch): an integer mix standing in for the keyed hash."""
    mixed = (token.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + epoch.astype(np.uint64) * np.uint64(
        0xBF58476D1CE4E5B9) + np.uint64(key)) & np.uint64(0x7FFFFFFFFFFF)
    return mixed.astype(np.int64)


def make_release(world: World, rotation: str = "never", block: int = 1, time_bin: int = 60,
                 retention_days: float = 30.0, detect: float = 0.5, seed: int = 1, edge: bool = False,
                 readable: list[str] | None = None, watchlist: np.ndarray | None = None,
                 threshold: float = 0.6) -> Release:
    """Return a release of wifi_bt (pseudonymous), anpr (identified) and cctv (face scores) records."""
    width = world.city.width
    x, y = world.city.zones["x"].to_numpy(), world.city.zones["y"].to_numpy()
    units = ((y // block) * ((width + block - 1) // block) + x // block).astype(np.int32)
    horizon = world.n_slots * world.slot_minutes
    records, truth = {}, {}
    members = np.zeros(world.n_residents, dtype=bool)
    if watchlist is not None:
        members[watchlist] = True
    for offset, kind in enumerate(("wifi_bt", "anpr", "cctv")):
        slot, resident = detections(world, detect, seed * 10 + offset)
        minutes = slot * world.slot_minutes
        time = (minutes // time_bin) * time_bin
        period = ROTATION_MINUTES[rotation]
        epoch = minutes // period if (kind == "wifi_bt" and period) else np.zeros_like(minutes)
        value = np.full(len(slot), np.nan, dtype=np.float32)
        if kind == "wifi_bt":
            pseudonym = keyed_pseudonym(resident, epoch, seed)
        elif kind == "anpr":
            pseudonym = world.residents["plate"].to_numpy(np.int64)[resident]
        else:
            score = np.where(members[resident], WATCHLIST_SCORE_MEMBER,
                             np.random.default_rng(seed).uniform(0.0, 0.7, len(slot)))
            value = score.astype(np.float32)
            pseudonym = np.where(score >= threshold, world.residents["face"].to_numpy(np.int64)[resident], -1)
        keep = minutes >= horizon - retention_days * 1440
        records[kind] = pd.DataFrame({
            "time": time[keep].astype(np.int32), "unit": units[world.zone[slot, resident]][keep].astype(np.int32),
            "pseudonym": pseudonym[keep].astype(np.int64), "value": value[keep],
            "epoch": epoch[keep].astype(np.int32)})
        truth[kind] = resident[keep].astype(np.int32)
    if edge:
        records, truth = {}, {}
    kinds = list(records) if readable is None else readable
    return Release(records=records, record_truth=truth, aggregates={}, identified={"anpr", "cctv"},
                   readable={"operator": kinds, "police": [k for k in kinds if k != "wifi_bt"], "vendor": [],
                             "public": []},
                   units=units, time_bin_minutes=time_bin, horizon_minutes=horizon)


def make_config(known_points: int = 4, knows_home_work: bool = True, role: str = "operator",
                face_recognition: bool = True, threshold: float = 0.6) -> ScenarioConfig:
    """Return a scenario whose adversary and face-recognition settings the fixtures use."""
    return ScenarioConfig.model_validate({
        "name": "risk_fixture", "seed": 3,
        "sensors": [{"kind": "cctv", "name": "cams", "placement": {"zone_share": 0.5},
                     "face_recognition": face_recognition, "watchlist_size": 5}],
        "controls": {"face_recognition": {"match_threshold": threshold}},
        "adversary": {"role": role, "known_points": known_points, "knows_home_work": knows_home_work},
    })


def make_context(world: World, release: Release, config: ScenarioConfig | None = None,
                 watchlist: np.ndarray | None = None) -> AssessmentContext:
    """Return an assessment context over a hand-made world and release."""
    log = ObservationLog(records=empty_records(), sensors=pd.DataFrame(columns=["sensor", "name", "kind", "zone"]),
                         slot_minutes=world.slot_minutes,
                         watchlist=np.asarray(watchlist if watchlist is not None else [], dtype=np.int32))
    return AssessmentContext(world=world, log=log, release=release, config=config or make_config())
