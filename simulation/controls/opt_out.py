"""Opt-out (at capture): residents who make their devices invisible or keep their data coarse.

- ``device_share``: that share of residents have switched their phone's Wi-Fi/Bluetooth off (TfL's opt-out):
  their phones are invisible to ``wifi_bt`` sensors, so those records never exist. This is the one place where the
  true resident of a record is read, because a switched-off phone is a physical fact, not an inference.
- ``anonymous_card_share``: that share of registered transit cards are unregistered by their holders: the
  operator's register no longer names them (the ``named`` flag of their taps stays False).
- ``meter_share``: that share of households let their meter report daily totals only (UK consent tiers): their
  readings of each day collapse into one record at the start of the day carrying the day's sum (appended after
  the other meters' records). The operator knows each meter's tier, so every smart-meter record carries the
  working column ``reading_minutes``: the minutes its reading covers (1440 for a daily total, 0 for one sampling
  interval). It is never released; aggregation reads it to share a daily total out over the day
  (:func:`simulation.controls.aggregation.spread_daily_totals`).

Who opts out is drawn once per person, device or household from the named streams
``stream(seed, "control", "opt_out", "device" | "card" | "meter")``: each draws one uniform number per resident
(phones, cards; in resident order) or per meter (in meter-id order) and opts out those below the share, so a
larger share opts out a superset.
"""

from __future__ import annotations

import numpy as np

from simulation.controls.base import Control, ControlContext, ReleaseState, Table, audit_row, n_rows, take
from simulation.rng import stream

DAY_MINUTES = 1440
"""Minutes covered by the daily total of an opted-out meter."""


def _chosen(seed: int, name: str, n: int, share: float) -> np.ndarray:
    """Return a boolean mask over n items: True for those that opt out."""
    return stream(seed, "control", "opt_out", name).random(n) < share


def invisible_phones(seed: int, n_residents: int, share: float) -> np.ndarray:
    """Return, per resident, whether their phone's Wi-Fi/Bluetooth is off (``device_share``): never captured."""
    return _chosen(seed, "device", n_residents, share)


def member(values: np.ndarray, of: np.ndarray) -> np.ndarray:
    """Return, for each value, whether it is in ``of`` (a binary search in the sorted, usually short, ``of``)."""
    if len(of) == 0:
        return np.zeros(len(values), dtype=bool)
    of = np.sort(of)
    where = np.minimum(np.searchsorted(of, values), len(of) - 1)
    return of[where] == values


def _daily_totals(table: Table, opted_meters: np.ndarray) -> Table:
    """Collapse the opted-out meters' readings into one record per (meter, day), marked in ``reading_minutes``.

    A daily record is the day's first reading with the day's summed value and the day's start as its time; the
    daily records follow the others, in (meter, day) order.

    Args:
        table: The smart meters' records (token: the meter id).
        opted_meters: The ids of the meters that report daily totals only, ascending.
    """
    opted = member(table["token"], opted_meters)
    table = {**table, "reading_minutes": np.zeros(n_rows(table), dtype=np.int16)}
    keep, fold = take(table, ~opted), take(table, opted)
    if n_rows(fold) == 0:
        return table
    day = fold["time"] // DAY_MINUTES
    n_days = int(day.max()) + 1
    meter = np.searchsorted(opted_meters, fold["token"])  # dense codes, ascending as the meter ids are
    key = meter * n_days + day
    values = np.nan_to_num(fold["value"].astype(np.float64, copy=False))
    first = np.full(int(key.max()) + 1, n_rows(fold), dtype=np.int64)
    np.minimum.at(first, key, np.arange(n_rows(fold)))  # each (meter, day)'s earliest row: no sort needed
    present = np.flatnonzero(first < n_rows(fold))
    daily = take(fold, first[present])
    daily["time"] = day[first[present]] * DAY_MINUTES
    daily["value"] = np.bincount(key, weights=values)[present].astype(np.float32)
    daily["reading_minutes"] = np.full(len(present), DAY_MINUTES, dtype=np.int16)
    return {name: np.concatenate([keep[name], daily[name]]) for name in table}


class OptOut(Control):
    """Residents' opt-outs: invisible phones, anonymous cards, daily meter totals."""

    name = "opt_out"
    stage = "capture"

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Drop opted-out phones, unname opted-out cards, fold opted-out meters into daily totals."""
        settings = context.config.controls.opt_out
        residents = context.world.residents
        records, rows = dict(state.records), []
        if "wifi_bt" in records:
            table = records["wifi_bt"]
            invisible = invisible_phones(context.seed, len(residents), settings.device_share)
            who = table["resident"]
            gone = (who >= 0) & invisible[np.clip(who, 0, None)]
            records["wifi_bt"] = take(table, ~gone)
            rows.append(audit_row(self, "wifi_bt", n_rows(table), n_rows(records["wifi_bt"]),
                                  f"{int(invisible.sum())} residents' phones invisible "
                                  f"(device_share={settings.device_share:g})"))
        if "transit_card" in records:
            table = records["transit_card"]
            registered = residents["card_registered"].to_numpy(bool) & (residents["card"].to_numpy() >= 0)
            unregistered = registered & _chosen(context.seed, "card", len(residents), settings.anonymous_card_share)
            named_cards = residents["card"].to_numpy(np.int64)[registered & ~unregistered]
            named = member(table["token"], named_cards)
            records["transit_card"] = {**table, "named": named}
            rows.append(audit_row(self, "transit_card", n_rows(table), n_rows(table),
                                  f"{int(unregistered.sum())} of {int(registered.sum())} registered cards made "
                                  f"anonymous; {int(named.sum())} taps by named cards"))
        if "smart_meter" in records:
            table = records["smart_meter"]
            meters = np.unique(residents["meter"].to_numpy(np.int64))
            meters = meters[meters >= 0]
            opted_meters = meters[_chosen(context.seed, "meter", len(meters), settings.meter_share)]
            records["smart_meter"] = _daily_totals(table, opted_meters)
            rows.append(audit_row(self, "smart_meter", n_rows(table), n_rows(records["smart_meter"]),
                                  f"{len(opted_meters)} of {len(meters)} households report daily totals only"))
        return state.evolve(records=records), rows
