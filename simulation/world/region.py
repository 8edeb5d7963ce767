"""The region beyond the city: places residents travel to out of town, and the gateways they leave the city by.

Out of town, residents are beyond every sensor of the city: the city sees them only on their way to the edge
(driving along the roads to the edge road zone nearest their destination's bearing, or riding to the station
farthest out in that direction) and on their way back.

The region is REGION_PLACES places at bearings drawn uniformly and at distances from the city's centre drawn from
a truncated power law, the form González, Hidalgo and Barabási (2008, "Understanding individual human mobility
patterns", Nature 453) fit to the lengths of people's moves:

    P(d) ~ (d + D0_KM)^-BETA exp(-d / KAPPA_KM),  d >= the city's half-diagonal + 1 km.

Their fit for single moves is beta = 1.75 with a 1.5 km offset; the region's places are where whole outings and
holidays end, so the offset is set wider (a weekend outing or a visit is usually tens of kilometres away), the
exponent a little lower and the cutoff farther, so that the radii of gyration of a week (residents who spend a
few of their visits out of town) follow the law the same paper reports for r_g: beta_r = 1.65 with r0 = 5.8 km
(docs/validity.md; the fitted beta_r is 1.70-1.78 over seeds 42, 1 and 7).
Every draw comes from ``stream(seed, "region", ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.rng import stream
from simulation.world.city import City

REGION_PLACES = 2000
"""Places in the region."""
BETA = 1.5
"""Exponent of the distance law."""
D0_KM = 20.0
"""Offset of the distance law (km)."""
KAPPA_KM = 1000.0
"""Exponential cutoff of the distance law (km)."""
D_MAX_KM = 3000.0
"""Farthest place (km)."""


@dataclass(frozen=True, eq=False)
class Region:
    """Places beyond the city.

    Attributes:
        x_km: East position of each place in the city's frame (km from the raster's north-west corner).
        y_km: South position of each place, same frame.
        distance_km: Distance of each place from the city's centre.
        gateway_road: Per place, the road zone a car leaves the city by (the road zone farthest out in the
            place's direction; any zone when the city has no road).
        gateway_station: Per place, the station a rider leaves the city from (likewise; -1 without stations).
    """

    x_km: np.ndarray
    y_km: np.ndarray
    distance_km: np.ndarray
    gateway_road: np.ndarray
    gateway_station: np.ndarray

    @property
    def n_places(self) -> int:
        """Number of places."""
        return len(self.x_km)


def draw_distances(rng: np.random.Generator, n: int, d_min: float) -> np.ndarray:
    """Draw ``n`` distances (km) from the truncated power law of the module docstring, by inverse CDF."""
    grid = np.geomspace(d_min, D_MAX_KM, 4096)
    density = (grid + D0_KM) ** -BETA * np.exp(-grid / KAPPA_KM)
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(grid))])
    return np.interp(rng.random(n) * cdf[-1], cdf, grid)


def _farthest(candidates: np.ndarray, cx: np.ndarray, cy: np.ndarray, ux: np.ndarray, uy: np.ndarray) -> np.ndarray:
    """Return, per direction (ux, uy), the candidate zone whose centre lies farthest along it."""
    reach = cx[candidates][None, :] * ux[:, None] + cy[candidates][None, :] * uy[:, None]
    return candidates[np.argmax(reach, axis=1)]


def make_region(city: City, seed: int) -> Region:
    """Return the region around a city (module docstring).

    Args:
        city: The city at the region's centre.
        seed: The scenario seed.
    """
    rng = stream(seed, "region", "places")
    size_km = city.zone_size_m / 1000
    width_km, height_km = city.width * size_km, city.height * size_km
    d_min = float(np.hypot(width_km, height_km)) / 2 + 1.0
    distance = draw_distances(rng, REGION_PLACES, d_min)
    bearing = rng.uniform(0, 2 * np.pi, REGION_PLACES)
    ux, uy = np.cos(bearing), -np.sin(bearing)  # y grows southwards
    zone = np.arange(city.n_zones)
    cx = (zone % city.width + 0.5) * size_km - width_km / 2
    cy = (zone // city.width + 0.5) * size_km - height_km / 2
    roads = np.flatnonzero(city.road_mask)
    stations = np.flatnonzero(city.station_mask)
    return Region(
        x_km=width_km / 2 + distance * ux, y_km=height_km / 2 + distance * uy, distance_km=distance,
        gateway_road=_farthest(roads if len(roads) else zone, cx, cy, ux, uy),
        gateway_station=(_farthest(stations, cx, cy, ux, uy) if len(stations)
                         else np.full(REGION_PLACES, -1, np.int64)))
