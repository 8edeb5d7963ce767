"""The output of stage 2: the observation log, one row per detection, in columns.

Columns of ``ObservationLog.records`` (see ``RECORD_SCHEMA``):
    slot (int32): the slot of the detection.
    sensor (int32): index of the device in ``ObservationLog.sensors``.
    kind (category over SENSOR_KINDS): the sensor kind.
    zone (int32): the zone the device stands in.
    token (int64): what the device really captured: device address, plate, card number, face template, meter
        id; NO_TOKEN (-1) for kinds without an identifier.
    value (float32): a reading where the kind has one (kWh for smart_meter, count for people_counter, pollutant
        index for env_iot, watchlist match score for cctv with face recognition); NaN otherwise.
    resident (int32): the true resident (NO_RESIDENT if none). Used only for scoring: release estimators and
        attacks never read it.

Columns of ``ObservationLog.sensors``: sensor (int, the index), name (deployment name), kind, zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulation.scenario import SENSOR_KINDS

RECORD_SCHEMA = pa.schema(
    [
        ("slot", pa.int32()),
        ("sensor", pa.int32()),
        ("kind", pa.dictionary(pa.int8(), pa.string())),
        ("zone", pa.int32()),
        ("token", pa.int64()),
        ("value", pa.float32()),
        ("resident", pa.int32()),
    ]
)
RECORD_COLUMNS: tuple[str, ...] = tuple(RECORD_SCHEMA.names)
KIND_DTYPE = pd.CategoricalDtype(list(SENSOR_KINDS))


@dataclass(frozen=True, eq=False)
class ObservationLog:
    """What the sensors recorded.

    Attributes:
        records: One row per detection, columns as in the module docstring, sorted by (slot, sensor).
        sensors: One row per device.
        slot_minutes: Length of one slot in minutes.
        watchlist: Resident ids on the face-recognition watchlist (truth; empty without face recognition).
    """

    records: pd.DataFrame
    sensors: pd.DataFrame
    slot_minutes: int
    watchlist: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))

    def of_kind(self, kind: str) -> pd.DataFrame:
        """Return the records of one sensor kind."""
        return self.records[self.records["kind"] == kind]

    def detections_per_kind(self) -> pd.Series:
        """Return the number of records of each sensor kind (every kind, zero if absent)."""
        return self.records["kind"].value_counts().reindex(list(SENSOR_KINDS), fill_value=0)

    def to_parquet(self, path: str | Path) -> None:
        """Write the records as a Parquet file (with the truth column; it is the analyst's own run)."""
        table = pa.Table.from_pandas(self.records[list(RECORD_COLUMNS)], schema=RECORD_SCHEMA,
                                     preserve_index=False)
        pq.write_table(table, path)


def empty_records() -> pd.DataFrame:
    """Return an empty records frame with the right dtypes."""
    return RECORD_SCHEMA.empty_table().to_pandas().astype({"kind": KIND_DTYPE})
