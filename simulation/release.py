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
    cell is released with Laplace noise (counts may be negative), smart-meter values are a noisy sum of clipped
    readings over the noisy count, other people-counting kinds' values are withheld (NaN), then cells below k are
    removed. ``noised`` says, per table, how (scales, bound, share of contributions kept) and at what privacy
    loss per person; ``epsilon_total`` adds the losses up (basic composition). Method:
    ``simulation.controls.pipeline`` and ``simulation.controls.differential_privacy``.

``identified`` names the record datasets whose pseudonym is a direct identifier (a raw plate, a named card, a
face template): linking a trace to one of these names a person.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

AUDIT_COLUMNS: tuple[str, ...] = (
    "order", "control", "dataset", "rows_in", "rows_out", "cells_suppressed", "noise_scale",
    "contributions_clipped", "note",
)


@dataclass(frozen=True)
class NoisedTable:
    """How differential privacy noised one aggregate table, and the privacy loss it costs one person.

    Attributes:
        kind: The table's sensor kind.
        epsilon: The person-level epsilon this table costs: the sum, over its noised statistics (counts, sums of
            readings, the count of contributions dropped by bounding), of each one's budget times
            ``max(1, what one person adds at worst / what the statistic's noise was calibrated for)``. It equals
            ``budget`` when every person is bounded by construction (``formal``).
        budget: The scenario's epsilon for one table, split between its statistics.
        count_scale: Laplace scale of every count.
        reading_scale: Laplace scale of every cell's sum of readings (0 if the table's readings are not noised).
        dropped_scale: Laplace scale of the count of contributions dropped by bounding (0 if nothing is bounded).
        max_contributions: m, the contributions each raw identifier keeps over the whole horizon.
        bounded: Whether the curator bounded contributions (per raw identifier, at capture).
        formal: Whether ``epsilon`` is a guarantee (every contribution carried an identifier and no resident held
            two) rather than the loss implied by the largest contribution observed.
        worst_contribution: The most one resident adds to the table's counts after bounding (the truth, for the
            accounting only; for counts that name nobody, the most the public sampling plan allows).
        identifiers_per_person: The most raw identifiers one resident holds in the table.
        kept_total: Sum of every released noisy count of the domain, before k-suppression (post-processing).
        dropped: The noisy count of contributions dropped by bounding (each identifier's capped at ``cap``).
        cap: The most dropped contributions of one identifier counted in ``dropped`` (0 if nothing is bounded).
    """

    kind: str
    epsilon: float
    budget: float
    count_scale: float
    reading_scale: float
    dropped_scale: float
    max_contributions: int
    bounded: bool
    formal: bool
    worst_contribution: float
    identifiers_per_person: int
    kept_total: float
    dropped: float
    cap: int

    @property
    def kept_share(self) -> float:
        """Return the estimated share of contributions the bound kept, from released numbers only.

        ``kept_total / (kept_total + dropped)``, kept between ``max_contributions / (max_contributions + cap)``
        (an identifier keeps at least m of at most m + cap contributions counted) and 1. Estimators divide the
        noisy counts by it to correct the bias bounding causes.
        """
        if not self.bounded or self.kept_total <= 0 or not math.isfinite(self.dropped):
            return 1.0
        share = self.kept_total / (self.kept_total + max(self.dropped, 0.0))
        floor = self.max_contributions / (self.max_contributions + self.cap)
        return float(min(1.0, max(share, floor)))


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
        noised: Per aggregate table noised by differential privacy, how and at what privacy loss (empty when off).
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
    noised: dict[str, NoisedTable] = field(default_factory=dict)
    pseudonym_codes: dict[str, np.ndarray] = field(default_factory=dict)
    records_key: str | None = None

    @property
    def epsilon_total(self) -> float:
        """Return the privacy loss of the whole release for one person: the tables' epsilons added up.

        Basic composition (Dwork and Roth 2014, Theorem 3.16): the epsilons of every noised statistic a person
        contributes to add up. 0 when no table was noised, which means no guarantee at all, not a perfect one
        (``has_guarantee``).
        """
        return float(sum(table.epsilon for table in self.noised.values()))

    @property
    def has_guarantee(self) -> bool:
        """Return whether differential privacy bounds what the aggregates reveal (some table was noised)."""
        return bool(self.noised)

    def noised_frame(self) -> pd.DataFrame:
        """Return one row per noised table with every field of :class:`NoisedTable` and its kept share."""
        rows = [{**asdict(table), "kept_share": table.kept_share} for table in self.noised.values()]
        columns = [*NoisedTable.__dataclass_fields__, "kept_share"]
        return pd.DataFrame(rows, columns=columns)

    def visible_to(self, party: str) -> dict[str, pd.DataFrame]:
        """Return the record datasets a party may read."""
        return {kind: frame for kind, frame in self.records.items() if kind in self.readable.get(party, [])}
