"""The columns a sensor deployment records, and their merge into one observation log sorted by (slot, sensor)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.codes import NO_RESIDENT, NO_TOKEN
from simulation.observations import KIND_DTYPE, RECORD_COLUMNS

SCATTER_SLICE = 1 << 20
"""Records merged at a time: small temporaries are reused by the allocator instead of mapped afresh."""


@dataclass(frozen=True)
class Detections:
    """A sensor's records as columns, before they get a kind and a device zone.

    Attributes:
        slot: int32 slot of each record.
        device: int32 index of the device within its deployment (position in the placed zones).
        token: int64 identifier captured (NO_TOKEN if none).
        value: float32 reading (NaN if none).
        resident: int32 true resident (NO_RESIDENT if none).
    """

    slot: np.ndarray
    device: np.ndarray
    token: np.ndarray
    value: np.ndarray
    resident: np.ndarray

    def __len__(self) -> int:
        return len(self.slot)

    def select(self, keep: np.ndarray) -> Detections:
        """Return the records where ``keep`` (a boolean mask or an index array) selects them."""
        return Detections(self.slot[keep], self.device[keep], self.token[keep], self.value[keep],
                          self.resident[keep])

    @staticmethod
    def build(slot: np.ndarray, device: np.ndarray, token: np.ndarray | int = NO_TOKEN,
              value: np.ndarray | float = np.nan, resident: np.ndarray | int = NO_RESIDENT) -> Detections:
        """Return detections with the schema's dtypes; scalars are broadcast to every record."""
        n = len(slot)

        def column(values: np.ndarray | float, dtype: type) -> np.ndarray:
            return np.full(n, values, dtype=dtype) if np.ndim(values) == 0 else np.asarray(values, dtype=dtype)

        return Detections(column(slot, np.int32), column(device, np.int32), column(token, np.int64),
                          column(value, np.float32), column(resident, np.int32))

    @staticmethod
    def concat(parts: list[Detections]) -> Detections:
        """Return the records of every part, in order."""
        if not parts:
            return Detections.build(np.empty(0, np.int32), np.empty(0, np.int32))
        if len(parts) == 1:
            return parts[0]
        return Detections(*(np.concatenate([getattr(p, name) for p in parts])
                            for name in ("slot", "device", "token", "value", "resident")))


def assemble(chunks: list[Detections], kinds: list[str], first: np.ndarray, zones: np.ndarray,
             n_slots: int) -> pd.DataFrame:
    """Return the records of every deployment in one frame sorted by (slot, sensor).

    Each deployment's records are already sorted by (slot, device), so the merge is a scatter: a record's place is
    the start of its (slot, deployment) block plus its rank within it (no global sort).

    Args:
        chunks: Each deployment's detections, sorted by (slot, device); device = position within the deployment.
            The list is consumed: each entry is emptied once merged.
        kinds: Each deployment's kind.
        first: Index of each deployment's first device in the devices table.
        zones: Zone of every device in the devices table.
        n_slots: Number of slots in the horizon.
    """
    counts = np.array([np.bincount(c.slot, minlength=n_slots) for c in chunks]).reshape(len(chunks), n_slots)
    block_start = (np.cumsum(counts.T.ravel()) - counts.T.ravel()).reshape(n_slots, len(chunks))
    total = int(counts.sum())
    columns = {name: np.empty(total, dtype=dtype) for name, dtype in (
        ("slot", np.int32), ("sensor", np.int32), ("kind", np.int8), ("zone", np.int32), ("token", np.int64),
        ("value", np.float32), ("resident", np.int32))}
    categories = list(KIND_DTYPE.categories)
    for d, chunk in enumerate(chunks):
        shift = (block_start[:, d] - (np.cumsum(counts[d]) - counts[d])).astype(np.int64)
        code = categories.index(kinds[d])
        for lo in range(0, len(chunk), SCATTER_SLICE):  # slices keep temporaries small enough to reuse memory
            part = slice(lo, lo + SCATTER_SLICE)
            slot = chunk.slot[part]
            place = shift[slot] + np.arange(lo, lo + len(slot))
            sensor = chunk.device[part] + np.int32(first[d])
            columns["slot"][place] = slot
            columns["sensor"][place] = sensor
            columns["kind"][place] = code
            columns["zone"][place] = zones[sensor]
            columns["token"][place] = chunk.token[part]
            columns["value"][place] = chunk.value[part]
            columns["resident"][place] = chunk.resident[part]
        chunks[d] = Detections.concat([])  # free each deployment's columns once merged (lower peak memory)
    columns["kind"] = pd.Categorical.from_codes(columns["kind"], dtype=KIND_DTYPE)
    return pd.DataFrame({name: columns[name] for name in RECORD_COLUMNS}, copy=False)
