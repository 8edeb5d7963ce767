"""Small hand-made cities and worlds for the sensor tests (and the sensor benchmark before build_world existed).

``grid_city`` is a raster with a road along one row and one column, stations on a line along another row, and two
districts. ``commuter_world`` gives every resident a plain weekday: home at night, a trip to work (by car for car
owners, by transit for card holders, on foot otherwise), work, a trip home; residents without work go shopping
late in the morning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.codes import HOME, MODE_CAR, MODE_NONE, MODE_TRANSIT, MODE_WALK, SHOPPING, TRAVEL, WORK
from simulation.world import World
from simulation.world.city import City

USES = ("residential_low", "residential_mid", "office", "retail", "residential_high", "park")


def grid_city(width: int = 8, height: int = 8) -> City:
    """Return a city of width x height zones: road on row 1 and column 1, stations on row height-2."""
    y, x = np.divmod(np.arange(width * height), width)
    zones = pd.DataFrame({
        "x": x,
        "y": y,
        "land_use": [USES[(xi + 2 * yi) % len(USES)] for xi, yi in zip(x, y, strict=True)],
        "district": np.where(y < height // 2, "north", "south"),
        "road": (y == 1) | (x == 1),
        "station": (y == height - 2) & (x % 2 == 0),
    })
    line = tuple(int(z) for z in np.flatnonzero(zones["y"] == height - 2))
    return City(zones=zones, width=width, height=height, zone_size_m=250.0, transit_lines=(line,), name="grid")


def residents_table(city: City, n: int, seed: int = 0) -> pd.DataFrame:
    """Return a residents table with the World contract's columns."""
    rng = np.random.default_rng([seed, 1])
    uses = city.zones["land_use"].to_numpy()
    homes = np.flatnonzero(np.char.startswith(uses.astype(str), "residential"))
    offices = np.flatnonzero(uses == "office")
    ids = np.arange(n)
    household = np.sort(rng.integers(0, max(1, n // 2), n))
    _, household = np.unique(household, return_inverse=True)
    first_home = rng.choice(homes, household.max() + 1)
    phone = rng.random(n) < 0.7
    car = rng.random(n) < 0.45
    card = ~car & (rng.random(n) < 0.8)
    return pd.DataFrame({
        "archetype": np.where(rng.random(n) < 0.7, "office_worker", "retiree"),
        "home_zone": first_home[household],
        "work_zone": rng.choice(offices, n),
        "household": household,
        "group": np.where(rng.random(n) < 0.7, "group_a", "group_b"),
        "phone_wifi_on": phone,
        "randomised_mac": phone & (rng.random(n) < 0.3),
        "mac": np.where(phone, 0x0010_0000_0000 + ids, -1),
        "has_car": car,
        "plate": np.where(car, 500_000 + ids, -1),
        "has_card": card,
        "card": np.where(card, 9_000_000 + ids, -1),
        "card_registered": card & (rng.random(n) < 0.5),
        "face": 77_000_000 + ids,
        "meter": 3_000_000 + household,
    })


def commuter_world(city: City | None = None, n: int = 200, days: int = 2, slot_minutes: int = 15,
                   seed: int = 0, residents: pd.DataFrame | None = None) -> World:
    """Return a world of commuters (see the module docstring) over ``days`` days."""
    city = city or grid_city()
    people = residents if residents is not None else residents_table(city, n, seed)
    n = len(people)
    rng = np.random.default_rng([seed, 2])
    per_day = 1440 // slot_minutes
    zones = city.zones
    roads = np.flatnonzero(zones["road"].to_numpy())
    stations = np.flatnonzero(zones["station"].to_numpy())
    retail = np.flatnonzero(zones["land_use"].to_numpy() == "retail")
    home = people["home_zone"].to_numpy()
    worker = people["archetype"].to_numpy() == "office_worker"
    dest = np.where(worker, people["work_zone"].to_numpy(), rng.choice(retail, n))
    travel_mode = np.where(people["has_car"], MODE_CAR, np.where(people["has_card"], MODE_TRANSIT, MODE_WALK))
    road, board, alight = rng.choice(roads, n), rng.choice(stations, n), rng.choice(stations, n)
    t = np.arange(per_day)[:, None]
    zone_days, activity_days, mode_days = [], [], []
    for _ in range(days):
        leave = np.where(worker, 8 * 60, 10 * 60) // slot_minutes + rng.integers(0, 3, n)
        back = np.where(worker, 17 * 60, 12 * 60) // slot_minutes + rng.integers(0, 3, n)
        legs = ((t >= leave) & (t < leave + 2), (t >= back) & (t < back + 2))
        zone = np.where((t >= leave + 2) & (t < back), dest, home)
        activity = np.where((t >= leave + 2) & (t < back), np.where(worker, WORK, SHOPPING), HOME)
        mode = np.full((per_day, n), MODE_NONE)
        for leg, (start, end) in zip(legs, ((board, alight), (alight, board)), strict=True):
            first = leg & (t == np.where(leg, t, per_day).min(axis=0))
            via = np.where(travel_mode == MODE_CAR, road,
                           np.where(travel_mode == MODE_TRANSIT, np.where(first, start, end), home))
            zone = np.where(leg, via, zone)
            activity = np.where(leg, TRAVEL, activity)
            mode = np.where(leg, travel_mode, mode)
        zone_days.append(zone)
        activity_days.append(activity)
        mode_days.append(mode)
    return World(city=city, residents=people, zone=np.concatenate(zone_days).astype(np.int32),
                 activity=np.concatenate(activity_days).astype(np.int8),
                 mode=np.concatenate(mode_days).astype(np.int8), slot_minutes=slot_minutes, start_weekday=0,
                 trips=2 * n * days)
