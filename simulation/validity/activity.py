"""Facts of daily activity: trips per day, who leaves home, time at home, time travelling.

Each function reads an :class:`simulation.validity.evidence.Evidence` and returns a
:class:`simulation.validity.fact.Fact`; the definitions are in the docstrings (trips and stays as in
:mod:`simulation.validity.movements`).
"""

from __future__ import annotations

import numpy as np

from simulation.codes import AWAY, HOME, TRAVEL
from simulation.validity.evidence import Evidence
from simulation.validity.fact import Fact

FAMILY = "activity"


def _per_day(evidence: Evidence, per_resident_day: np.ndarray) -> tuple[float, float, float]:
    """Return the mean of a (day, resident) array over all days, weekdays and weekend days."""
    world = evidence.world
    weekday = (np.arange(per_resident_day.shape[0]) + world.start_weekday) % 7
    work = weekday < 5
    mean = float(per_resident_day.mean())
    on_work = float(per_resident_day[work].mean()) if work.any() else float("nan")
    on_weekend = float(per_resident_day[~work].mean()) if (~work).any() else float("nan")
    return mean, on_work, on_weekend


def _days_text(spec: str, unit: str = "", **values: float) -> str:
    """Return the means by kind of day as text, e.g. "weekdays 3.28, weekend days 3.75".

    Keyword underscores become spaces; a kind of day the horizon does not have (a NaN mean) is left out.
    """
    return ", ".join(f"{name.replace('_', ' ')} {value:{spec}}{unit}" for name, value in values.items()
                     if value == value)


def _day_slots(evidence: Evidence, array: np.ndarray) -> np.ndarray:
    """Return a (slot, resident) array as (day, slot of day, resident)."""
    world = evidence.world
    return array.reshape(world.n_slots // world.slots_per_day, world.slots_per_day, world.n_residents)


def trips_per_day(evidence: Evidence) -> Fact:
    """Trips per resident per day, over every resident and day of the horizon (weekdays and weekends).

    Definition: a trip is a maximal run of travel slots (:mod:`simulation.validity.movements`), counted on the
    day it starts; the mean is over all residents, those who stay in included, as the surveys report it.
    Source: NHTS 2017 (USA) 3.37 trips per person per day; MiD 2017 (Germany) 3.1.
    Tolerance 2.8 to 4.0 (the surveys' "3 to 4", with the UK's lower 2.6 just below it).
    """
    m = evidence.movements
    days = m.n_days
    day = m.trip_start // m.slots_per_day
    counts = np.bincount(day * m.n_residents + m.trip_resident, minlength=days * m.n_residents)
    counts = counts.reshape(days, m.n_residents)
    mean, on_work, on_weekend = _per_day(evidence, counts)
    return Fact("trips_per_day", FAMILY, "Trips per person per day", "3.1-3.4 (3 to 4)", "NHTS 2017; MiD 2017",
                2.8, 4.0, mean, "trips", _days_text(".2f", weekdays=on_work, weekend_days=on_weekend))


def leaving_home_on_weekdays(evidence: Evidence) -> Fact:
    """Share of residents who leave home on a weekday (the surveys' "mobile persons").

    Definition: the share of (resident, Monday-Friday) pairs with at least one travel slot that day, or a slot
    spent out of town. Source: MiD 2017, about 85% of people are mobile on an average day.
    Tolerance 0.80 to 0.90.
    """
    world = evidence.world
    out = (world.activity == TRAVEL) | (world.activity == AWAY)
    mobile = _day_slots(evidence, out).any(axis=1)
    mean, on_work, on_weekend = _per_day(evidence, mobile)
    return Fact("leaving_home_weekday", FAMILY, "Share of residents leaving home on a weekday", "about 0.85",
                "MiD 2017", 0.80, 0.90, on_work, "share", _days_text(".3f", all_days=mean, weekend_days=on_weekend))


def time_at_home(evidence: Evidence) -> Fact:
    """Hours a day spent at home, averaged over residents and days.

    Definition: slots with activity HOME times the slot length, per resident-day, averaged.
    Source: NHAPS (Klepeis et al. 2001): 68.7% of the day in a residence, about 16.5 h.
    Tolerance 15.5 to 17.5 h.
    """
    world = evidence.world
    home = _day_slots(evidence, world.activity == HOME).sum(axis=1) * world.slot_minutes / 60
    mean, on_work, on_weekend = _per_day(evidence, home)
    return Fact("time_at_home", FAMILY, "Hours a day at home", "about 16.5 h", "NHAPS", 15.5, 17.5, mean, "h",
                _days_text(".1f", " h", weekdays=on_work, weekend_days=on_weekend))


def travel_time(evidence: Evidence) -> Fact:
    """Minutes a day travelling inside the city, averaged over residents and days (reported, not a target).

    Definition: travel slots times the slot length, per resident-day, averaged. Source: the travel-time budget of
    about an hour a day (Marchetti 1994; MiD 2017: 80 min per mobile person). A city of a few km cannot reach it:
    the figure shows how much of the budget the simulated city holds.
    """
    world = evidence.world
    minutes = _day_slots(evidence, world.activity == TRAVEL).sum(axis=1) * world.slot_minutes
    mean, on_work, on_weekend = _per_day(evidence, minutes)
    return Fact("travel_minutes", FAMILY, "Minutes a day travelling in the city", "60-80 min",
                "Marchetti 1994; MiD 2017", None, None, mean, "min",
                _days_text(".0f", " min", weekdays=on_work, weekend_days=on_weekend), reported_only=True)


FACTS = (trips_per_day, leaving_home_on_weekdays, time_at_home, travel_time)
"""The facts of this family, in the order they are reported."""
