"""The output of stage 3: the datasets as they are kept and shared, and an audit of what each control did.

Record-level datasets (``Release.records``), one frame per sensor kind, columns:
    time (int32): start of the released time bin, in minutes from the start of the horizon.
    unit (int32): the released spatial unit (a zone, or a block of zones after generalisation; see ``units``).
    pseudonym (int64): the identifier as released (raw token, or its keyed hash); -1 if none.
    value (float32): the reading, NaN if none.
    epoch (int32): the key epoch of the pseudonym (0 if keys never rotate).
    named (bool): the record names a person by itself: a raw plate (pseudonymisation off; the keeper is
        registered), a raw card registered to its holder (pseudonymisation off, holder not opted out), or a
        face-recognition alert (a face at or above the match threshold, named as the watchlist person it matched,
        rightly or not). Pseudonyms, anonymous cards and deleted templates are never named.
The true resident of each released record is kept apart, in ``record_truth[kind]`` (an int32 array aligned
with the rows), for scoring only. ``pseudonym_codes[kind]`` (where present) numbers each row's (pseudonym, epoch)
pair densely: a relabelling of released columns, carrying no more than they do, that lets the attacks group
records without hashing 64-bit pseudonyms again.

Aggregate datasets (``Release.aggregates``), one frame per sensor kind, columns:
    time (int32), unit (int32), count (float64: people counted, possibly noisy) and, for kinds with readings,
    value (float64: the mean reading of the cell, NaN if none).
    ``count`` is the number of distinct pseudonyms seen in the cell (one per record without identifier; for
    people_counter the sum of its counts; for edge-aggregated kinds the people counted per sampling instant,
    averaged over the bin; for env_iot the number of readings). Aggregates are computed from the records as
    captured, before retention. With differential privacy on, every (time bin, unit with a sensor of the kind)
    cell is released with Laplace noise of scale ``max_contributions / epsilon`` (counts may be negative), then
    cells below k are removed. Method: ``simulation.controls.pipeline``.

``identified`` names the record datasets whose pseudonym is a direct identifier (a raw plate, a named card, a
face template): linking a trace to one of these names a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

AUDIT_COLUMNS: tuple[str, ...] = (
    "order", "control", "dataset", "rows_in", "rows_out", "cells_suppressed", "noise_scale",
    "contributions_clipped", "note",
)


@dataclass(eq=False)
class Release:
    """What the city keeps and shares after every control has been applied.

    Attributes:
        records: Record-level datasets by sensor kind (columns in the module docstring).
        record_truth: For each record dataset, the true resident of every row (scoring only).
        aggregates: Aggregate tables by sensor kind.
        identified: Record datasets whose pseudonyms directly identify a person.
        readable: For each party, the record datasets it may read (from the access policy).
        units: Released spatial unit of every zone (index = zone id).
        time_bin_minutes: Width of released time bins.
        horizon_minutes: Length of the simulated horizon.
        audit: One row per (control, dataset) with the columns of AUDIT_COLUMNS.
        pseudonym_codes: For keyed-hash pseudonyms, an int64 code per row, equal for two rows exactly when their
            (pseudonym, epoch) pairs are equal, numbered in (epoch, key scope, token) order; -1 without a
            pseudonym. Codes need not be contiguous. Absent for raw identifiers.
        records_key: Set by ``apply_controls``: a digest of every scenario setting the record datasets depend on
            (all but the aggregate-only controls and the weights). Two releases of one world and log with equal
            keys hold identical record datasets, so the attacks on them need not be run twice. None for a release
            made by hand; a copy whose records or truth differ must set it to None.
    """

    records: dict[str, pd.DataFrame]
    record_truth: dict[str, np.ndarray]
    aggregates: dict[str, pd.DataFrame]
    identified: set[str]
    readable: dict[str, list[str]]
    units: np.ndarray
    time_bin_minutes: int
    horizon_minutes: int
    audit: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(AUDIT_COLUMNS)))
    pseudonym_codes: dict[str, np.ndarray] = field(default_factory=dict)
    records_key: str | None = None

    def visible_to(self, party: str) -> dict[str, pd.DataFrame]:
        """Return the record datasets a party may read."""
        return {kind: frame for kind, frame in self.records.items() if kind in self.readable.get(party, [])}
