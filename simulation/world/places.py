"""Where residents go when they choose: destination choice by gravity, and one memory of places per resident.

Discretionary places follow exploration and preferential return (Song, Koren, Wang and Barabasi 2010, "Modelling
the scaling properties of human mobility", Nature Physics 6): with S distinct places visited, a resident explores a
new place with probability ``rho * S**-gamma`` (rho = 0.6, gamma = 0.21), else returns to a visited place with
probability proportional to its visits. The memory is one per resident, shared by every kind of activity, as in
the paper: S counts every place, and a return to a shop may be a shopping trip or a stroll. A return picks among
the visited places that suit the activity (a park suits leisure, not shopping); when none does, the resident
explores. New places are drawn by a gravity law from an origin (home, or work for a lunch break) among the zones
that suit the activity, or among the region's places for an outing out of town (:mod:`simulation.world.region`).
Each resident starts the horizon with a history of earlier visits, so the week already shows their habitual places.
"""

from __future__ import annotations

import numpy as np

from simulation.codes import LAND_USE_CODE
from simulation.world.city import City
from simulation.world.region import Region
from simulation.world.routing import manhattan

RHO = 0.6
"""EPR exploration scale (Song et al. 2010)."""
GAMMA = 0.21
"""EPR exploration exponent (Song et al. 2010)."""
MEMORY = 24
"""Distinct places a resident remembers; once full, a new place takes the slot of the least visited one."""

DISCRETIONARY: dict[str, dict[str, float]] = {
    "shopping": {"retail": 1.0},
    "leisure": {"park": 1.0, "retail": 0.5, "nightlife": 0.2},
    "care": {"clinic": 1.0, "hospital": 2.0},
    "worship": {"worship": 1.0},
    "nightlife": {"nightlife": 1.0},
}
"""Land uses where each kind of discretionary activity takes place, with their attractiveness."""
OUTING = "outing"
"""The kind of a trip out of town: its places are the region's."""
DISTANCE_DECAY: dict[str, float] = {"shopping": 2.0, "leisure": 1.5, "care": 1.2, "worship": 1.8, "nightlife": 1.0}
"""Exponent beta of the gravity law (distance_km + 0.5) ** -beta used when exploring."""
WARM_UP_VISITS: dict[str, int] = {"shopping": 14, "leisure": 8, "care": 3, "worship": 6, "nightlife": 4, OUTING: 3}
"""Earlier visits simulated before the horizon starts."""


def weighted_zones(city: City, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Return the zones whose land use has a weight, and their weights."""
    per_zone = np.zeros(city.n_zones)
    for use, weight in weights.items():
        per_zone[city.land_use_codes == LAND_USE_CODE[use]] = weight
    zones = np.flatnonzero(per_zone > 0)
    return zones, per_zone[zones]


class Gravity:
    """Destination choice by a gravity law.

    From origin o, candidate c has probability proportional to ``weight(c) * (d_km(o, c) + 0.5) ** -beta``.

    Attributes:
        candidates: Zone ids that can be chosen (empty when the city has none).
    """

    def __init__(self, city: City, weights: dict[str, float], beta: float) -> None:
        self.candidates, weight = weighted_zones(city, weights)
        self._offset = np.arange(city.n_zones, dtype=float)
        if len(self.candidates) == 0:
            self._flat = np.zeros(0)
            return
        km = manhattan(np.arange(city.n_zones)[:, None], self.candidates[None, :], city.width) * city.zone_size_m
        p = weight[None, :] * (km / 1000 + 0.5) ** -beta
        cdf = np.cumsum(p, axis=1)
        # one sorted array for all origins: origin o's cumulative probabilities shifted by o
        self._flat = (cdf / cdf[:, -1:] * (1 - 1e-9) + self._offset[:, None]).ravel()

    def draw(self, origins: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Return one candidate zone per origin, by inverse-CDF draws with uniforms ``u``."""
        k = len(self.candidates)
        index = np.searchsorted(self._flat, self._offset[origins] + u) - np.asarray(origins, np.int64) * k
        return self.candidates[np.clip(index, 0, k - 1)]


class PlaceMemory:
    """Every resident's visited places and visit counts, one memory across kinds (module docstring).

    Place ids are zone ids for the city, ``n_zones + i`` for the region's place i.

    Attributes:
        places: (n_residents, MEMORY) place ids of the distinct places visited, -1 for unused slots.
        visits: (n_residents, MEMORY) visits to each.
        size: (n_residents,) distinct places remembered (S).
    """

    def __init__(self, city: City, region: Region, home: np.ndarray) -> None:
        self.home = home
        self.n_zones = city.n_zones
        self.region_places = region.n_places
        self.gravity = {kind: Gravity(city, weights, DISTANCE_DECAY[kind]) for kind, weights in DISCRETIONARY.items()}
        n_places = city.n_zones + region.n_places
        self.suits: dict[str, np.ndarray] = {}
        for kind, gravity in self.gravity.items():
            suits = np.zeros(n_places + 1, bool)  # the last entry stands for an unused slot (-1)
            suits[gravity.candidates] = True
            self.suits[kind] = suits
        outing = np.zeros(n_places + 1, bool)
        outing[city.n_zones:n_places] = True
        self.suits[OUTING] = outing
        n = len(home)
        self.places = np.full((n, MEMORY), -1, np.int32)
        self.visits = np.zeros((n, MEMORY), np.int16)
        self.size = np.zeros(n, np.int32)

    def available(self, kind: str) -> bool:
        """Whether any place suits this kind."""
        return kind == OUTING and self.region_places > 0 or kind in self.gravity and len(
            self.gravity[kind].candidates) > 0

    def _explore(self, kind: str, origins: np.ndarray, u: np.ndarray) -> np.ndarray:
        if kind == OUTING:
            return self.n_zones + np.minimum((u * self.region_places).astype(np.int64), self.region_places - 1)
        return self.gravity[kind].draw(origins, u)

    def choose(self, rows: np.ndarray, rng: np.random.Generator, kind: str | list[str],
               origins: np.ndarray | None = None, which: np.ndarray | None = None) -> np.ndarray:
        """Choose the next place of each resident in ``rows`` and record the visit.

        Args:
            rows: Resident indices (unique).
            rng: Random generator.
            kind: A key of DISCRETIONARY or OUTING; or a list of kinds, one per row picked by ``which``.
            origins: Zones new places are explored from (default: the residents' homes).
            which: With a list of kinds, the index of each row's kind in it.

        Returns:
            Place ids (int64), one per row; -1 where no place suits the row's kind.
        """
        rows = np.asarray(rows, np.int64)
        n_rows = len(rows)
        # every resident in order (the warm-up): slices instead of gathers
        at = slice(None) if n_rows == len(self.size) and n_rows and rows[0] == 0 and rows[-1] == n_rows - 1 \
            and (np.diff(rows) == 1).all() else rows
        kinds = [kind] if isinstance(kind, str) else list(kind)
        which = np.zeros(len(rows), np.int64) if which is None else np.asarray(which, np.int64)
        usable = np.array([self.available(k) for k in kinds])
        out = np.full(len(rows), -1, np.int64)
        keep = usable[which]
        if not keep.any():
            return out
        if not keep.all():
            rows, which = rows[keep], which[keep]
            origins = None if origins is None else np.asarray(origins)[keep]
            at = rows
        size = self.size[at]
        width = max(int(size.max(initial=0)), 1)  # slots beyond every row's size are empty: skip them
        places = self.places[at, :width]
        suits = self.suits[kinds[0]][places] if len(kinds) == 1 else np.stack(
            [self.suits[k] for k in kinds])[which[:, None], places]
        counts = np.cumsum(suits * self.visits[at, :width], axis=1, dtype=np.int32)
        total = counts[:, -1]
        explore = (rng.random(len(rows)) < RHO * np.maximum(size, 1) ** -GAMMA) | (total == 0)
        u = rng.random(len(rows))
        slot = (counts <= (u * total)[:, None]).argmin(axis=1)
        if explore.any():
            e = np.flatnonzero(explore)
            origin = self.home[rows[e]] if origins is None else np.asarray(origins, np.int64)[e]
            new = np.empty(len(e), np.int64)
            for i, k in enumerate(kinds):
                sel = which[e] == i
                if sel.any():
                    new[sel] = self._explore(k, origin[sel], u[e][sel])
            r = rows[e]
            known = places[e] == new[:, None]
            is_known = known.any(axis=1)
            free = size[e]
            full = free >= MEMORY
            if full.any():
                free = np.where(full, np.argmin(self.visits[r], axis=1), free)
            slot_e = np.where(is_known, known.argmax(axis=1), free)
            fresh = ~is_known
            self.places[r[fresh], slot_e[fresh]] = new[fresh]
            self.visits[r[fresh], slot_e[fresh]] = 0
            self.size[r[fresh]] = np.minimum(size[e][fresh] + 1, MEMORY)
            slot[e] = slot_e
        self.visits[rows, slot] += 1
        out[keep] = places[np.arange(len(rows)), slot] if not explore.any() else self.places[rows, slot]
        return out
