"""Generate a plausible city from a seed (the embedded default city in ``data/`` was made this way).

The layout follows a monocentric city: a dense centre of offices, shops and nightlife; rings of high-, mid- and
low-density housing; an industrial quarter on one side of the edge; schools, clinics, a hospital, places of worship
and parks spread through the residential districts; a grid of arterial roads about every kilometre; and three
transit lines (west-east, north-south, and a diagonal) that all cross the centre.

Run ``python -m simulation.world.city_gen data/default_city.csv`` to regenerate the shipped default city
(24 x 24 zones of 250 m, seed :data:`DEFAULT_CITY_SEED`).
"""

from __future__ import annotations

import argparse
import math

import numpy as np
import pandas as pd

from simulation.rng import stream
from simulation.world.city import City, CityError
from simulation.world.city_io import validate_city, write_zone_table
from simulation.world.routing import line_zone_at, manhattan

DEFAULT_CITY_SEED = 2026
"""Seed of the shipped default city."""

COMPASS: tuple[str, ...] = ("east", "north_east", "north", "north_west", "west", "south_west", "south", "south_east")


def _ring_land_use(r: float, u: float) -> str:
    """Return the base land use at normalised distance ``r`` from the centre, for a uniform draw ``u``."""
    bands = (
        (0.22, (("office", 0.42), ("retail", 0.28), ("nightlife", 0.12), ("residential_high", 0.18))),
        (0.45, (("residential_high", 0.72), ("retail", 0.1), ("office", 0.08), ("park", 0.06), ("nightlife", 0.04))),
        (0.75, (("residential_mid", 0.82), ("retail", 0.07), ("park", 0.08), ("office", 0.03))),
        (9.00, (("residential_low", 0.88), ("park", 0.09), ("retail", 0.03))),
    )
    for limit, mix in bands:
        if r < limit:
            total = 0.0
            for use, share in mix:
                total += share
                if u < total:
                    return use
            return mix[0][0]
    return "residential_low"


def _place(uses: np.ndarray, candidates: np.ndarray, count: int, use: str, rng: np.random.Generator) -> None:
    """Turn ``count`` of the candidate zones (chosen at random) into ``use``, in place."""
    if len(candidates) == 0 or count <= 0:
        return
    chosen = rng.choice(candidates, size=min(count, len(candidates)), replace=False)
    uses[chosen] = use


def _staircase(a: int, b: int, width: int) -> list[int]:
    """Return the 4-connected straight line of zones from ``a`` to ``b``, both included."""
    steps = int(manhattan(a, b, width))
    return [int(z) for z in line_zone_at(a, b, np.arange(steps + 1), width)]


def generate_city(grid_size: int, zone_size_m: float, seed: int, name: str = "generated") -> City:
    """Generate a city of ``grid_size`` x ``grid_size`` zones.

    Args:
        grid_size: Zones per side (at least 6).
        zone_size_m: Side of a zone in metres.
        seed: Scenario seed; every draw comes from ``stream(seed, "city", ...)``.
        name: Label of the city.

    Returns:
        A validated City.
    """
    n = int(grid_size)
    if n < 6:
        raise CityError(f"grid_size must be at least 6 zones per side, got {grid_size}")
    rng = stream(seed, "city", "layout")
    ids = np.arange(n * n)
    y, x = np.divmod(ids, n)
    cx = (n - 1) / 2 + rng.uniform(-0.6, 0.6)
    cy = (n - 1) / 2 + rng.uniform(-0.6, 0.6)
    dx, dy = x - cx, y - cy
    r = np.hypot(dx, dy) / (n / 2)
    angle = np.mod(np.arctan2(-dy, dx), 2 * np.pi)
    sector = np.floor(np.mod(angle + np.pi / 8, 2 * np.pi) / (np.pi / 4)).astype(int) % 8
    district = np.where(r < 0.3, "centre", np.array(COMPASS)[sector])

    uses = np.array([_ring_land_use(ri, ui) for ri, ui in zip(r, rng.random(n * n), strict=True)], dtype=object)
    industrial_angle = rng.uniform(0, 2 * np.pi)
    gap = np.abs(np.angle(np.exp(1j * (angle - industrial_angle))))
    industrial = (r > 0.62) & (gap < math.radians(24)) & (rng.random(n * n) < 0.8)
    uses[industrial] = "industrial"

    place_rng = stream(seed, "city", "services")
    residential = np.flatnonzero(np.isin(uses, ("residential_mid", "residential_low", "residential_high")))
    n_zones = n * n
    _place(uses, residential, max(2, n_zones // 40), "school", place_rng)
    residential = np.flatnonzero(np.isin(uses, ("residential_mid", "residential_low", "residential_high")))
    _place(uses, residential, max(1, n_zones // 70), "worship", place_rng)
    inner = np.flatnonzero((r > 0.15) & (r < 0.5) & (uses != "industrial"))
    _place(uses, inner, 1 + n_zones // 1500, "hospital", place_rng)
    mid = np.flatnonzero((r > 0.25) & np.isin(uses, ("residential_mid", "residential_high", "residential_low")))
    _place(uses, mid, max(1, n_zones // 110), "clinic", place_rng)
    for use, where in (("nightlife", r < 0.3), ("office", r < 0.3), ("retail", r < 0.5), ("park", r > 0.3),
                       ("industrial", r > 0.6)):
        if not (uses == use).any():
            _place(uses, np.flatnonzero(where & (uses != "school")), 1, use, place_rng)

    spacing = max(3, n // 6)
    offset = int(round(cx)) % spacing
    offset_y = int(round(cy)) % spacing
    road = ((x % spacing) == offset) | ((y % spacing) == offset_y)

    centre = int(round(cy)) * n + int(round(cx))
    west, east = int(round(cy)) * n + 1, int(round(cy)) * n + n - 2
    north, south = n + int(round(cx)), (n - 2) * n + int(round(cx))
    corner_a, corner_b = 2 * n + 2, (n - 3) * n + n - 3
    lines = (
        tuple(_staircase(west, east, n)),
        tuple(_staircase(north, south, n)),
        tuple(_staircase(corner_a, centre, n) + _staircase(centre, corner_b, n)[1:]),
    )
    station = np.zeros(n * n, bool)
    station_gap = max(2, n // 8)
    for line in lines:
        picks = list(range(0, len(line), station_gap)) + [len(line) - 1]
        station[np.array(line)[picks]] = True
    counts = np.bincount(np.concatenate([np.array(line) for line in lines]), minlength=n * n)
    station[counts > 1] = True

    zones = pd.DataFrame({"x": x, "y": y, "land_use": uses.astype(str), "district": district, "road": road,
                          "station": station})
    zones.index.name = "zone_id"
    city = City(zones=zones, width=n, height=n, zone_size_m=float(zone_size_m), transit_lines=lines, name=name)
    validate_city(city)
    return city


def main(argv: list[str] | None = None) -> None:
    """Write a generated city as a zone table (the default city unless told otherwise)."""
    parser = argparse.ArgumentParser(description="Generate a city and write its zone table (CSV or GeoJSON).")
    parser.add_argument("path", help="output file, .csv or .geojson")
    parser.add_argument("--grid-size", type=int, default=24)
    parser.add_argument("--zone-size-m", type=float, default=250.0)
    parser.add_argument("--seed", type=int, default=DEFAULT_CITY_SEED)
    parser.add_argument("--name", default="default")
    args = parser.parse_args(argv)
    write_zone_table(generate_city(args.grid_size, args.zone_size_m, args.seed, name=args.name), args.path)


if __name__ == "__main__":
    main()
