"""Sweeps: levers x uncertainties x replicates, on a local process pool or a Dask cluster.

A sweep spec (YAML, see ``scenarios/sweeps/``)::

    base: gdpr_baseline            # a preset name or a scenario file
    replicates: 2                  # seeds base.seed, base.seed + 1, ...
    levers:                        # dotted paths into the scenario -> values to try
      controls.pseudonymisation.rotation: [never, daily, hourly]
    uncertainties:
      adversary.known_points: [2, 4]
    overrides:                     # applied to every run (e.g. a smaller population for a quick sweep)
      population.residents: 1000

Every combination is run (full factorial), one task per run (:mod:`simulation.engine`). Each process builds the
world and the observation log once for all the runs that share them (same world and sensors, only controls or
adversary differ), so two workers share out even a sweep over controls alone.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import pandas as pd
from pydantic import Field

from simulation.scenario import ScenarioConfig, StrictModel

Value = str | int | float | bool


class SweepSpec(StrictModel):
    """A sweep: a base scenario, the levers and uncertainties to vary, and replicates."""

    base: str = Field(title="Base scenario", description="A preset name or the path of a scenario file.")
    replicates: int = Field(1, ge=1, le=1000, title="Replicates (seeds per combination)")
    levers: dict[str, list[Value]] = Field(default_factory=dict, title="Levers")
    uncertainties: dict[str, list[Value]] = Field(default_factory=dict, title="Uncertainties")
    overrides: dict[str, Value] = Field(default_factory=dict, title="Overrides for every run")


def set_path(data: dict, path: str, value: Any) -> None:
    """Set a dotted path (``controls.k_suppression.k``) in a nested dict; list items by index (``sensors.0.x``).

    Raises:
        KeyError: If a part of the path does not exist (the message names it and lists what exists there).
    """
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(f"{path}: {'.'.join(parts[:depth]) or 'scenario'} has items 0..{len(node) - 1}")
            key: Any = int(part)
        elif not isinstance(node, dict):
            where = ".".join(parts[:depth])
            raise KeyError(f"{path}: {where} is a single value, not a section with fields")
        else:
            if part not in node:
                where = ".".join(parts[:depth]) or "scenario"
                raise KeyError(f"{path}: {where} has no field {part!r}; it has: {', '.join(map(str, node))}")
            key = part
        if last:
            node[key] = value
        else:
            node = node[key]


def apply_settings(base: ScenarioConfig, settings: dict[str, Any]) -> ScenarioConfig:
    """Return the base scenario with dotted-path settings applied, validated as strictly as a scenario file.

    Raises:
        ScenarioError: A path that does not exist, or values the scenario does not allow (one line each).
    """
    from simulation.scenario_io import ScenarioError, scenario_from_data

    data = base.model_dump(mode="json")
    for path, value in settings.items():
        try:
            set_path(data, path, value)
        except KeyError as error:
            raise ScenarioError([error.args[0]]) from None
    return scenario_from_data(data, "settings")


def expand(spec: SweepSpec, base: ScenarioConfig) -> list[tuple[dict[str, Any], ScenarioConfig]]:
    """Return every (settings, scenario) of the full factorial design, replicates included."""
    names = list(spec.levers) + list(spec.uncertainties)
    values = list(spec.levers.values()) + list(spec.uncertainties.values())
    runs = []
    base = apply_settings(base, spec.overrides)
    for combination in itertools.product(*values) if names else [()]:
        settings = dict(zip(names, combination, strict=True))
        config = apply_settings(base, settings)
        for replicate in range(spec.replicates):
            runs.append(({**settings, "replicate": replicate}, config.with_seed(base.seed + replicate)))
    return runs


def run_sweep(spec: SweepSpec, base: ScenarioConfig, executor: Executor | None = None, workers: int = 2,
              on_done: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Run a sweep and return one tidy row per run, with the varied settings in front.

    Runs go through :func:`simulation.engine.run_many`: one task per run, stages 1-2 built once per process for
    all the runs that share them.

    Args:
        spec: The sweep.
        base: The base scenario.
        executor: Any concurrent.futures executor (e.g. ``dask.distributed.Client(addr).get_executor()``);
            by default a local process pool of ``workers`` processes (1 runs in this process).
        workers: Size of the default process pool.
        on_done: Called with the number of runs finished (1) after each run (for a progress bar).

    Returns:
        The results table, in the order of the design.
    """
    from simulation.engine import run_many

    runs = expand(spec, base)
    rows = run_many([(config, settings["replicate"]) for settings, config in runs], executor=executor,
                    workers=workers, on_done=on_done)
    return pd.DataFrame([{**{setting_column(k): v for k, v in settings.items()}, **row}
                         for (settings, _), row in zip(runs, rows, strict=True)])


def setting_column(path: str) -> str:
    """Return the results-table column of a swept setting (``utility_weights.x`` is ``weights.x`` there)."""
    from simulation.results import COLUMN_PREFIX

    section, dot, rest = path.partition(".")
    return f"{COLUMN_PREFIX.get(section, section)}{dot}{rest}"


def load_sweep(text: str) -> SweepSpec:
    """Parse a sweep spec from YAML text (validated; errors name the field and what is allowed)."""
    from simulation.scenario_io import ScenarioError, readable_problems
    from simulation.scenario_yaml import read_yaml

    data = read_yaml(text, "sweep file")  # refuses alias bombs, deep nesting and huge files
    if not isinstance(data, dict):
        raise ScenarioError(["a sweep file must be a mapping with base, levers, uncertainties, replicates"])
    try:
        return SweepSpec.model_validate_json(json.dumps(data), strict=True)  # as strict as scenario files
    except ValueError as error:
        raise ScenarioError([f"sweep file: {problem}" for problem in readable_problems(error, SweepSpec)]) from None
