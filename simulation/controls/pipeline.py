"""Stage 3, the release: the privacy controls in their fixed order, from the observation log to the Release.

| order | control | stage | what it does |
|---|---|---|---|
| 1 | opt_out | capture | opted-out phones never seen; opted-out cards unnamed; opted-out meters daily |
| 2 | edge_aggregation | capture | listed kinds send counts per device and slot; no record exists |
| 3 | pseudonymisation | capture | identifiers -> keyed SipHash; key rotates never/daily/hourly; city or sensor scope |
| 4 | face_recognition | capture | faces >= threshold are alerts and keep the template; others deleted at once |
| - | (snapshot) | capture | records as captured kept aside: the source of the aggregates |
| 5 | retention | storage | records older than the dataset's retention at the horizon's end deleted |
| 6 | access | storage | which parties may read, and so join, which record datasets |
| 7 | generalisation | release | zones -> blocks, times -> bins (records, captured records, edge counts) |
| 8 | aggregation | release | per (time bin, unit): distinct pseudonyms and mean reading |
| 9 | differential_privacy | release | m per raw identifier over the horizon; Laplace on every domain cell |
| 10 | k_suppression | release | cells whose (noisy) count is below k removed |
| 11 | release | release | "aggregates": every record dataset dropped |

Why this order:
- Opt-out comes first, before edge aggregation: a phone with Wi-Fi off is physically invisible, to an edge counter
  as to anything else (this is the one place the truth is read, see :mod:`.opt_out`).
- Everything at capture happens before anything is stored: the stored and shared data never held raw identifiers
  when pseudonymisation is on, nor non-matching face templates.
- Aggregates are computed from the records as captured, before retention: a city computes statistics as data
  arrive and keeps them after the raw rows are deleted. Retention therefore limits exposure, not counting.
- Generalisation precedes aggregation so every table shares the released units and bins.
- Differential privacy precedes k-suppression: thresholding the noisy counts (as Google's releases do) keeps the
  threshold from revealing small true counts, and a larger k then always suppresses a superset of cells.
- The release level comes last so that every control's audit shows what it did even when records are not shared.

Each control appends audit rows (``simulation.release.AUDIT_COLUMNS``), numbered by the order above. Record
datasets mark whether each record names a person (``named``); ``Release.identified`` lists the datasets where some
record does (raw plates, raw registered cards, face-recognition alerts).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd

from simulation.controls.access import Access
from simulation.controls.aggregation import Aggregation
from simulation.controls.base import Control, ControlContext, ReleaseState, Table, map_kinds, n_rows
from simulation.controls.differential_privacy import DifferentialPrivacy
from simulation.controls.edge_aggregation import EdgeAggregation
from simulation.controls.face_recognition import FaceRecognition
from simulation.controls.generalisation import Generalisation
from simulation.controls.k_suppression import KSuppression
from simulation.controls.opt_out import OptOut
from simulation.controls.pseudonymisation import Pseudonymisation
from simulation.controls.release_level import ReleaseLevel
from simulation.controls.retention import Retention
from simulation.controls.state_memo import remembered_state
from simulation.observations import ObservationLog
from simulation.release import AUDIT_COLUMNS, Release
from simulation.scenario import SENSOR_KINDS, ScenarioConfig
from simulation.world import World

CONTROLS: tuple[Control, ...] = (
    OptOut(), EdgeAggregation(), Pseudonymisation(), FaceRecognition(), Retention(), Access(), Generalisation(),
    Aggregation(), DifferentialPrivacy(), KSuppression(), ReleaseLevel(),
)
"""Every control, in the order they are applied."""
RELEASED_RECORD_COLUMNS: tuple[str, ...] = ("time", "unit", "pseudonym", "value", "epoch", "named")


def initial_records(log: ObservationLog) -> dict[str, Table]:
    """Split the observation log into working record tables, one per sensor kind that has a device.

    The tables start with the columns of the log (time in minutes); the other working columns are added by the
    controls that set them (``unit`` by generalisation; ``epoch``, ``person`` and ``named`` by pseudonymisation).
    """
    frame = log.records
    deployed = set(log.sensors["kind"].astype(str))
    kind = frame["kind"]
    if isinstance(kind.dtype, pd.CategoricalDtype) and list(kind.cat.categories) == list(SENSOR_KINDS):
        codes = kind.cat.codes.to_numpy()
    else:
        codes = pd.Categorical(kind.astype(str), categories=list(SENSOR_KINDS)).codes
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(SENSOR_KINDS) + 1))
    slot = frame["slot"].to_numpy(np.int64)[order]
    zone = frame["zone"].to_numpy(np.int32)[order]
    columns = {
        "time": slot * log.slot_minutes, "sensor": frame["sensor"].to_numpy(np.int32)[order], "zone": zone,
        "token": frame["token"].to_numpy(np.int64)[order], "value": frame["value"].to_numpy(np.float32)[order],
        "resident": frame["resident"].to_numpy(np.int32)[order],
    }
    return {kind_name: {name: column[bounds[i]:bounds[i + 1]] for name, column in columns.items()}
            for i, kind_name in enumerate(SENSOR_KINDS) if kind_name in deployed}


def make_context(world: World, log: ObservationLog, config: ScenarioConfig) -> ControlContext:
    """Return what the controls may read besides the state."""
    sensors = log.sensors
    n_devices = int(sensors["sensor"].max()) + 1 if len(sensors) else 0
    names = np.empty(n_devices, dtype=object)
    names[sensors["sensor"].to_numpy(np.int64)] = sensors["name"].astype(str).to_numpy()
    interval = {s.name: s.sampling_interval_minutes for s in config.sensors}
    sampling = np.array([interval.get(str(name), log.slot_minutes) for name in names], dtype=np.int64)
    return ControlContext(world=world, log=log, config=config, horizon_minutes=config.world.days * 1440,
                          sampling_minutes=sampling, sensor_names=names)


CHECKPOINTS: tuple[str, ...] = ("opt_out", "face_recognition", "aggregation")
"""Controls after which the state is remembered (:mod:`.state_memo`): the log split with the opt-outs applied,
the end of capture, and the exact aggregates (all that differential privacy, k and the release level start from)."""

Step = Callable[[], tuple[ReleaseState, list[dict]]]


def _applied(previous: Step, control: Control, order: int, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
    """Return the state and audit of ``previous()`` with one more control applied."""
    state, audit = previous()
    state, rows = control.apply(state, context)
    return state, audit + [{**row, "order": order} for row in rows]


def _with_snapshot(previous: Step) -> tuple[ReleaseState, list[dict]]:
    """Return ``previous()`` with its records kept aside as captured (the source of the aggregates)."""
    state, audit = previous()
    return state.evolve(captured=dict(state.records)), audit


def _settings(config: ScenarioConfig, control: Control) -> str:
    """Return a control's own settings as JSON ("null" for a control without a section)."""
    section = getattr(config.controls, control.name, None)
    return section.model_dump_json() if section is not None else "null"


def _announced(previous: Step, on_records: Callable[[ReleaseState], None]) -> tuple[ReleaseState, list[dict]]:
    """Return ``previous()``, first handing its state to ``on_records`` (its record datasets are final)."""
    state, audit = previous()
    on_records(state.evolve(audit=tuple(audit)))
    return state, audit


def run_controls(world: World, log: ObservationLog, config: ScenarioConfig,
                 on_records: Callable[[ReleaseState], None] | None = None) -> ReleaseState:
    """Apply every control in order and return the final working state (with its audit).

    The states at CHECKPOINTS are remembered per (world, log, seed, sensors, settings of the controls so far), so a
    rerun starts from the last checkpoint whose settings did not move.

    Args:
        world: Stage 1 output.
        log: Stage 2 output.
        config: The scenario.
        on_records: Called with the working state as soon as no later control changes the record datasets (see
            ``Control.changes_records``), before those later controls run. Not called when no control
            follows (only aggregates released) or when the state after it is remembered (nothing before it runs
            then).
    """
    context = make_context(world, log, config)
    last_record_change = max(order for order, control in enumerate(CONTROLS, start=1)
                             if control.changes_records(config))

    def split() -> tuple[ReleaseState, list[dict]]:
        return ReleaseState(records=initial_records(log), units=np.arange(world.city.n_zones, dtype=np.int32),
                            time_bin_minutes=log.slot_minutes), []

    key: tuple = (config.seed, tuple(sensor.model_dump_json() for sensor in config.sensors))
    make: Step = split
    for order, control in enumerate(CONTROLS, start=1):
        if order > 1 and control.stage != "capture" and CONTROLS[order - 2].stage == "capture":
            make = partial(_with_snapshot, make)
        key += ((control.name, _settings(config, control)),)
        make = partial(_applied, make, control, order, context)
        if control.name in CHECKPOINTS:
            make = partial(remembered_state, world, log, key, make)
        if order == last_record_change < len(CONTROLS) and on_records is not None:
            make = partial(_announced, make, on_records)
    state, audit = make()
    return state.evolve(audit=tuple(audit))


AGGREGATE_ONLY_CONTROLS: tuple[str, ...] = ("differential_privacy", "k_suppression")
"""Controls that change only the aggregate tables, never a record dataset."""


def records_key(config: ScenarioConfig) -> str:
    """Return a digest of every scenario setting that the released record datasets depend on.

    Everything but the aggregate-only controls, the utility weights and the name and description; the adversary
    is included too (it does not shape the records, but keeping it lets one key serve for the attacks on them).
    """
    data = config.model_dump(mode="json", exclude={"name", "description", "utility_weights"})
    for name in AGGREGATE_ONLY_CONTROLS:
        data["controls"].pop(name)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def to_release(state: ReleaseState, horizon_minutes: int, key: str | None = None,
               records_of: Release | None = None) -> Release:
    """Convert the final working state to the stage-3 output (``key``: its ``records_key``).

    ``records_of``: a release already made from a state holding these very record datasets (the same dict, as
    handed to ``on_records``), whose record frames, truth and codes are reused instead of being made again.
    """
    if records_of is not None:
        return replace(records_of, aggregates=dict(state.aggregates), noised=dict(state.noised),
                       audit=_audit_frame(state))

    def released(kind: str) -> pd.DataFrame:
        table = state.records[kind]
        return pd.DataFrame({
            "time": table["time"].astype(np.int32, copy=False), "unit": table["unit"].astype(np.int32, copy=False),
            "pseudonym": (state.pending[kind].pseudonyms(table["token"]) if kind in state.pending
                          else table["token"].astype(np.int64, copy=False)),
            "value": table["value"].astype(np.float32, copy=False),
            "epoch": table["epoch"].astype(np.int32, copy=False),
            "named": table["named"].astype(bool, copy=False),  # columns already of their dtype are shared, not copied
        }, copy=False)

    records = dict(zip(state.records, map_kinds(released, state.records), strict=True))  # two kinds at a time
    truth = {kind: table["resident"].astype(np.int32, copy=False) for kind, table in state.records.items()}
    codes = {kind: table["token"].astype(np.int64, copy=False) for kind, table in state.records.items()
             if kind in state.pending}
    identified = {kind for kind, table in state.records.items() if n_rows(table) and table["named"].any()}
    return Release(records=records, record_truth=truth, aggregates=dict(state.aggregates), identified=identified,
                   readable={party: list(kinds) for party, kinds in state.readable.items()}, units=state.units,
                   time_bin_minutes=state.time_bin_minutes, horizon_minutes=horizon_minutes,
                   audit=_audit_frame(state), noised=dict(state.noised), pseudonym_codes=codes, records_key=key)


def _audit_frame(state: ReleaseState) -> pd.DataFrame:
    """Return the audit rows of a state as a table."""
    return pd.DataFrame(list(state.audit), columns=list(AUDIT_COLUMNS))


def apply_controls(world: World, log: ObservationLog, config: ScenarioConfig,
                   on_records: Callable[[Release], None] | None = None) -> Release:
    """Stage 3: apply the privacy controls of ``config`` to the observation log.

    Args:
        world: Stage 1 output; only the city, the operator's registers (cards, meters, plates) and, for physical
            opt-out, which resident carries each phone are read.
        log: Stage 2 output.
        config: The scenario (``config.controls`` and the seed).
        on_records: Called, while the aggregates are still being made, with a release that holds everything of
            the final one but the aggregates and the later controls' audit: its record datasets are the final
            ones, so the attacks on them can start (``simulation.metrics.assess.start_attacks``). Not called
            when only aggregates are released or when the state that follows is remembered.

    Returns:
        The datasets as kept and shared, with the audit of every control.
    """
    horizon, key = config.world.days * 1440, records_key(config)
    early: list[tuple[dict, Release]] = []

    def announce(state: ReleaseState) -> None:
        early.append((state.records, to_release(state, horizon, key)))
        on_records(early[-1][1])

    state = run_controls(world, log, config, announce if on_records is not None else None)
    reusable = [release for records, release in early if records is state.records]
    return to_release(state, horizon, key, reusable[0] if reusable else None)
