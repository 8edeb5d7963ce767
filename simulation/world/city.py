"""The city: a raster of zones with land uses, districts, arterial roads and transit lines, and routing on it.

Zone ids are row-major (``id = y * width + x``, y grows southwards). A trip's route is the sequence of zones it
passes through, origin and destination included:

- walk and bike go straight (a 4-connected digital line, see :func:`simulation.world.routing.line_zone_at`);
- cars go straight to the nearest arterial road zone, along the roads by a shortest path, and straight from the
  road zone nearest the destination;
- transit walks to the nearest station, rides the line(s) (changing where lines share a zone), and walks from the
  station nearest the destination; when both ends share their nearest station the trip is a walk.

Where cities come from: :func:`simulation.world.city_gen.generate_city` (from a seed),
:func:`simulation.world.city_io.read_zone_table` / ``write_zone_table`` (the CSV or GeoJSON zone table documented in
``data/README.md``) and :func:`simulation.world.city_source.load_city` (what a scenario names). This module imports
none of them, so that none of them imports the others back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from simulation.codes import LAND_USE_CODE, MODE_CAR, MODE_TRANSIT
from simulation.world.routing import Network, grid_links, line_zone_at, manhattan

ROUTE_CACHE_SIZE = 200_000
"""Routes kept by :meth:`City.route` before the cache starts afresh."""


class CityError(ValueError):
    """A city or zone table that cannot be used; the message names the problem and what is allowed."""


@dataclass(frozen=True, eq=False)
class City:
    """A city on a raster of square zones.

    Attributes:
        zones: One row per zone, index = zone id 0..n-1 (row-major: id = y * width + x). Columns: ``x``, ``y``
            (int grid position), ``land_use`` (str, one of codes.LAND_USES), ``district`` (str), ``road`` (bool:
            an arterial road runs through it), ``station`` (bool: a transit station stands in it).
        width: Zones per row.
        height: Zones per column.
        zone_size_m: Side of a zone in metres.
        transit_lines: Each line as the ordered tuple of the zones it runs through (stations among them).
        name: A label for charts and reports.
    """

    zones: pd.DataFrame
    width: int
    height: int
    zone_size_m: float
    transit_lines: tuple[tuple[int, ...], ...]
    name: str = "city"
    _route_cache: dict = field(default_factory=dict, init=False, repr=False)

    @property
    def n_zones(self) -> int:
        """Number of zones."""
        return len(self.zones)

    def districts(self) -> list[str]:
        """Return the district names, sorted."""
        return sorted(self.zones["district"].unique())

    def zone_district_codes(self) -> tuple[np.ndarray, list[str]]:
        """Return each zone's district as an integer code, and the names the codes index."""
        names = self.districts()
        lookup = {name: code for code, name in enumerate(names)}
        return self.zones["district"].map(lookup).to_numpy(np.int32), names

    # ------------------------------------------------------------ arrays (computed once)

    @cached_property
    def land_use_codes(self) -> np.ndarray:
        """Each zone's land use as its code in :data:`simulation.codes.LAND_USE_CODE` (int8)."""
        return self.zones["land_use"].map(LAND_USE_CODE).to_numpy(np.int8)

    @cached_property
    def road_mask(self) -> np.ndarray:
        """Boolean per zone: an arterial road runs through it."""
        return self.zones["road"].to_numpy(bool)

    @cached_property
    def station_mask(self) -> np.ndarray:
        """Boolean per zone: a transit station stands in it."""
        return self.zones["station"].to_numpy(bool)

    @cached_property
    def road_network(self) -> Network:
        """The arterial roads: road zones joined to their edge-adjacent road zones; any road zone is an access."""
        roads = np.flatnonzero(self.road_mask)
        links = grid_links(self.road_mask, self.width, self.height)
        return Network.build(roads, links, roads, self.n_zones, self.width)

    @cached_property
    def transit_network(self) -> Network:
        """The transit lines: consecutive zones of each line joined; stations are the only access points."""
        line_zones = [np.asarray(line, np.int64) for line in self.transit_lines if len(line)]
        nodes = np.unique(np.concatenate(line_zones)) if line_zones else np.array([], np.int64)
        links = [np.c_[z[:-1], z[1:]] for z in line_zones if len(z) > 1]
        links = np.concatenate(links) if links else np.zeros((0, 2), np.int64)
        stations = np.intersect1d(np.flatnonzero(self.station_mask), nodes)
        return Network.build(nodes, links, stations, self.n_zones, self.width)

    # ------------------------------------------------------------ routing

    def route(self, origin: int, destination: int, mode: int) -> np.ndarray:
        """Return the zones a trip passes through, origin and destination included (cached).

        Args:
            origin: Zone id where the trip starts.
            destination: Zone id where it ends.
            mode: A travel mode code from :mod:`simulation.codes` (walk, bike, car, transit).

        Returns:
            A read-only int64 array of zone ids.
        """
        key = (int(origin), int(destination), int(mode))
        cached = self._route_cache.get(key)
        if cached is None:
            steps = int(self.route_length(origin, destination, mode))
            cached = self.route_zone_at(origin, destination, mode, np.arange(steps + 1))
            cached.setflags(write=False)
            if len(self._route_cache) >= ROUTE_CACHE_SIZE:
                self._route_cache.clear()
            self._route_cache[key] = cached
        return cached

    def trip_legs(self, origin: np.ndarray | int, destination: np.ndarray | int,
                  mode: np.ndarray | int) -> dict[str, np.ndarray]:
        """Return the legs of each trip (vectorised), to pass to the other route methods and avoid recomputing.

        Keys: ``o``, ``d``, ``mode``; ``uses`` (the trip uses the road or transit network); ``entry``, ``exit``
        (network node indices); ``m1`` (steps to the network, or the whole straight route when it is not used),
        ``r`` (steps on the network) and ``m3`` (steps from the network to the destination).
        """
        o, d, mode = np.broadcast_arrays(np.asarray(origin, np.int64), np.asarray(destination, np.int64),
                                         np.asarray(mode, np.int64))
        entry = np.zeros(o.shape, np.int64)
        exit_ = np.zeros(o.shape, np.int64)
        uses = np.zeros(o.shape, bool)
        m1 = np.zeros(o.shape, np.int64)
        r = np.zeros(o.shape, np.int64)
        m3 = np.zeros(o.shape, np.int64)
        for code, net in ((MODE_CAR, self.road_network), (MODE_TRANSIT, self.transit_network)):
            sel = mode == code
            if not sel.any() or len(net.nodes) == 0 or net.nearest[0] < 0:
                continue
            e, x = net.nearest[o[sel]], net.nearest[d[sel]]
            steps = net.dist[e, x].astype(np.int64)
            ok = steps >= 0
            if code == MODE_TRANSIT:
                ok &= e != x
            entry[sel], exit_[sel], uses[sel] = e, x, ok
            m1[sel] = manhattan(o[sel], net.nodes[e], self.width)
            r[sel] = steps
            m3[sel] = manhattan(net.nodes[x], d[sel], self.width)
        straight = manhattan(o, d, self.width)
        m1 = np.where(uses, m1, straight)
        r = np.where(uses, r, 0)
        m3 = np.where(uses, m3, 0)
        return {"o": o, "d": d, "mode": mode, "entry": entry, "exit": exit_, "uses": uses, "m1": m1, "r": r, "m3": m3}

    def route_length(self, origin: np.ndarray | int, destination: np.ndarray | int,
                     mode: np.ndarray | int, *, legs: dict | None = None) -> np.ndarray:
        """Return the number of steps (zones in the route minus one) of each trip (vectorised).

        Args:
            origin: Origin zone ids.
            destination: Destination zone ids.
            mode: Travel mode codes.
            legs: The trips' :meth:`trip_legs`, if already computed (origin, destination, mode are then ignored).

        Returns:
            int64 steps, broadcast over the inputs.
        """
        legs = legs if legs is not None else self.trip_legs(origin, destination, mode)
        return legs["m1"] + legs["r"] + legs["m3"]

    def network_span(self, origin: np.ndarray | int, destination: np.ndarray | int,
                     mode: np.ndarray | int, *, legs: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return the first and last route index spent on the network (roads for cars, lines for transit).

        For walk, bike, and trips that do not use a network, the span is the whole route.

        Args:
            origin: Origin zone ids.
            destination: Destination zone ids.
            mode: Travel mode codes.
            legs: The trips' :meth:`trip_legs`, if already computed (origin, destination, mode are then ignored).

        Returns:
            (start, end) int64 indices into the route, start <= end.
        """
        legs = legs if legs is not None else self.trip_legs(origin, destination, mode)
        start = np.where(legs["uses"], legs["m1"], 0)
        end = np.where(legs["uses"], legs["m1"] + legs["r"], legs["m1"])
        return start, end

    def transit_serves(self, origin: np.ndarray | int, destination: np.ndarray | int) -> np.ndarray:
        """Return whether transit helps a trip: the stations nearest its two ends differ and are connected."""
        return self.trip_legs(origin, destination, MODE_TRANSIT)["uses"]

    def route_zone_at(self, origin: np.ndarray | int, destination: np.ndarray | int, mode: np.ndarray | int,
                      step: np.ndarray | int, *, legs: dict | None = None) -> np.ndarray:
        """Return the zone reached after ``step`` steps of each trip's route (vectorised).

        Args:
            origin: Origin zone ids.
            destination: Destination zone ids.
            mode: Travel mode codes.
            step: 0 <= step <= route_length (clipped).
            legs: The trips' :meth:`trip_legs`, if already computed (origin, destination, mode are then ignored).

        Returns:
            int64 zone ids, broadcast over the inputs.
        """
        if legs is None:
            legs = self.trip_legs(*np.broadcast_arrays(np.asarray(origin, np.int64), np.asarray(destination, np.int64),
                                                       np.asarray(mode, np.int64), np.asarray(step, np.int64))[:3])
        o, d, mode = legs["o"], legs["d"], legs["mode"]
        step = np.broadcast_to(np.asarray(step, np.int64), o.shape)
        m1, r, m3 = legs["m1"], legs["r"], legs["m3"]
        k = np.clip(step, 0, m1 + r + m3)
        out = np.empty(o.shape, np.int64)
        plain = ~legs["uses"]
        out[plain] = line_zone_at(o[plain], d[plain], k[plain], self.width)
        for code, net in ((MODE_CAR, self.road_network), (MODE_TRANSIT, self.transit_network)):
            sel = legs["uses"] & (mode == code)
            if not sel.any():
                continue
            e, x, kk = legs["entry"][sel], legs["exit"][sel], k[sel]
            a, b = m1[sel], r[sel]
            ez, xz = net.nodes[e], net.nodes[x]
            res = np.empty(kk.shape, np.int64)
            first = kk < a
            res[first] = line_zone_at(o[sel][first], ez[first], kk[first], self.width)
            middle = ~first & (kk <= a + b)
            res[middle] = net.zone_at(e[middle], x[middle], kk[middle] - a[middle])
            last = kk > a + b
            res[last] = line_zone_at(xz[last], d[sel][last], kk[last] - a[last] - b[last], self.width)
            out[sel] = res
        return out

