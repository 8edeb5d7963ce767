"""Public safety: locating a person of interest from the data the police may read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.controls.keyed_hash import derive_key, keyed_hashes
from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.utility.released import UnitIndex
from simulation.release import Release
from simulation.scenario import ScenarioConfig
from simulation.world import World

QUERIES_PER_PERSON: int = 24
"""Random query times drawn per person of interest."""
PERSONS_WITHOUT_WATCHLIST: int = 50
"""Persons of interest drawn at random when there is no face-recognition watchlist."""
MATCH_WINDOW_MINUTES: int = 60
"""A released sighting answers a query when the middle of its time bin is this close to the query time."""
POLICE: str = "police"
IDENTIFIER_COLUMNS: dict[str, str] = {"cctv": "face", "anpr": "plate", "transit_card": "card"}
"""The identifier the police hold for a person of interest in each dataset they may read."""


def persons_of_interest(world: World, watchlist: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return the watchlist, or a random draw of residents when there is none."""
    if len(watchlist):
        return np.asarray(watchlist, dtype=np.int64)
    size = min(PERSONS_WITHOUT_WATCHLIST, world.n_residents)
    return np.sort(rng.choice(world.n_residents, size=size, replace=False)).astype(np.int64)


def police_identifiers(world: World, persons: np.ndarray) -> pd.DataFrame:
    """Return what the police know of each person of interest: face template, plate, registered card.

    This is the query itself (who is wanted), not the truth about the release: an anonymous card is unknown.
    """
    people = world.residents.iloc[persons]
    rows = []
    for kind, column in IDENTIFIER_COLUMNS.items():
        tokens = people[column].to_numpy(np.int64)
        known = tokens >= 0
        if kind == "transit_card":
            known &= people["card_registered"].to_numpy(bool)
        rows.append(pd.DataFrame({"person": np.flatnonzero(known), "kind": kind, "token": tokens[known]}))
    return pd.concat(rows, ignore_index=True)


def wanted_pseudonyms(wanted: pd.DataFrame, epochs: np.ndarray, config: ScenarioConfig) -> pd.DataFrame:
    """Return the released pseudonyms under which each wanted identifier can appear in named records.

    Raw identifiers (pseudonymisation off, or a face-recognition alert) appear as they are. A face-recognition
    alert is named by the system that matched it before hashing; with a city-wide key its operator resolves it
    for the police, so the face's keyed hash in each key epoch names the person too. Under per-sensor keys
    nobody can resolve an alert across cameras and only raw identifiers match.

    Args:
        wanted: Rows person, kind, token (one dataset's wanted identifiers).
        epochs: Key epochs present in the dataset's named records.
        config: The scenario (pseudonymisation settings, seed).

    Returns:
        Rows pseudonym, person.
    """
    parts = [pd.DataFrame({"pseudonym": wanted["token"].to_numpy(np.int64), "person": wanted["person"]})]
    settings = config.controls.pseudonymisation
    if settings.enabled and settings.scope == "city_wide":
        keys = [derive_key(config.seed, int(epoch), "city") for epoch in np.unique(epochs)]
        hashed = keyed_hashes(wanted["token"].to_numpy(np.int64), keys)  # one row per epoch, in epoch order
        parts.append(pd.DataFrame({"pseudonym": hashed.ravel(), "person": np.tile(wanted["person"].to_numpy(),
                                                                                  len(keys))}))
    return pd.concat(parts, ignore_index=True)


def _sightings(release: Release, identifiers: pd.DataFrame, config: ScenarioConfig,
               units: UnitIndex) -> pd.DataFrame:
    """Return every named record the police may read that names a wanted person (person, mid, unit, kind)."""
    frames = []
    for kind, frame in release.visible_to(POLICE).items():
        wanted = identifiers[identifiers["kind"] == kind]
        if "named" in frame.columns:
            frame = frame[frame["named"].to_numpy(bool)]
        if not len(wanted) or not len(frame):
            continue
        lookup = wanted_pseudonyms(wanted, frame["epoch"].to_numpy(np.int64), config)
        keys = lookup["pseudonym"].to_numpy(np.int64)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        pseudonym = frame["pseudonym"].to_numpy(np.int64)
        pos = np.searchsorted(keys, pseudonym).clip(0, len(keys) - 1)
        hit = keys[pos] == pseudonym
        person = lookup["person"].to_numpy(np.int64)[order][pos[hit]]
        mid = frame["time"].to_numpy(np.int64)[hit] + release.time_bin_minutes / 2
        frames.append(pd.DataFrame({"person": person, "mid": mid, "unit": units.lookup(frame["unit"].to_numpy()[hit]),
                                    "kind": kind}))
    if not frames:
        return pd.DataFrame({"person": [], "mid": [], "unit": [], "kind": []})
    return pd.concat(frames, ignore_index=True)


def _modal_units(keys: np.ndarray, units: np.ndarray, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return, for sightings sorted by (key, unit), the answer of each one's key group and its dataset.

    The answer of a group (same person, same time bin) is the unit seen most often in it (ties: smallest unit).
    """
    n = len(keys)
    if not n:
        return units, kinds
    new_pair = np.r_[True, (keys[1:] != keys[:-1]) | (units[1:] != units[:-1])]
    pair_start = np.flatnonzero(new_pair)
    pair_count = np.diff(np.r_[pair_start, n])
    pair_key = keys[pair_start]
    best_first = np.lexsort((units[pair_start], -pair_count, pair_key))
    first_of_key = np.r_[True, pair_key[best_first][1:] != pair_key[best_first][:-1]]
    modal_start = pair_start[best_first[first_of_key]]
    group = np.cumsum(np.r_[True, keys[1:] != keys[:-1]]) - 1
    return units[modal_start][group], kinds[modal_start][group]


def locate(release: Release, identifiers: pd.DataFrame, person: np.ndarray, minute: np.ndarray,
           config: ScenarioConfig) -> tuple[np.ndarray, np.ndarray]:
    """Answer "where was this person at this time?" from the released data the police may read.

    The answer is the unit of the person's released named sighting (raw plate read, registered card tap released
    raw, face-recognition alert; see ``Release`` ``named``) whose time bin's middle is nearest the query time, if
    within ``MATCH_WINDOW_MINUTES``; among several sightings in that bin, the unit seen most often. A sighting is
    the person's when its pseudonym is one the police can resolve to the identifier they hold
    (:func:`wanted_pseudonyms`). A false alert names someone else's face, so it never places the wanted person.

    Args:
        release: The release.
        identifiers: What the police know of each person (:func:`police_identifiers`: person, kind, token).
        person: Person index (into the identifier table's persons) of each query.
        minute: Query time in minutes from the start of the horizon.
        config: The scenario (pseudonymisation settings: whether alerts can be resolved).

    Returns:
        (unit index answered, -1 if none; the dataset that answered, "" if none) per query.
    """
    units = UnitIndex.of(release)
    seen = _sightings(release, identifiers, config, units)
    seen = seen[seen["unit"] >= 0]
    span = float(release.horizon_minutes + 10 * max(release.time_bin_minutes, MATCH_WINDOW_MINUTES))
    raw_keys = seen["person"].to_numpy(np.float64) * span + seen["mid"].to_numpy(np.float64)
    raw_units = seen["unit"].to_numpy(np.int64)
    order = np.lexsort((raw_units, raw_keys))
    keys, units_seen = raw_keys[order], raw_units[order]
    kinds_seen = seen["kind"].to_numpy(object)[order]
    seen_unit, seen_kind = _modal_units(keys, units_seen, kinds_seen)
    answer = np.full(len(person), -1, dtype=np.int64)
    source = np.full(len(person), "", dtype=object)
    if not len(keys):
        return answer, source
    query = np.asarray(person, np.float64) * span + np.asarray(minute, np.float64)
    right = np.searchsorted(keys, query).clip(0, len(keys) - 1)
    left = (right - 1).clip(0, None)
    d_right, d_left = np.abs(keys[right] - query), np.abs(keys[left] - query)
    best = np.where(d_left <= d_right, left, right)
    close = np.minimum(d_left, d_right) <= MATCH_WINDOW_MINUTES
    answer[close] = seen_unit[best[close]]
    source[close] = seen_kind[best[close]]
    return answer, source


def utility_public_safety(ctx: AssessmentContext) -> MetricResult:
    """Locating a person of interest.

    Definition: persons of interest are the face-recognition watchlist (or, without one, 50 residents drawn from
    the stream ``assess/utility_public_safety``). For each, 24 query times are drawn from the same stream; a query
    is answered from the records the police may read (:func:`locate`). It scores ``1 / zones in the unit`` when
    the answered unit holds the person's true zone at that time (world presence arrays), else 0, so a block of
    16 zones locates 16 times less precisely than a zone. ``utility_public_safety`` is the mean score.
    Source: the locate-a-suspect use case of live facial recognition and ANPR (Fussey and Murray 2019,
    Independent Report on the London Metropolitan Police Service's Trial of Live Facial Recognition).
    """
    rng = ctx.rng("utility_public_safety")
    world = ctx.world
    persons = persons_of_interest(world, ctx.log.watchlist, rng)
    if not len(persons):
        return MetricResult(name="utility_public_safety", value=0.0, breakdown=pd.DataFrame())
    slots = rng.integers(0, world.n_slots, size=(len(persons), QUERIES_PER_PERSON))
    person = np.repeat(np.arange(len(persons)), QUERIES_PER_PERSON)
    slot = slots.ravel()
    minute = slot * world.slot_minutes + world.slot_minutes / 2
    answer, source = locate(ctx.release, police_identifiers(world, persons), person, minute, ctx.config)
    units = UnitIndex.of(ctx.release)
    zones_per_unit = np.bincount(units.of_zone, minlength=units.n_units)
    true_unit = units.of_zone[world.zone[slot, persons[person]]]
    right = answer == true_unit
    score = np.where(right, 1.0 / zones_per_unit[true_unit], 0.0)
    table = pd.DataFrame({"dataset": source, "answered": answer >= 0, "right_unit": right, "score": score})
    breakdown = (table[table["answered"]].groupby("dataset")
                 .agg(answers=("answered", "size"), right_unit=("right_unit", "sum"), score=("score", "sum"))
                 .reset_index())
    breakdown["share_of_queries"] = breakdown["score"] / len(table)
    breakdown.attrs.update(persons=len(persons), queries=len(table))
    return MetricResult(name="utility_public_safety", value=float(score.mean()), breakdown=breakdown)
