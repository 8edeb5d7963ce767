"""What every metric receives and returns.

Estimators and attacks read ``context.release`` (the released data), the public city and scenario-level public
constants (``context.config``). ``context.world`` and ``context.log`` hold the truth: they are read only to draw
the adversary's background knowledge and to score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulation.observations import ObservationLog
from simulation.release import Release
from simulation.rng import stream
from simulation.scenario import ScenarioConfig
from simulation.world import World


@dataclass(frozen=True, eq=False)
class AssessmentContext:
    """Inputs of stage 4.

    Attributes:
        world: The truth (scoring and adversary knowledge only).
        log: The raw observation log (scoring only).
        release: The released datasets.
        config: The scenario.
    """

    world: World
    log: ObservationLog
    release: Release
    config: ScenarioConfig

    def rng(self, name: str) -> np.random.Generator:
        """Return the random stream of one metric."""
        return stream(self.config.seed, "assess", name)


@dataclass(eq=False)
class MetricResult:
    """One outcome and its breakdown.

    Attributes:
        name: Outcome name, ``utility_*`` (higher is better) or ``risk_*`` (lower is better).
        value: The headline number.
        breakdown: Optional tidy table behind the number (e.g. per dataset, per group).
        extra: Further scalar outcomes named ``utility_*`` / ``risk_*`` (e.g. a count beside a share).
    """

    name: str
    value: float
    breakdown: pd.DataFrame | None = None
    extra: dict[str, float] = field(default_factory=dict)
