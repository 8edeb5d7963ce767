"""Days that break the routine: sickness, leave, working from home, and trips away from the city.

Rates (per resident; every draw from ``stream(seed, "residents", "absence", ...)``):

- **sick**: SICK_SHARE of residents on any day stay at home (Germany and the UK lose about 4-5% of working days
  to sickness: Destatis; ONS Sickness absence in the UK labour market); a sick resident sees a doctor with
  SICK_CARE_SHARE.
- **leave** (workers and students): spells of 5 to 12 days starting LEAVE_SPELLS_PER_YEAR times a year, so about
  7% of working days fall in a spell (about 25 days of leave a year). On leave a resident lives a weekend day.
- **away** (everyone): a share of spells is spent out of town (AWAY_SHARE of leave spells; retirees, carers and
  the unemployed take AWAY_SPELLS_PER_YEAR trips away a year): the resident leaves on the spell's first day and
  comes back on its last, out of the city's sight in between.
- **home working**: office workers work from home on HOME_WORKING_SHARE of their working days (about one day a
  week: Eurostat LFS 2022, about a quarter of employees work from home at least sometimes).

Spells are drawn once for the horizon (from a window starting before it, so some residents are already on leave
or away on day 0); the daily draws use the day's own stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.rng import stream

SICK_SHARE = 0.05
SICK_CARE_SHARE = 0.2
LEAVE_SPELLS_PER_YEAR = 3.0
AWAY_SHARE = 0.5
AWAY_SPELLS_PER_YEAR = 2.0
SPELL_DAYS = (5, 12)
"""Shortest and longest spell, days (inclusive)."""
HOME_WORKING_SHARE = 0.25
MAX_SPELLS = 4
"""Spells drawn per resident over the window (enough for a 28-day horizon)."""


@dataclass(frozen=True, eq=False)
class Spells:
    """Every resident's spells of leave and of trips away over the horizon.

    Attributes:
        start: (n, MAX_SPELLS) first day of each spell (relative to day 0 of the horizon).
        end: (n, MAX_SPELLS) last day of each spell (inclusive); end < start for a spell that does not happen.
        away: (n, MAX_SPELLS) whether the spell is spent out of town.
    """

    start: np.ndarray
    end: np.ndarray
    away: np.ndarray

    def covering(self, day: int) -> np.ndarray:
        """Return the index of the spell covering ``day`` for each resident, -1 where none does."""
        inside = (self.start <= day) & (day <= self.end)
        return np.where(inside.any(axis=1), inside.argmax(axis=1), -1)


def draw_spells(seed: int, works: np.ndarray, days: int) -> Spells:
    """Draw the spells of the horizon (module docstring).

    Args:
        seed: The scenario seed.
        works: Whether each resident works or studies (leave spells), else only trips away.
        days: Days of the horizon.
    """
    rng = stream(seed, "residents", "absence", "spells")
    n = len(works)
    window = days + SPELL_DAYS[1]
    rate = np.where(works, LEAVE_SPELLS_PER_YEAR, AWAY_SPELLS_PER_YEAR) / 365 * window
    count = np.minimum(rng.poisson(rate), MAX_SPELLS)
    start = rng.integers(-SPELL_DAYS[1], days, size=(n, MAX_SPELLS))
    length = rng.integers(SPELL_DAYS[0], SPELL_DAYS[1] + 1, size=(n, MAX_SPELLS))
    away = np.where(works[:, None], rng.random((n, MAX_SPELLS)) < AWAY_SHARE, True)
    happens = np.arange(MAX_SPELLS)[None, :] < count[:, None]
    order = np.argsort(np.where(happens, start, 10**6), axis=1)
    start = np.take_along_axis(start, order, axis=1)
    length = np.take_along_axis(length, order, axis=1)
    happens = np.take_along_axis(happens, order, axis=1)
    away = np.take_along_axis(away, order, axis=1)
    end = start + length - 1
    # a spell starting before the previous one ends is dropped (no overlap)
    previous_end = np.maximum.accumulate(np.where(happens, end, -10**6), axis=1)
    overlaps = np.zeros_like(happens)
    overlaps[:, 1:] = happens[:, 1:] & (start[:, 1:] <= previous_end[:, :-1])
    happens &= ~overlaps
    return Spells(start=np.where(happens, start, 1), end=np.where(happens, end, 0), away=away & happens)


@dataclass(frozen=True, eq=False)
class DayStatus:
    """What kind of day each resident has.

    Attributes:
        sick: Stays at home ill.
        on_leave: In a leave spell at home (lives a weekend day).
        leaving: First day of a trip away: leaves home for the region.
        away: Out of town all day (neither the first nor the last day of the trip).
        returning: Last day of a trip away: comes home from the region.
        home_working: Works from home.
        spell: Index of the spell covering the day, -1 if none.
    """

    sick: np.ndarray
    on_leave: np.ndarray
    leaving: np.ndarray
    away: np.ndarray
    returning: np.ndarray
    home_working: np.ndarray
    spell: np.ndarray


def day_status(seed: int, spells: Spells, day: int, weekday: int, office: np.ndarray) -> DayStatus:
    """Return each resident's kind of day (module docstring).

    Args:
        seed: The scenario seed.
        spells: The horizon's spells.
        day: Day index.
        weekday: 0 = Monday.
        office: Whether each resident is an office worker (who may work from home).
    """
    rng = stream(seed, "residents", "absence", day)
    n = len(office)
    spell = spells.covering(day)
    rows = np.arange(n)
    index = np.maximum(spell, 0)
    in_spell = spell >= 0
    away_spell = in_spell & spells.away[rows, index]
    first = in_spell & (spells.start[rows, index] == day)
    last = in_spell & (spells.end[rows, index] == day)
    sick = (rng.random(n) < SICK_SHARE) & ~in_spell
    home_working = office & (weekday < 5) & (rng.random(n) < HOME_WORKING_SHARE) & ~sick & ~in_spell
    return DayStatus(sick=sick, on_leave=in_spell & ~away_spell, leaving=away_spell & first,
                     away=away_spell & ~first & ~last, returning=away_spell & last & ~first,
                     home_working=home_working, spell=spell)
