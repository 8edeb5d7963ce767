"""The only place that runs the pipeline for the UI: the presets, the four stages cached, and admission.

Caching, per stage: each stage's output is held by the process's :class:`dashboard.stage_cache.StageCache` under
``stage_key(config, n)``, the digest of exactly the scenario sections stages 1..n depend on. Moving a control
changes only the keys of stages 3 and 4, so only those rerun; every session shares the cached worlds and logs. The
cache is bounded by bytes and drops what nobody used for a while. Cached objects are shared between sessions and
must never be mutated: callers read them only.

Admission (:mod:`dashboard.admission`): a scenario this server does not run (a city that is not one of the
session's choices, places its city lacks, more resident-days or memory than the limits) is refused when it is
loaded, with the reason; runs that must simulate queue, one large run at a time, and waiting sessions see their
place.

The session's own state (its scenario, history and link) is :mod:`dashboard.state`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import cities, frames, settings
from dashboard.admission import Gate, Limits, RefusedError, RunQueue, scale_problems
from dashboard.server_memory import start_janitor
from dashboard.settings import scale_overrides
from dashboard.stage_cache import StageCache
from simulation import pipeline
from simulation.observations import ObservationLog
from simulation.presets import DEFAULT_PRESET, PresetInfo, list_presets, load_preset
from simulation.release import Release
from simulation.runnable import runnable_problems
from simulation.scenario import ScenarioConfig
from simulation.world import World
from simulation.world.city import CityError
from simulation.world.city_source import load_city

STAGE_CALLS: Counter[str] = Counter()
"""How many times each stage really ran in this process (cache misses); read by tests and benchmarks."""
STAGE_SECONDS: Counter[str] = Counter()
"""Seconds spent in each stage in this process (cache misses only); read by benchmarks."""


# ---------------------------------------------------------------- presets


@st.cache_resource(show_spinner=False)
def presets() -> dict[str, PresetInfo]:
    """Return the presets by name, in the order the simulation lists them."""
    return {info.name: info for info in list_presets()}


@st.cache_resource(show_spinner=False)
def preset_config(name: str) -> ScenarioConfig:
    """Return a preset's scenario, shrunk by :func:`scale_overrides` if the environment asks for it."""
    config = load_preset(name)
    overrides = scale_overrides()
    if not overrides:
        return config
    data = config.model_dump(mode="json")
    for section, values in overrides.items():
        data[section].update(values)
    return ScenarioConfig.model_validate(data)


def default_preset() -> str:
    """Return the name of the preset the app opens on."""
    return DEFAULT_PRESET if DEFAULT_PRESET in presets() else next(iter(presets()))


# ---------------------------------------------------------------- the four stages, cached


@contextmanager
def _timed(stage: str) -> Iterator[None]:
    STAGE_CALLS[stage] += 1
    start = time.perf_counter()
    try:
        yield
    finally:
        STAGE_SECONDS[stage] += time.perf_counter() - start


SUMMARY_BYTES = 64 * 2**20
"""Budget of the small results kept per scenario (outcomes, population by hour): thousands of scenarios."""
SUMMARY_IDLE_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class Server:
    """What every session of this process shares: the limits, the stage outputs and the run queues."""

    limits: Limits
    stages: StageCache
    summaries: StageCache
    gate: Gate


@st.cache_resource(show_spinner=False)
def server() -> Server:
    """Return this process's limits, stage cache and queues (made once; the cache's janitor thread starts then).

    The default preset's outputs are pinned: every new visitor opens it, so it stays while the server is idle.
    """
    limits = settings.limits()
    stages = StageCache(limits.cache_bytes, limits.idle_seconds)
    gate = Gate(limits)
    start_janitor(stages, every_seconds=max(1.0, min(10.0, limits.idle_seconds / 4)), quiet=gate.quiet)
    for stage in range(1, 5):
        stages.pin(pipeline.stage_key(preset_config(default_preset()), stage))
    summaries = StageCache(SUMMARY_BYTES, idle_seconds=SUMMARY_IDLE_SECONDS)  # outcomes and small frames
    return Server(limits, stages, summaries, gate)


def _queue_note(queue: RunQueue) -> tuple[Callable[[int], None], Callable[[], None]]:
    """Return a callback showing a waiting run's place in a queue, and one clearing it."""
    shown: list = []
    at_once = "one large simulation" if queue.at_once == 1 else f"{queue.at_once} {queue.name}s"

    def show(position: int) -> None:
        if not shown:
            shown.append(st.empty())
        ahead = "the next to run" if position == 1 else f"number {position} in the queue"
        shown[0].info(f"This server runs {at_once} at a time: yours is {ahead}. It starts by itself; keep this "
                      "page open.", icon=":material/hourglass_top:")

    return show, lambda: shown and shown[0].empty()


def _stage(config: ScenarioConfig, stage: int, name: str, spinner: str, compute: Callable[[], object]) -> object:
    """Return a stage's output from the shared cache, computing it in its queue's turn if missing."""
    shared = server()

    def queued() -> object:
        queue = shared.gate.queue_for(config, world_ready=stage >= 3)
        show, clear = _queue_note(queue)
        with queue.slot(on_wait=show):
            clear()
            with st.spinner(spinner), _timed(name):
                return compute()

    parent = pipeline.stage_key(config, stage - 1) if stage > 1 else None
    return shared.stages.get(pipeline.stage_key(config, stage), queued, parent)


def world_of(config: ScenarioConfig) -> World:
    """Return stage 1's output for a scenario (cached, shared: do not mutate)."""
    city = cities.city_of(config)
    return _stage(config, 1, "world", "Simulating a week of the city's residents...",
                  lambda: pipeline.build_world(config, city=city))


def log_of(config: ScenarioConfig, world: World | None = None) -> ObservationLog:
    """Return stage 2's output for a scenario (cached, shared: do not mutate)."""
    world = world or world_of(config)
    return _stage(config, 2, "observe", "Placing the sensors and recording what they see...",
                  lambda: pipeline.observe(world, config))


def release_of(config: ScenarioConfig, world: World | None = None, log: ObservationLog | None = None) -> Release:
    """Return stage 3's output for a scenario (cached, shared: do not mutate)."""
    world = world or world_of(config)
    log = log or log_of(config, world)
    # the assessment follows: its attacks start now, on a background thread
    return _stage(config, 3, "release", "Applying the privacy controls...",
                  lambda: pipeline.release_attacked_ahead(world, log, config))


def scenario_problems(config: ScenarioConfig) -> list[str]:
    """Return why this server will not run a valid scenario for this session (empty when it will).

    The city must be one of this session's choices (:func:`dashboard.cities.city_problems`: decided on the name
    alone, no file is touched), the scenario must be runnable in that city
    (:func:`simulation.runnable.runnable_problems`: districts and zones that exist), and it must be within the
    server's limits (:func:`dashboard.admission.scale_problems`: resident-days and estimated memory).
    """
    problems = cities.city_problems(config)
    if problems:
        return problems
    try:
        city = cities.city_of(config) or load_city(config.world, config.seed)
    except CityError as error:
        return [f"world.city: {error}"]
    return runnable_problems(config, city) or scale_problems(config, city, server().limits)


def _check_scale(config: ScenarioConfig) -> None:
    """Refuse, before anything is computed, a run this server does not do (raises RefusedError)."""
    if server().stages.contains(pipeline.stage_key(config, 2)):
        return  # its world and log exist: it was admitted before
    problems = scenario_problems(config)
    if problems:
        raise RefusedError(problems)


def run_scenario(config: ScenarioConfig) -> pipeline.RunResult:
    """Return a scenario's run, computing only the stages whose outputs are not kept yet.

    A run whose world and log are not kept is checked first (:func:`scenario_problems`), then waits for its turn
    in the server's queues (:mod:`dashboard.admission`); waiting sessions see their place.

    Raises:
        RefusedError: This server does not run this scenario, or too many runs are waiting.
    """
    _check_scale(config)
    world = world_of(config)
    log = log_of(config, world)
    release = release_of(config, world, log)
    assessment = _stage(config, 4, "assess", "Measuring utility and risk...",
                        lambda: pipeline.assess(world, log, release, config))
    return pipeline.RunResult(config=config, world=world, log=log, release=release, assessment=assessment)


def population_of(config: ScenarioConfig) -> pd.DataFrame:
    """Return :func:`dashboard.frames.population_by_hour` of a scenario's world (kept per world, a copy)."""
    key = "population:" + pipeline.stage_key(config, 1)
    return server().summaries.get(key, lambda: frames.population_by_hour(world_of(config))).copy()


def outcomes_of(config: ScenarioConfig) -> dict[str, float]:
    """Return a scenario's outcomes; kept far longer than the stage outputs, which are large."""
    key = "outcomes:" + pipeline.stage_key(config, 4)
    return dict(server().summaries.get(key, lambda: run_scenario(config).outcomes))


def preset_outcomes(last: str | None = None) -> dict[str, dict[str, float]]:
    """Return every preset's outcomes (each preset run once per process, then cached), in the presets' order.

    Args:
        last: The preset to run last (the session's reference): the stage-3 states remembered for quick control
            changes (:mod:`simulation.controls.state_memo`, the last two scenarios) are then its own when a
            session opens on it.
    """
    names = list(presets())
    outcomes = {name: outcomes_of(preset_config(name)) for name in sorted(names, key=lambda n: n == last)}
    return {name: outcomes[name] for name in names}


@st.cache_resource(max_entries=512, show_spinner=False)
def _figure(name: str, key: str, _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def shared_figure(name: str, key: str, build: Callable[[], go.Figure]) -> go.Figure:
    """Return a figure built once per (name, key) and shared by every session (never mutate it).

    Building a plotly figure costs tens of milliseconds of pure Python; with many sessions opening the same
    scenario, building each chart once is what keeps the time to first chart low.

    Args:
        name: Which chart.
        key: Text that changes whenever the chart's data does (e.g. the JSON of its frame).
        build: Makes the figure on a cache miss.
    """
    return _figure(name, key, build)
