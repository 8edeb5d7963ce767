"""Home/work anonymity sets: how many residents share a resident's (home, work) pair at a granularity.

Definition (Golle and Partridge 2009, "On the anonymity of home/work location pairs"): for every working
resident (a work or school zone), the anonymity set is the number of working residents whose home lies in the
same unit as theirs and whose work lies in the same unit as theirs. The paper finds a median of 1 at census
blocks (most people unique), 21 at tracts and 34,980 at counties, for the US working population.
Units here: zones (250 m, about a city block), blocks of 2 x 2 and 4 x 4 zones, and districts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.validity.evidence import Evidence
from simulation.validity.fact import Fact
from simulation.validity.unicity import block_of_zone

FAMILY = "anonymity"


def _units(evidence: Evidence) -> dict[str, np.ndarray]:
    """Return zone -> unit codes of every granularity, finest first."""
    codes, _ = evidence.world.city.zone_district_codes()
    return {"zone": np.arange(evidence.world.city.n_zones), "2x2 zones": block_of_zone(evidence, 2),
            "4x4 zones": block_of_zone(evidence, 4), "district": codes.astype(np.int64)}


def anonymity_sets(evidence: Evidence) -> pd.DataFrame:
    """Return, per granularity, the median anonymity set and the share of working residents who are unique."""
    residents = evidence.world.residents
    work = residents["work_zone"].to_numpy(np.int64)
    home = residents["home_zone"].to_numpy(np.int64)
    working = work >= 0
    rows = []
    for name, unit in _units(evidence).items():
        n_units = int(unit.max()) + 1
        key = unit[home[working]] * n_units + unit[work[working]]
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        size = counts[inverse]
        rows.append({"granularity": name, "zones_per_unit": evidence.world.city.n_zones / n_units,
                     "median": float(np.median(size)) if len(size) else float("nan"),
                     "unique": float(np.mean(size == 1)) if len(size) else float("nan")})
    return pd.DataFrame(rows)


def home_work_anonymity(evidence: Evidence) -> Fact:
    """Median home/work anonymity set at the finest grain (zones, about a census block).

    Definition: the module docstring. Source: Golle and Partridge 2009, median 1 at census blocks.
    Tolerance: exactly 1.
    """
    table = anonymity_sets(evidence)
    finest = table.iloc[0]
    curve = pd.DataFrame({"x": table["zones_per_unit"], "ours": table["median"], "label": table["granularity"]})
    curve.attrs.update(x_title="zones per unit", y_title="median anonymity set (residents)", log_x=True,
                       log_y=True)
    return Fact("home_work_anonymity", FAMILY, "Home/work pair: median anonymity set at zone grain",
                "1 at census blocks (21 at tracts)", "Golle and Partridge 2009", 1.0, 1.0, float(finest["median"]),
                "residents",
                f"{finest['unique']:.1%} unique at zones; medians "
                + ", ".join(f"{r.median:g} at {r.granularity}" for r in table.itertuples()), curve=curve)


FACTS = (home_work_anonymity,)
"""The facts of this family."""
