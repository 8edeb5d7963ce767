"""The city: a raster of zones with land uses, districts, arterial roads and transit lines.

CONTRACT (filled in by the world work): generation from a seed, loading a zone table (CSV/GeoJSON), routing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True, eq=False)
class City:
    """A city on a raster of square zones.

    Attributes:
        zones: One row per zone, index = zone id 0..n-1 (row-major: id = y * width + x). Columns: ``x``, ``y``
            (int grid position), ``land_use`` (str, one of codes.LAND_USES), ``district`` (str), ``road`` (bool:
            an arterial road runs through it), ``station`` (bool: a transit station stands in it).
        width: Zones per row.
        height: Zones per column.
        zone_size_m: Side of a zone in metres.
        transit_lines: Each line as the ordered tuple of the zones it runs through (stations among them).
        name: A label for charts and reports.
    """

    zones: pd.DataFrame
    width: int
    height: int
    zone_size_m: float
    transit_lines: tuple[tuple[int, ...], ...]
    name: str = "city"

    @property
    def n_zones(self) -> int:
        """Number of zones."""
        return len(self.zones)

    def districts(self) -> list[str]:
        """Return the district names, sorted."""
        return sorted(self.zones["district"].unique())

    def zone_district_codes(self) -> tuple[np.ndarray, list[str]]:
        """Return each zone's district as an integer code, and the names the codes index."""
        names = self.districts()
        lookup = {name: code for code, name in enumerate(names)}
        return self.zones["district"].map(lookup).to_numpy(np.int32), names
