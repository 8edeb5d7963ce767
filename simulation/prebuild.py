"""Imported by the local pool's fork server only: builds the stages 1-2 of the scenario it was handed.

:func:`simulation.engine.start_fork_server` puts a scenario (as JSON) in the environment variable
``simulation.engine.PREBUILD_ENV`` and asks the fork server to import this module; the world and the observation
log built here are then in every worker the server forks (``simulation.engine.stages_of`` finds them), shared
copy-on-write. Stages 1-2 start no thread, so the server stays safe to fork. Anything going wrong here only means
the workers build the stages themselves.
"""

from __future__ import annotations

import os

from simulation.engine import PREBUILD_ENV, stages_of
from simulation.scenario import ScenarioConfig


def _prebuild() -> None:
    text = os.environ.get(PREBUILD_ENV)
    if not text:
        return
    try:
        stages_of(ScenarioConfig.model_validate_json(text))
    except Exception:  # noqa: BLE001, S110 - an optimisation only: the workers build the stages themselves
        pass


_prebuild()
