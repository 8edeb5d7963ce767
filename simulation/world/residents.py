"""Residents: who they are (archetype, home, work or school, household, devices) and the places they return to.

:class:`Resident` is a real ``mesa.Agent`` (made with ``Resident.create_agents``); its attributes are views on
the model's population arrays, so that the model can plan every resident's day with array operations (see
:mod:`simulation.world.planning`) while each agent still answers for itself (``resident.home_zone``,
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

Where residents go when they choose (exploration and preferential return over one memory of places per
resident) is in :mod:`simulation.world.places`.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from simulation.codes import RESIDENTIAL_USES
from simulation.rng import stream
from simulation.scenario import ARCHETYPES, PopulationConfig
from simulation.world.city import City
from simulation.world.places import Gravity, weighted_zones

GROUPS: tuple[str, ...] = ("a", "b", "c")
GROUP_SHARES: tuple[float, ...] = (0.60, 0.25, 0.15)
HOME_DENSITY: dict[str, float] = {"residential_low": 1.0, "residential_mid": 2.5, "residential_high": 6.0}

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
    home_zones, density = weighted_zones(city, {u: HOME_DENSITY[u] for u in RESIDENTIAL_USES})
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
            kind: One of shopping, leisure, care, worship, nightlife (places that suit it), or outing.

        Returns:
            Visits indexed by place id (a zone id, or n_zones + i for the region's place i).
        """
        memory = self.model.planner.memory
        places = memory.places[self.index]
        used = memory.suits[kind][places] & (places >= 0)
        visits = pd.Series(memory.visits[self.index][used], index=places[used], name="visits")
        return visits.sort_values(ascending=False, kind="stable")

    def trace(self) -> pd.DataFrame:
        """Return the resident's simulated slots so far: zone, activity and mode codes per slot."""
        done = self.model.day * self.model.slots_per_day
        return pd.DataFrame({
            "zone": self.model.zone[:done, self.index],
            "activity": self.model.activity[:done, self.index],
            "mode": self.model.mode[:done, self.index],
        })
