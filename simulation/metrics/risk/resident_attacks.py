"""Per-resident outcomes of the attacks on the adversary's person profiles (``profiles``).

Every attack reports, for each resident, what the adversary achieved; every figure is a share of ALL residents.
A resident's profile is the profile holding most of their records (ties: the lowest profile code); residents
without a readable record have none and no attack on records reaches them.

- **singled out** (de Montjoye, Hidalgo, Verleysen and Blondel, "Unique in the Crowd", Sci. Rep. 3:1376, 2013):
  for every profile that is the resident's (most of its records are theirs) and holds at least p distinct points
  (p = ``adversary.known_points``), p of its records are drawn at random; the resident is singled out when, for
  some such profile, it is the only profile holding all their points. (A profile with fewer than p points is not
  tested: the reviewer of the first version found 84% "of residents" singled out that were in fact card-days of
  a median of 2 taps.)
- **home found / work found**: the profile's home (its most frequent unit at night, 22:00-06:00) or work (its most
  frequent unit on weekdays 9:00-17:00) is the unit of the resident's true home or workplace. The units inferred
  from the resident's profile are kept (``home_inferred``, ``work_inferred``; -1 when none).
- **re-identified** (Golle and Partridge, "On the Anonymity of Home/Work Location Pairs", Pervasive 2009): an
  adversary who knows the resident's home and work units looks for the profiles whose inferred pair equals
  theirs (home alone for residents without a workplace); re-identified when exactly one profile matches and it is
  theirs. Without that knowledge (``adversary.knows_home_work`` false), p of the resident's true points held in
  any readable dataset are drawn, and the resident is re-identified when exactly one profile holds them all and it
  is theirs (the location-time attack of scikit-mobility).
- **tracked**: the hours (and days) in which the resident's profile holds a record truly theirs; tracked when it
  follows them on at least TRACKED_MIN_DAYS distinct days (across key rotations: Gruteser and Hoh 2005).
- **identified**: a profile holding named records (raw plates, named cards, face alerts) carries the name of their
  most frequent true owner; identified when some profile carries the resident's name.
- **linked datasets**: the distinct datasets whose records of the resident sit in their profile; linked across
  datasets when two or more do (Kondor et al. 2020).
- **sensitive place inferred** (Shokri et al., IEEE S&P 2011; GDPR Art. 9): the adversary knows whose a profile is
  when it carries a name or re-identified a resident; a resident's sensitive visit (a clinic, hospital, place of
  worship or nightlife zone, not at home, not travelling) is inferred when a record of that visit sits in a
  profile the adversary attributes to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.metrics.risk.location_attack import draw_known_points
from simulation.metrics.risk.point_index import PointIndex
from simulation.metrics.risk.profiles import Profiles
from simulation.metrics.risk.traces import NIGHT_HOURS, WORK_HOURS, hour_of_day, majority, weekday

TRACKED_MIN_DAYS = 2
"""Distinct days on which a profile must hold a resident's records for them to count as tracked."""

RESIDENT_COLUMNS: tuple[str, ...] = (
    "resident", "profile", "records", "records_in_profile", "datasets_in_profile", "singled_out", "home_inferred",
    "work_inferred", "home_found", "work_found", "reidentified", "anonymity_set", "tracked_hours", "tracked_days",
    "tracked", "identified", "linked_datasets", "linked_across", "sensitive_inferred",
)
"""Columns of the per-resident table (the aggregate attack and ``any_attack`` are added by the assessment)."""
SUCCESS_COLUMNS: tuple[str, ...] = (
    "singled_out", "reidentified", "tracked", "identified", "linked_across", "sensitive_inferred",
)
"""The per-resident successes of the attacks on records."""


@dataclass(frozen=True)
class Knowledge:
    """What the adversary knows about every resident (drawn from the truth) and how it attacks.

    Attributes:
        home_unit: Released unit of each resident's home.
        work_unit: Released unit of each resident's workplace (-1 if none).
        known_points: p, points of a target's week the adversary knows.
        knows_home_work: Whether it knows home and work (else it knows p points).
        start_weekday: Weekday of the first day (0 = Monday).
    """

    home_unit: np.ndarray
    work_unit: np.ndarray
    known_points: int
    knows_home_work: bool
    start_weekday: int


def _hour_mask(hours: tuple[int, ...]) -> np.ndarray:
    mask = np.zeros(24, dtype=bool)
    mask[list(hours)] = True
    return mask


def profile_places(profiles: Profiles, start_weekday: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each profile's inferred home and work unit (-1 when it has no record in the window)."""
    hour = hour_of_day(profiles.time)
    night = _hour_mask(NIGHT_HOURS)[hour]
    day = _hour_mask(WORK_HOURS)[hour] & (weekday(profiles.time, start_weekday) < 5)
    home = majority(profiles.profile[night], profiles.unit[night], profiles.n_profiles)
    work = majority(profiles.profile[day], profiles.unit[day], profiles.n_profiles)
    return home, work


def heaviest(group: np.ndarray, value: np.ndarray, weight: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Return, per group, the value of largest total weight (ties: the smallest value; -1 if none) and that weight.

    Args:
        group: Non-negative group of every item (a trace).
        value: Non-negative value of every item.
        weight: Weight of every item (its points).
        n_groups: Number of groups.
    """
    best = np.full(n_groups, -1, dtype=np.int64)
    total = np.zeros(n_groups, dtype=np.int64)
    if group.size == 0:
        return best, total
    span = int(value.max()) + 1
    pair, distinct = pd.factorize(group.astype(np.int64) * span + value)
    summed = np.bincount(pair, weights=weight, minlength=len(distinct)).astype(np.int64)
    distinct = np.asarray(distinct, dtype=np.int64)
    pair_group, pair_value = distinct // span, distinct % span
    order = np.lexsort((pair_value, -summed, pair_group))
    first = order[np.concatenate([[True], pair_group[order][1:] != pair_group[order][:-1]])]
    best[pair_group[first]] = pair_value[first]
    total[pair_group[first]] = summed[first]
    return best, total


def owners_and_mains(profiles: Profiles, n_residents: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return each profile's owner, and per resident: their profile (-1 if none), points held, points in it.

    A profile's owner is the resident most of its points are truly of; a resident's profile is the one holding
    most of their points. Both are counted trace by trace (a trace has one owner).
    """
    owned = profiles.trace_resident >= 0
    resident, profile = profiles.trace_resident[owned], profiles.trace_profile[owned]
    points = profiles.trace_points[owned]
    owner = heaviest(profile, resident, points, profiles.n_profiles)[0]
    main, held = heaviest(resident, profile, points, n_residents)
    records = np.bincount(resident, weights=points, minlength=n_residents)[:n_residents].astype(np.int64)
    return owner, main, records, held


def _seen(resident: np.ndarray, value: np.ndarray, n_residents: int, span: int) -> np.ndarray:
    """Return an (n_residents, span) bitmap of the (resident, value) pairs present among the rows."""
    seen = np.zeros(n_residents * span, dtype=bool)
    seen[resident * span + value] = True
    return seen.reshape(n_residents, span)


def _singled_out(profiles: Profiles, index: PointIndex, owner: np.ndarray, p: int, n_residents: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Return whether p points of some profile of each resident single that profile out.

    A profile is the resident's when most of its records are theirs; profiles holding fewer than p distinct
    points are not tested (p known points cannot all come from them).
    """
    out = np.zeros(n_residents, dtype=bool)
    points_held = np.bincount(index.posting, minlength=profiles.n_profiles)
    eligible = np.flatnonzero((owner >= 0) & (points_held >= p))
    if eligible.size == 0:
        return out
    profile, point = index.traces_and_points()  # distinct (profile, point) pairs: p of a profile's own points
    known = draw_known_points(profile.astype(np.int64), point.astype(np.int64), eligible, p, rng)
    counts, match = index.containing(known, at_most=2)  # unique or not is all that matters here
    out[owner[eligible[(counts == 1) & (match == eligible)]]] = True
    return out


def _home_work_reidentified(home: np.ndarray, work: np.ndarray, owner: np.ndarray,
                            knowledge: Knowledge) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return per resident: re-identified, the anonymity set (matching profiles) and the matched profile (-1)."""
    n_units = int(max(home.max(initial=-1), work.max(initial=-1), knowledge.home_unit.max(initial=-1),
                      knowledge.work_unit.max(initial=-1))) + 2
    with_work = knowledge.work_unit >= 0
    profile_pair = np.where((home >= 0) & (work >= 0), home * n_units + work, -1)
    target_pair = np.where(with_work, knowledge.home_unit * n_units + knowledge.work_unit, -1)
    size = np.zeros(len(with_work), dtype=np.int64)
    found = np.full(len(with_work), -1, dtype=np.int64)
    for place, wanted, target_place in ((profile_pair, with_work, target_pair),
                                        (home, ~with_work, knowledge.home_unit)):
        listed = np.flatnonzero(place >= 0)
        order = listed[np.argsort(place[listed], kind="stable")]
        sorted_place = place[order]
        low = np.searchsorted(sorted_place, target_place[wanted], side="left")
        high = np.searchsorted(sorted_place, target_place[wanted], side="right")
        size[wanted] = high - low
        single = (high - low) == 1
        chosen = np.full(int(wanted.sum()), -1, dtype=np.int64)
        chosen[single] = order[low[single]]
        found[wanted] = chosen
    right = (found >= 0) & (owner[np.maximum(found, 0)] == np.arange(len(found)))
    return right, size, np.where(right, found, -1)


def _known_points_reidentified(profiles: Profiles, index: PointIndex, owner: np.ndarray, n_residents: int,
                               p: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return per resident: re-identified by p of their true points, the matching profiles, and the profile."""
    owned = profiles.resident >= 0
    targets = np.unique(profiles.resident[owned])
    right = np.zeros(n_residents, dtype=bool)
    size = np.zeros(n_residents, dtype=np.int64)
    found = np.full(n_residents, -1, dtype=np.int64)
    if targets.size == 0:
        return right, size, found
    known = draw_known_points(profiles.resident[owned], profiles.point[owned], targets, p, rng)
    counts, match = index.containing(known)
    hit = (counts == 1) & (match >= 0)
    hit[hit] = owner[match[hit]] == targets[hit]
    right[targets] = hit
    size[targets] = counts
    found[targets[hit]] = match[hit]
    return right, size, found


def _sensitive_inferred(profiles: Profiles, attributed: np.ndarray, visits: np.ndarray, n_units: int,
                        n_bins: int, n_residents: int) -> np.ndarray:
    """Return whether a record of a resident's sensitive visit sits in a profile attributed to them."""
    out = np.zeros(n_residents, dtype=bool)
    keep = (profiles.resident >= 0) & (attributed[profiles.profile] == profiles.resident)
    if not keep.any() or visits.size == 0:
        return out
    resident = profiles.resident[keep]
    keys = (resident * n_units + profiles.unit[keep]) * n_bins + profiles.time[keep] // profiles.time_bin_minutes
    where = np.minimum(np.searchsorted(visits, keys), visits.size - 1)
    out[resident[visits[where] == keys]] = True
    return out


def resident_outcomes(profiles: Profiles, knowledge: Knowledge, n_residents: int, visits: np.ndarray,
                      n_units: int, n_bins: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return one row per resident with what every attack on records achieved, and the per-dataset breakdown.

    The table's columns are RESIDENT_COLUMNS; the breakdown is :func:`by_dataset`'s.

    Args:
        profiles: The adversary's profiles.
        knowledge: What it knows of each resident.
        n_residents: Residents in the world.
        visits: Sorted distinct (resident, unit, time bin) keys of true sensitive visits (truth, scoring).
        n_units: Released units (the key's unit span).
        n_bins: Time bins of the horizon (the key's bin span).
        rng: The attack's random stream (which points the adversary knows).
    """
    owner, main, records, held = owners_and_mains(profiles, n_residents)
    owned = profiles.resident >= 0
    in_main = owned & (main[np.maximum(profiles.resident, 0)] == profiles.profile)
    index = profiles.index
    p = knowledge.known_points
    singled = _singled_out(profiles, index, owner, p, n_residents, rng)
    home, work = profile_places(profiles, knowledge.start_weekday)
    if knowledge.knows_home_work:
        reidentified, anonymity, found = _home_work_reidentified(home, work, owner, knowledge)
    else:
        reidentified, anonymity, found = _known_points_reidentified(profiles, index, owner, n_residents, p, rng)
    has_profile = main >= 0
    safe_main = np.maximum(main, 0)
    home_found = has_profile & (home[safe_main] >= 0) & (home[safe_main] == knowledge.home_unit)
    work_found = has_profile & (knowledge.work_unit >= 0) & (work[safe_main] == knowledge.work_unit)
    resident_in_main = profiles.resident[in_main]
    n_days = int(profiles.time.max(initial=0)) // 1440 + 1
    hour_seen = _seen(resident_in_main, profiles.time[in_main] // 60, n_residents, n_days * 24)
    hours = hour_seen.sum(axis=1)
    days = hour_seen.reshape(n_residents, n_days, 24).any(axis=2).sum(axis=1)
    datasets = _seen(resident_in_main, profiles.kind[in_main].astype(np.int64), n_residents,
                     max(len(profiles.kinds), 1)).sum(axis=1)
    named = profiles.trace_named & (profiles.trace_resident >= 0)
    name = heaviest(profiles.trace_profile[named], profiles.trace_resident[named], profiles.trace_points[named],
                    profiles.n_profiles)[0]
    identified = np.zeros(n_residents, dtype=bool)
    identified[name[name >= 0]] = True
    attributed = name.copy()  # whose each profile is, as far as the adversary knows: its name, else its target
    target = np.flatnonzero(found >= 0)
    unnamed = attributed[found[target]] < 0
    attributed[found[target][unnamed]] = target[unnamed]
    sensitive = _sensitive_inferred(profiles, attributed, visits, n_units, n_bins, n_residents)
    kind_bits = _kinds_in_profile(profiles, main)
    table = pd.DataFrame({
        "resident": np.arange(n_residents), "profile": main, "records": records, "records_in_profile": held,
        "datasets_in_profile": _bit_labels(kind_bits, profiles.kinds), "singled_out": singled,
        "home_inferred": np.where(has_profile, home[safe_main], -1),
        "work_inferred": np.where(has_profile, work[safe_main], -1), "home_found": home_found,
        "work_found": work_found, "reidentified": reidentified, "anonymity_set": anonymity,
        "tracked_hours": hours, "tracked_days": days, "tracked": days >= TRACKED_MIN_DAYS,
        "identified": identified, "linked_datasets": datasets, "linked_across": datasets >= 2,
        "sensitive_inferred": sensitive,
    })
    return table, by_dataset(table, kind_bits, profiles.kinds)


def by_dataset(table: pd.DataFrame, kind_bits: np.ndarray, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Return, per dataset, the share of residents whose profile holds its records and each attack's share through it.

    A breakdown of the per-resident outcomes: a success counts for a dataset when the resident's profile holds
    records of it. Every figure is a share of all residents.
    """
    n = max(len(table), 1)
    rows = []
    for i, kind in enumerate(kinds):
        through = (kind_bits >> i & 1).astype(bool)
        row = {"dataset": kind, "residents_in_profiles": float(through.sum() / n)}
        row.update({column: float((through & table[column].to_numpy()).sum() / n) for column in SUCCESS_COLUMNS})
        rows.append(row)
    return pd.DataFrame(rows, columns=["dataset", "residents_in_profiles", *SUCCESS_COLUMNS])


def _kinds_in_profile(profiles: Profiles, main: np.ndarray) -> np.ndarray:
    """Return, per resident, a bit mask of the datasets (bit i: ``profiles.kinds[i]``) of their profile's records."""
    bits = np.zeros(max(profiles.n_profiles, 1), dtype=np.int64)
    np.bitwise_or.at(bits, profiles.profile, np.left_shift(1, profiles.kind.astype(np.int64)))
    return np.where(main >= 0, bits[np.maximum(main, 0)], 0)


def _bit_labels(kind_bits: np.ndarray, kinds: tuple[str, ...]) -> np.ndarray:
    """Return the '+'-joined dataset names of each bit mask ('' for none)."""
    masks, code = np.unique(kind_bits, return_inverse=True)
    labels = np.array(["+".join(k for i, k in enumerate(kinds) if int(m) >> i & 1) for m in masks], dtype=object)
    return labels[code.reshape(-1)]
