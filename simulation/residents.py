"""Residents: who they are (archetype, home, work or school, household, devices) and the places they return to.

:class:`Resident` is a real ``mesa.Agent`` (made with ``Resident.create_agents``); its attributes are views on
the model's population arrays, so that the model can plan every resident's day with array operations (see
:mod:`simulation.planning`) while each agent still answers for itself (``resident.home_zone``,
``resident.places("shopping")``).

Population (:func:`make_population`), all draws from ``stream(seed, "residents", ...)``:

- households of ``1 + Poisson(mean - 1)`` people share a home zone drawn by residential density
  (low 1, mid 2.5, high 6 homes per zone unit);
- archetypes in the scenario's shares (exact counts, shuffled);
- work zones by a gravity draw from home: office workers to offices, shops, industry, hospital, clinics and
  schools weighted by jobs; shift workers mostly to industry and the hospital; students to a nearby school;
  retirees, carers and the unemployed have none (-1);
- demographic ``group`` a / b / c in shares 0.60 / 0.25 / 0.15: abstract groups standing for the demographic
  differentials in face-recognition error rates reported by NIST FRVT part 3 (Grother et al. 2019);
- devices in the scenario's shares; identifiers are random positive int64 tokens, unique within a kind and with
  the kind in the top bits (so a plate never equals a card number); ``-1`` where the device is absent.

Discretionary places follow exploration and preferential return (Song, Koren, Wang and Barabasi 2010, "Modelling
the scaling properties of human mobility", Nature Physics 6): with S distinct places visited, a resident explores a
new place with probability ``rho * S**-gamma`` (rho = 0.6, gamma = 0.21), else returns to a visited place with
probability proportional to its visits. New places are drawn by a gravity law from home. Each resident starts the
horizon with a history of earlier visits, so the week already shows their habitual places.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from simulation.city import City
from simulation.codes import LAND_USE_CODE, RESIDENTIAL_USES
from simulation.rng import stream
from simulation.routing import manhattan
from simulation.scenario import ARCHETYPES, PopulationConfig

RHO = 0.6
"""EPR exploration scale (Song et al. 2010)."""
GAMMA = 0.21
"""EPR exploration exponent (Song et al. 2010)."""
MEMORY = 16
"""Distinct places per kind a resident remembers; once full, every choice is a return."""
GROUPS: tuple[str, ...] = ("a", "b", "c")
GROUP_SHARES: tuple[float, ...] = (0.60, 0.25, 0.15)
HOME_DENSITY: dict[str, float] = {"residential_low": 1.0, "residential_mid": 2.5, "residential_high": 6.0}

DISCRETIONARY: dict[str, dict[str, float]] = {
    "shopping": {"retail": 1.0},
    "leisure": {"park": 1.0, "retail": 0.5, "nightlife": 0.2},
    "care": {"clinic": 1.0, "hospital": 2.0},
    "worship": {"worship": 1.0},
    "nightlife": {"nightlife": 1.0},
}
"""Land uses where each kind of discretionary activity takes place, with their attractiveness."""
DISTANCE_DECAY: dict[str, float] = {"shopping": 2.0, "leisure": 1.5, "care": 1.2, "worship": 1.8, "nightlife": 1.0}
"""Exponent beta of the gravity law (distance_km + 0.5) ** -beta used when exploring."""
WARM_UP_VISITS: dict[str, int] = {"shopping": 14, "leisure": 8, "care": 3, "worship": 6, "nightlife": 4}
"""Earlier visits simulated before the horizon starts."""

JOBS: dict[str, dict[str, float]] = {
    "office_worker": {"office": 10.0, "retail": 2.0, "industrial": 2.0, "hospital": 6.0, "clinic": 1.0,
                      "school": 1.0},
    "shift_worker": {"industrial": 6.0, "hospital": 8.0, "retail": 1.0, "nightlife": 1.0, "office": 0.5},
    "student": {"school": 1.0},
}
"""Land uses where each archetype works (or studies), weighted by jobs per zone."""
COMMUTE_DECAY: dict[str, float] = {"office_worker": 1.0, "shift_worker": 1.0, "student": 3.0}

TOKEN_KINDS: dict[str, int] = {"mac": 1, "plate": 2, "card": 3, "face": 4, "meter": 5}
"""Kind tag stored in bits 56-62 of every token."""


def _weighted_zones(city: City, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
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
        self.candidates, weight = _weighted_zones(city, weights)
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
    """Each resident's visited places of one kind and their visit counts, updated by exploration and return.

    Attributes:
        zones: (n_residents, MEMORY) zone ids of the distinct places visited, -1 for unused slots.
        visits: (n_residents, MEMORY) visits to each.
        size: (n_residents,) distinct places visited (S).
    """

    def __init__(self, kind: str, city: City, home: np.ndarray) -> None:
        self.kind = kind
        self.home = home
        self.gravity = Gravity(city, DISCRETIONARY[kind], DISTANCE_DECAY[kind])
        n = len(home)
        self.zones = np.full((n, MEMORY), -1, np.int32)
        self.visits = np.zeros((n, MEMORY), np.int16)
        self.size = np.zeros(n, np.int32)

    @property
    def available(self) -> bool:
        """Whether the city has any place of this kind."""
        return len(self.gravity.candidates) > 0

    def choose(self, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Choose the next place of each resident in ``rows`` and record the visit.

        Args:
            rows: Resident indices (unique).
            rng: Random generator.

        Returns:
            Zone ids (int32), one per row; -1 for all when the city has no such place.
        """
        rows = np.asarray(rows, np.int64)
        if not self.available:
            return np.full(len(rows), -1, np.int32)
        size = self.size[rows]
        p_explore = np.where(size > 0, RHO * np.maximum(size, 1).astype(float) ** -GAMMA, 1.0)
        explore = (rng.random(len(rows)) < p_explore) & (size < MEMORY)
        u = rng.random(len(rows))
        slot = np.empty(len(rows), np.int64)
        # return: a visited place with probability proportional to its visits
        back = ~explore
        if back.any():
            counts = np.cumsum(self.visits[rows[back]], axis=1)
            slot[back] = np.minimum((counts < (u[back] * counts[:, -1])[:, None]).sum(axis=1), MEMORY - 1)
        # explore: a place drawn by gravity from home; if already known it counts as a return to it
        if explore.any():
            r = rows[explore]
            new_zone = self.gravity.draw(self.home[r], u[explore])
            known = self.zones[r] == new_zone[:, None]
            is_known = known.any(axis=1)
            slot_e = np.where(is_known, known.argmax(axis=1), self.size[r])
            fresh = ~is_known
            self.zones[r[fresh], slot_e[fresh]] = new_zone[fresh]
            self.size[r[fresh]] += 1
            slot[explore] = slot_e
        self.visits[rows, slot] += 1
        return self.zones[rows, slot]


def _tokens(seed: int, kind: str, n: int) -> np.ndarray:
    """Return ``n`` distinct random positive int64 tokens of one kind (kind tag in bits 56-62)."""
    rng = stream(seed, "residents", "tokens", kind)
    values = np.unique(rng.integers(1, 2**56, size=n + 64, dtype=np.int64))
    values = rng.permutation(values)[:n]
    while len(values) < n:  # pragma: no cover - needs a 56-bit collision storm
        values = np.unique(np.r_[values, rng.integers(1, 2**56, size=n, dtype=np.int64)])[:n]
    return values | np.int64(TOKEN_KINDS[kind] << 56)


def _exact_counts(shares: dict[str, float], n: int) -> dict[str, int]:
    """Split ``n`` by shares with largest remainders, so counts add up exactly."""
    raw = {k: shares.get(k, 0.0) * n for k in ARCHETYPES}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (-(raw[k] - counts[k]), ARCHETYPES.index(k)))[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def make_population(population: PopulationConfig, city: City, seed: int) -> pd.DataFrame:
    """Draw the residents table (columns as documented in :class:`simulation.world.World`).

    Args:
        population: The scenario's population section.
        city: The city they live in.
        seed: Scenario seed.

    Returns:
        One row per resident, index 0..n-1.
    """
    n = population.residents
    rng = stream(seed, "residents", "households")
    sizes = 1 + rng.poisson(population.household_size_mean - 1.0, size=n)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    household = np.repeat(np.arange(len(sizes)), sizes)[:n]
    home_zones, density = _weighted_zones(city, {u: HOME_DENSITY[u] for u in RESIDENTIAL_USES})
    home = rng.choice(home_zones, size=len(sizes), p=density / density.sum())[household]

    counts = _exact_counts(population.archetype_shares, n)
    archetype = stream(seed, "residents", "archetypes").permutation(
        np.repeat(np.array(ARCHETYPES), [counts[a] for a in ARCHETYPES]))

    work = np.full(n, -1, np.int64)
    work_rng = stream(seed, "residents", "work")
    for kind, weights in JOBS.items():
        rows = np.flatnonzero(archetype == kind)
        gravity = Gravity(city, weights, COMMUTE_DECAY[kind])
        if len(rows) and len(gravity.candidates):
            work[rows] = gravity.draw(home[rows], work_rng.random(len(rows)))

    dev = stream(seed, "residents", "devices")
    phone = dev.random(n) < population.phone_wifi_on_share
    randomised = phone & (dev.random(n) < population.randomised_mac_share)
    car = dev.random(n) < population.car_share
    card = dev.random(n) < population.transit_card_share
    registered = card & (dev.random(n) < population.registered_card_share)
    group = stream(seed, "residents", "groups").choice(np.array(GROUPS), size=n, p=GROUP_SHARES)
    meters = _tokens(seed, "meter", len(sizes))
    return pd.DataFrame({
        "archetype": archetype,
        "home_zone": home.astype(np.int64),
        "work_zone": work,
        "household": household.astype(np.int64),
        "group": group,
        "phone_wifi_on": phone,
        "randomised_mac": randomised,
        "mac": np.where(phone, _tokens(seed, "mac", n), -1),
        "has_car": car,
        "plate": np.where(car, _tokens(seed, "plate", n), -1),
        "has_card": card,
        "card": np.where(card, _tokens(seed, "card", n), -1),
        "card_registered": registered,
        "face": _tokens(seed, "face", n),
        "meter": meters[household],
    })


class Resident(mesa.Agent):
    """One resident of the city: a Mesa agent whose state lives in the model's arrays (row ``index``).

    The model plans every resident's day at once (one Mesa step per day); an agent reads its own row of the
    residents table, its remembered places, and its slots in the presence arrays.
    """

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    def _row(self, column: str) -> object:
        return self.model.residents[column].iat[self.index]

    @property
    def archetype(self) -> str:
        """Archetype name (see scenario.ARCHETYPES)."""
        return str(self._row("archetype"))

    @property
    def home_zone(self) -> int:
        """Zone id of the resident's home."""
        return int(self._row("home_zone"))

    @property
    def work_zone(self) -> int:
        """Zone id of the workplace or school, -1 if none."""
        return int(self._row("work_zone"))

    @property
    def household(self) -> int:
        """Household id (members share the home and the meter)."""
        return int(self._row("household"))

    def places(self, kind: str) -> pd.Series:
        """Return the resident's visits per place of one discretionary kind, most visited first.

        Args:
            kind: One of shopping, leisure, care, worship, nightlife.

        Returns:
            Visits indexed by zone id.
        """
        memory = self.model.planner.memory[kind]
        used = memory.zones[self.index] >= 0
        visits = pd.Series(memory.visits[self.index][used], index=memory.zones[self.index][used], name="visits")
        return visits.sort_values(ascending=False, kind="stable")

    def trace(self) -> pd.DataFrame:
        """Return the resident's simulated slots so far: zone, activity and mode codes per slot."""
        done = self.model.day * self.model.slots_per_day
        return pd.DataFrame({
            "zone": self.model.zone[:done, self.index],
            "activity": self.model.activity[:done, self.index],
            "mode": self.model.mode[:done, self.index],
        })
