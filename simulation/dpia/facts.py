"""The facts about a scenario's processing that the screening flags and the DPIA report read.

Most are read off the scenario (which sensors capture which identifier, where, what is kept and who reads it);
a few come from the run: the share of residents the identifying sensors record (a fact about the processing, from
the observation log) and the measured attack outcomes (``risk_*``: what the data held allow).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulation.observations import ObservationLog
from simulation.scenario import ScenarioConfig

PUBLIC_SPACE_KINDS: tuple[str, ...] = ("cctv", "wifi_bt", "anpr", "transit_card")
"""Sensor kinds that record people in publicly accessible space and capture personal data (images, device
addresses, plates, card numbers); smart meters stand in homes, counters and air sensors record no one."""
PERSONAL_DATA_KINDS: tuple[str, ...] = ("cctv", "wifi_bt", "anpr", "transit_card", "smart_meter")
"""Kinds whose records relate to an identifiable person (camera footage included, even without face recognition)."""


@dataclass(frozen=True)
class ScenarioFacts:
    """What the flags are decided on.

    Attributes:
        config: The scenario.
        outcomes: The run's ``utility_*`` and ``risk_*`` outcomes (empty when screening a scenario not run).
        recorded_share: Share of residents with at least one record in a personal-data dataset that is kept as
            records (not counted at the edge); None when unknown.
    """

    config: ScenarioConfig
    outcomes: dict[str, float] = field(default_factory=dict)
    recorded_share: float | None = None

    def outcome(self, name: str) -> float:
        """Return an outcome, 0 when the run did not measure it (an attack another version may not have)."""
        return float(self.outcomes.get(name, 0.0))

    @property
    def edge_kinds(self) -> set[str]:
        """Return the kinds counted at the sensor (no record leaves it)."""
        return set(self.config.controls.edge_aggregation.kinds)

    def deployed(self, kinds: tuple[str, ...]) -> list[str]:
        """Return the names of the deployments of these kinds whose records are kept (not counted at the edge)."""
        return [s.name for s in self.config.sensors if s.kind in kinds and s.kind not in self.edge_kinds]

    @property
    def kept_kinds(self) -> list[str]:
        """Return the personal-data kinds deployed whose records are kept, in the order of the schema."""
        kinds = {s.kind for s in self.config.sensors}
        return [k for k in PERSONAL_DATA_KINDS if k in kinds and k not in self.edge_kinds]

    @property
    def face_recognition(self) -> list[str]:
        """Return the names of the camera deployments running live facial recognition."""
        return [s.name for s in self.config.sensors if s.kind == "cctv" and s.face_recognition]

    def readers(self, kind: str) -> list[str]:
        """Return the parties that may read a dataset's records."""
        return [party for party, kinds in self.config.controls.access.grants.items() if kind in kinds]

    @property
    def role(self) -> str:
        """Return the adversary's role (whose grants the measured attacks used)."""
        return self.config.adversary.role


_SHARES: weakref.WeakKeyDictionary[ObservationLog, dict[tuple, float]] = weakref.WeakKeyDictionary()
"""Shares already counted per log and kinds kept (a sweep or recommendation asks again for every run)."""


def recorded_share(log: ObservationLog, config: ScenarioConfig) -> float:
    """Return the share of residents recorded at least once by a personal-data sensor whose records are kept."""
    kept = [k for k in PERSONAL_DATA_KINDS if k not in set(config.controls.edge_aggregation.kinds)]
    known = _SHARES.setdefault(log, {})
    key = (tuple(kept), config.population.residents)
    if key not in known:
        known[key] = _share(log, kept, config.population.residents)
    return known[key]


def _share(log: ObservationLog, kept: list[str], n: int) -> float:
    kinds = log.records["kind"]
    if isinstance(kinds.dtype, pd.CategoricalDtype):  # the log's own dtype: a lookup per category, not per row
        wanted = np.append(np.isin(np.asarray(kinds.cat.categories, dtype=str), kept), False)
        mask = wanted[kinds.cat.codes.to_numpy()]
    else:
        mask = kinds.astype(str).isin(kept).to_numpy()
    residents = log.records["resident"].to_numpy()[mask]
    seen = np.bincount(residents[(residents >= 0) & (residents < n)], minlength=n) > 0
    return float(seen.mean()) if n else 0.0


def facts_of(config: ScenarioConfig, outcomes: dict[str, float], log: ObservationLog | None = None) -> ScenarioFacts:
    """Return the facts of a run (``log``: its observation log, for the share of residents recorded)."""
    share = recorded_share(log, config) if log is not None else None
    return ScenarioFacts(config=config, outcomes=dict(outcomes), recorded_share=share)
