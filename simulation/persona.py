"""One resident's week as the city sees it: where they were, what each sensor kept, what the adversary inferred.

The workshop view ("a resident's week") is built from one run: the truth (stage 1), the records kept of this
resident (stage 3, found through the scoring-only ``record_truth``) and the per-resident outcomes of the attacks
(stage 4, ``Assessment.breakdowns["resident_outcomes"]``). Nothing is canned: a control change gives another
release and other outcomes, and so another persona.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulation.codes import ACTIVITIES, AWAY, HOME, MODES, SENSITIVE_USES, TRAVEL
from simulation.rng import stream

if TYPE_CHECKING:
    from simulation.pipeline import RunResult
    from simulation.world import World

KIND_NOUNS: dict[str, tuple[str, str]] = {
    "cctv": ("camera sighting", "camera sightings"),
    "wifi_bt": ("phone detection", "phone detections"),
    "anpr": ("number-plate read", "number-plate reads"),
    "transit_card": ("transit-card tap", "transit-card taps"),
    "smart_meter": ("smart-meter reading", "smart-meter readings"),
    "people_counter": ("people count", "people counts"),
    "env_iot": ("environmental reading", "environmental readings"),
}
"""Plain names of one record of each sensor kind, singular and plural."""

TIMELINE_COLUMNS = ["day", "start_minute", "end_minute", "zone", "land_use", "activity", "mode"]
RECORD_COLUMNS = ["kind", "time", "day", "unit", "pseudonym", "epoch", "named"]


@dataclass(frozen=True)
class ResidentCriteria:
    """"Someone like me": the traits a participant picks (None: any).

    Attributes:
        archetype: One of the population's archetypes.
        has_car: Owns a car (seen by number-plate readers).
        has_card: Holds a transit card.
        phone_wifi_on: Their phone's Wi-Fi/Bluetooth is on.
        randomised_mac: Their phone changes its address every day.
    """

    archetype: str | None = None
    has_car: bool | None = None
    has_card: bool | None = None
    phone_wifi_on: bool | None = None
    randomised_mac: bool | None = None


def matching_residents(world: World, criteria: ResidentCriteria) -> np.ndarray:
    """Return the ids of the residents who have every trait the criteria name."""
    residents = world.residents
    keep = np.ones(len(residents), dtype=bool)
    for column in ("archetype", "has_car", "has_card", "phone_wifi_on", "randomised_mac"):
        wanted = getattr(criteria, column)
        if wanted is not None:
            keep &= (residents[column] == wanted).to_numpy()
    return np.flatnonzero(keep)


def pick_resident(world: World, seed: int, criteria: ResidentCriteria = ResidentCriteria(), draw: int = 0) -> int:
    """Return one resident with the criteria's traits, drawn at random (the same for the same seed and draw).

    Raises:
        ValueError: If no resident has every trait (the message says which to relax).
    """
    candidates = matching_residents(world, criteria)
    if candidates.size == 0:
        named = {k: v for k, v in vars(criteria).items() if v is not None}
        raise ValueError(f"no resident of this city has all of {named}; relax one of them")
    return int(stream(seed, "persona", int(draw)).choice(candidates))


@dataclass(frozen=True)
class Persona:
    """What one run holds about one resident.

    Attributes:
        resident: The resident id.
        traits: Archetype and devices (archetype, has_car, has_card, card_registered, phone_wifi_on,
            randomised_mac, home_zone, work_zone).
        timeline: Where they really were, one row per stay or trip (columns TIMELINE_COLUMNS; minutes from the
            start of the horizon).
        records: Every released record of theirs, by dataset (columns RECORD_COLUMNS; pseudonym as released,
            -1 if none).
        captured: Records captured of them per sensor kind, before the controls.
        outcome: Their row of the per-resident outcomes (singled_out, home_found, tracked_hours, identified...).
        sensitive_visits: Their true visits to sensitive places (day, start_minute, land_use, zone) with
            ``recorded`` (a kept record places them there) and ``inferred`` (the adversary attributes it to them).
        horizon_hours: Hours in the horizon.
        role: The adversary's role.
    """

    resident: int
    traits: dict
    timeline: pd.DataFrame
    records: pd.DataFrame
    captured: dict[str, int]
    outcome: dict
    sensitive_visits: pd.DataFrame
    horizon_hours: int
    role: str

    def records_per_kind(self) -> dict[str, int]:
        """Return the number of kept records of each dataset (kinds with none left out)."""
        return {str(k): int(v) for k, v in self.records["kind"].value_counts().items() if v}


def timeline_of(world: World, resident: int) -> pd.DataFrame:
    """Return the resident's week as stays and trips: consecutive slots with the same zone, activity and mode."""
    zone = world.zone[:, resident].astype(np.int64)
    activity = world.activity[:, resident].astype(np.int64)
    mode = world.mode[:, resident].astype(np.int64)
    change = np.r_[True, (zone[1:] != zone[:-1]) | (activity[1:] != activity[:-1]) | (mode[1:] != mode[:-1])]
    starts = np.flatnonzero(change)
    ends = np.r_[starts[1:], len(zone)]
    land_use = world.city.zones["land_use"].to_numpy()
    minutes = world.slot_minutes
    return pd.DataFrame({
        "day": starts * minutes // 1440, "start_minute": starts * minutes, "end_minute": ends * minutes,
        "zone": zone[starts], "land_use": land_use[zone[starts]],
        "activity": np.asarray(ACTIVITIES, dtype=object)[activity[starts]],
        "mode": np.asarray(MODES, dtype=object)[mode[starts]],
    }, columns=TIMELINE_COLUMNS)


def released_records_of(result: RunResult, resident: int) -> pd.DataFrame:
    """Return every record kept of the resident in the release (the truth finds them; scoring only)."""
    frames = []
    for kind, frame in result.release.records.items():
        mine = result.release.record_truth[kind] == resident
        if not mine.any():
            continue
        rows = frame.loc[mine]
        frames.append(pd.DataFrame({
            "kind": kind, "time": rows["time"].to_numpy(np.int64), "day": rows["time"].to_numpy(np.int64) // 1440,
            "unit": rows["unit"].to_numpy(np.int64), "pseudonym": rows["pseudonym"].to_numpy(np.int64),
            "epoch": rows["epoch"].to_numpy(np.int64), "named": rows["named"].to_numpy(bool)}))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            RECORD_COLUMNS, ["object", "int64", "int64", "int64", "int64", "int64", "bool"], strict=True)})
    return pd.concat(frames, ignore_index=True).sort_values(["time", "kind"], kind="stable", ignore_index=True)


def sensitive_visits_of(timeline: pd.DataFrame, records: pd.DataFrame, units: np.ndarray, bin_minutes: int,
                        profile_kinds: set[str], inferred_any: bool) -> pd.DataFrame:
    """Return the resident's true visits to sensitive places, and whether a kept record places them there.

    A visit is recorded when a kept record of theirs, in a dataset joined into their profile, lies in the visit's
    released unit and time bin (the key of the sensitive-place attack); it is inferred when it is recorded and the
    attack succeeded for them (the adversary attributes their profile to them).

    Args:
        timeline: The resident's :func:`timeline_of`.
        records: Their kept records (:func:`released_records_of`).
        units: Released unit of every zone.
        bin_minutes: Width of the released time bins.
        profile_kinds: The datasets joined into their profile.
        inferred_any: Whether the sensitive-place attack succeeded for them.
    """
    visit = timeline["land_use"].isin(SENSITIVE_USES) & ~timeline["activity"].isin(
        [ACTIVITIES[HOME], ACTIVITIES[TRAVEL], ACTIVITIES[AWAY]])
    visits = timeline.loc[visit, ["day", "start_minute", "end_minute", "land_use", "zone"]].reset_index(drop=True)
    in_profile = records[records["kind"].isin(profile_kinds)]
    keys = set(zip(in_profile["unit"].to_numpy(), (in_profile["time"] // bin_minutes).to_numpy(), strict=True))
    recorded = [any((int(units[zone]), b) in keys for b in range(start // bin_minutes, (end - 1) // bin_minutes + 1))
                for zone, start, end in zip(visits["zone"], visits["start_minute"], visits["end_minute"],
                                            strict=True)]
    visits["recorded"] = np.asarray(recorded, dtype=bool)
    visits["inferred"] = visits["recorded"] & inferred_any
    return visits


def resident_week(result: RunResult, resident: int) -> Persona:
    """Return what the run holds about one resident.

    Raises:
        ValueError: If the resident id is not one of the run's residents.
    """
    world = result.world
    if not 0 <= resident < world.n_residents:
        raise ValueError(f"resident must be between 0 and {world.n_residents - 1}; got {resident}")
    row = world.residents.loc[resident]
    traits = {name: (row[name].item() if hasattr(row[name], "item") else row[name]) for name in (
        "archetype", "has_car", "has_card", "card_registered", "phone_wifi_on", "randomised_mac", "home_zone",
        "work_zone")}
    table = result.assessment.breakdowns["resident_outcomes"]
    outcome = {k: (v.item() if hasattr(v, "item") else v) for k, v in table.iloc[resident].to_dict().items()}
    records = released_records_of(result, resident)
    log = result.log.records
    captured_kinds = log.loc[log["resident"].to_numpy() == resident, "kind"].value_counts()
    profile_kinds = set(filter(None, str(outcome.get("datasets_in_profile", "")).split("+")))
    timeline = timeline_of(world, resident)
    visits = sensitive_visits_of(timeline, records, np.asarray(result.release.units),
                                 result.release.time_bin_minutes, profile_kinds,
                                 bool(outcome.get("sensitive_inferred", False)))
    return Persona(resident=resident, traits=traits, timeline=timeline, records=records,
                   captured={str(k): int(v) for k, v in captured_kinds.items() if v}, outcome=outcome,
                   sensitive_visits=visits, horizon_hours=world.n_slots * world.slot_minutes // 60,
                   role=result.config.adversary.role)


def _count(kind: str, n: int) -> str:
    singular, plural = KIND_NOUNS.get(kind, (f"{kind} record", f"{kind} records"))
    return f"{n:,} {singular if n == 1 else plural}"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def persona_sentences(persona: Persona) -> list[str]:
    """Return plain sentences on what the city kept about the resident and what the adversary learnt from it."""
    o, who = persona.outcome, f"the {persona.role.replace('_', ' ')}"
    kept = persona.records_per_kind()
    captured = sum(persona.captured.values())
    if not kept:
        return [f"The sensors captured {captured:,} records of this resident, but none was kept in a form that can "
                f"be tied to one person: {who} learns nothing about them from records."
                + (" The published counts may still give them away (see the trade-off)." if captured else "")]
    in_profile = set(filter(None, str(o.get("datasets_in_profile", "")).split("+")))
    evidence = _joined([_count(k, n) for k, n in kept.items() if k in in_profile] or
                       [_count(k, n) for k, n in kept.items()])
    found = [place for place, flag in (("lives", o.get("home_found")), ("works", o.get("work_found"))) if flag]
    sentences = []
    if found:
        sentences.append(f"From {evidence}, {who} can tell where this resident {' and '.join(found)}.")
    else:
        sentences.append(f"The city keeps {evidence} about this resident, but {who} cannot tell from them where "
                         f"they live or work.")
    if o.get("tracked"):
        sentences.append(f"One profile follows them on {int(o['tracked_days'])} days, for "
                         f"{int(o['tracked_hours'])} of the week's {persona.horizon_hours} hours, "
                         "even when their pseudonyms change.")
    if o.get("linked_across"):
        sentences.append(f"Their records from {int(o['linked_datasets'])} different datasets were joined into one "
                         "profile by when and where they appear together.")
    if o.get("identified"):
        sentences.append(f"That profile carries their name: {who} knows who they are.")
    elif o.get("reidentified"):
        sentences.append(f"Knowing where they live and work is enough for {who} to pick out their profile "
                         "and put a name on it.")
    elif o.get("singled_out"):
        sentences.append("A few places and times of their week match their profile and nobody else's: anyone "
                         "who knows those can find them.")
    inferred = persona.sensitive_visits[persona.sensitive_visits["inferred"]]
    if len(inferred):
        places = _joined(sorted(set(inferred["land_use"])))
        sentences.append(f"It also reveals visits to a {places} (special-category data under GDPR Art. 9).")
    if not any(o.get(c) for c in ("singled_out", "reidentified", "tracked", "identified", "linked_across",
                                  "sensitive_inferred", "trajectory_recovered")):
        sentences.append("This resident is not counted in the privacy risk: no profile singles them out, follows "
                         "them over days, names them or joins their datasets.")
    return sentences
