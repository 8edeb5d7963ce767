"""The four stages, each a pure function of its inputs and the scenario's seed.

| stage | function | reruns when |
|---|---|---|
| 1. world | ``build_world(config)`` | world, population or seed change |
| 2. observe | ``observe(world, config)`` | a sensor changes |
| 3. release | ``apply_controls(world, log, config)`` | a control changes |
| 4. assess | ``assess(world, log, release, config)`` | the adversary or the weights change |

``stage_key(config, stage)`` hashes exactly the parts of the scenario a stage depends on, so a cache keyed on it
(the dashboard's, a sweep's) reruns only the stages that changed.

Stages 3 and 4 overlap when a run goes on to assess: ``release_attacked_ahead`` starts stage 4's attacks on a
background thread as soon as the record datasets are final, while stage 3 still makes the aggregates (which the
attacks never read); ``assess`` then collects them. The outputs are the same as one stage after the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from simulation.controls.pipeline import apply_controls
from simulation.metrics.assess import Assessment, assess, start_attacks
from simulation.observations import ObservationLog
from simulation.release import Release
from simulation.results import results_row
from simulation.scenario import ScenarioConfig
from simulation.sensors import observe
from simulation.world import World
from simulation.world.model import build_world

__all__ = ["RunResult", "apply_controls", "assess", "build_world", "observe", "release_attacked_ahead", "run",
           "stage_key"]

STAGE_SECTIONS: dict[int, tuple[str, ...]] = {
    1: ("seed", "world", "population"),
    2: ("sensors",),
    3: ("controls",),
    4: ("adversary", "utility_weights"),
}


def stage_key(config: ScenarioConfig, stage: int) -> str:
    """Return a digest of every scenario section that stages 1..``stage`` depend on.

    Args:
        config: The scenario.
        stage: 1 (world), 2 (observe), 3 (release) or 4 (assess).

    Returns:
        A hex digest, equal for two scenarios exactly when the stage's inputs are equal.
    """
    if stage not in STAGE_SECTIONS:
        raise ValueError(f"stage must be one of 1, 2, 3, 4; got {stage!r}")
    data = config.model_dump(mode="json")
    data["population"].pop("real_population", None)  # read by the extrapolation only, never by a stage
    sections = [name for s in range(1, stage + 1) for name in STAGE_SECTIONS[s]]
    text = json.dumps({name: data[name] for name in sections}, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def release_attacked_ahead(world: World, log: ObservationLog, config: ScenarioConfig) -> Release:
    """Return stage 3's output, with stage 4's attacks on its records started on a background thread.

    For a caller that assesses the release next: ``assess`` waits for those attacks instead of running them.
    """
    return apply_controls(world, log, config,
                          on_records=lambda release: start_attacks(world, log, release, config))


@dataclass(eq=False)
class RunResult:
    """Everything one run produced.

    Attributes:
        config: The scenario that was run.
        world: Stage 1 output (the truth).
        log: Stage 2 output.
        release: Stage 3 output.
        assessment: Stage 4 output.
    """

    config: ScenarioConfig
    world: World
    log: ObservationLog
    release: Release
    assessment: Assessment

    def row(self, replicate: int = 0) -> pd.Series:
        """Return the tidy results row of this run."""
        return results_row(self.config, self.assessment, replicate=replicate, log=self.log)

    @property
    def outcomes(self) -> dict[str, float]:
        """Return every ``utility_*`` and ``risk_*`` outcome."""
        return dict(self.assessment.outcomes)


def run(config: ScenarioConfig, progress: bool = False,
        on_log: Callable[[World, ObservationLog], None] | None = None) -> RunResult:
    """Run the four stages of one scenario.

    Args:
        config: A validated scenario.
        progress: Show a progress bar on stage 1 (for the command line).
        on_log: Called with the world and the observation log as soon as stage 2 has made them (the command line
            starts writing the log there, while stages 3 and 4 run).

    Returns:
        The outputs of every stage.
    """
    world = build_world(config, progress=progress)
    log = observe(world, config)
    if on_log is not None:
        on_log(world, log)
    release = release_attacked_ahead(world, log, config)
    assessment = assess(world, log, release, config)
    return RunResult(config=config, world=world, log=log, release=release, assessment=assessment)
