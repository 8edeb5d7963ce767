"""The only place that runs the pipeline for the UI, and the session's scenario state.

Caching, per stage: each stage's output is held by the process's :class:`dashboard.stage_cache.StageCache` under
``stage_key(config, n)``, the digest of exactly the scenario sections stages 1..n depend on. Moving a control
changes only the keys of stages 3 and 4, so only those rerun; every session shares the cached worlds and logs. The
cache is bounded by bytes and drops what nobody used for a while. Cached objects are shared between sessions and
must never be mutated: callers read them only.

Admission (:mod:`dashboard.admission`): a scenario this server does not run (a city that is not one of the
session's choices, places its city lacks, more resident-days or memory than the limits) is refused when it is
loaded, with the reason; runs that must simulate queue, one large run at a time, and waiting sessions see their
place.

Session state (``st.session_state``): the current scenario, the preset it is compared with, where it came from,
the scenarios run so far in this browser session (for the Pareto frontier and the compare page), and the
generation of the controls form (bumped when a whole new scenario is loaded so the form shows its values).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import cities, frames, settings, share
from dashboard.admission import Gate, Limits, RefusedError, RunQueue, scale_problems
from dashboard.safe_text import md, problem_lines
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



@dataclass
class HistoryEntry:
    """A scenario run in this browser session.

    Attributes:
        label: Short name shown in charts ("Run 3: my_scenario").
        config: The scenario.
        outcomes: Its ``utility_*`` and ``risk_*`` outcomes.
    """

    label: str
    config: ScenarioConfig
    outcomes: dict[str, float] = field(default_factory=dict)


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


def preset_outcomes() -> dict[str, dict[str, float]]:
    """Return every preset's outcomes (each preset run once per process, then cached).

    The session's reference preset runs last: the stage-3 states remembered for quick control changes
    (:mod:`simulation.controls.state_memo`, the last two scenarios) are then its own when a session opens on it.
    """
    names = list(presets())
    reference = _session().get("reference")
    outcomes = {name: outcomes_of(preset_config(name)) for name in sorted(names, key=lambda n: n == reference)}
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


# ---------------------------------------------------------------- the session


def _session() -> st.runtime.state.SessionStateProxy:
    return st.session_state


def init_session() -> None:
    """Load the session's first scenario: from the URL's query parameters if any, else the default preset.

    A link that cannot be opened, or whose scenario this server does not run (:func:`scenario_problems`),
    leaves the default preset loaded and its problems in ``link_problems``.
    """
    session = _session()
    if "scenario" in session:
        return
    session["history"] = []
    session["form_epoch"] = 0
    session["link_problems"] = []
    name = default_preset()
    config, source = preset_config(name), f"preset '{name}'"
    if share.PRESET_PARAM in st.query_params:
        try:
            linked_name, linked = share.scenario_from_params(st.query_params.to_dict(), preset_config,
                                                             list(presets()))
        except share.LinkError as error:
            session["link_problems"] = error.problems
        else:
            session["link_problems"] = scenario_problems(linked)
            if not session["link_problems"]:
                name, config, source = linked_name, linked, "a shared link"
    session["reference"] = name
    _load(config, source)


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


def _load(config: ScenarioConfig, source: str) -> None:
    session = _session()
    session["scenario"] = config
    session["source"] = source
    session["form_epoch"] = session.get("form_epoch", 0) + 1


def scenario() -> ScenarioConfig:
    """Return the session's current scenario."""
    return _session()["scenario"]


def reference() -> str:
    """Return the name of the preset the current scenario is compared with."""
    return _session()["reference"]


def source() -> str:
    """Return where the current scenario came from (a preset, the form, an upload, a shared link)."""
    return _session()["source"]


def form_key() -> str:
    """Return the widget-key prefix of the controls form (changes whenever a whole scenario is loaded)."""
    return f"form{_session()['form_epoch']}"


def choose_preset(name: str) -> None:
    """Load a preset as the current scenario and compare against it."""
    _session()["reference"] = name
    _load(preset_config(name), f"preset '{name}'")


def apply_changes(config: ScenarioConfig) -> None:
    """Make a scenario edited in the form the current one (the form keeps its widgets)."""
    session = _session()
    session["scenario"] = config
    session["source"] = "your changes"


def load_uploaded(config: ScenarioConfig, file_name: str) -> None:
    """Make an uploaded scenario the current one."""
    _load(config, f"uploaded file '{file_name}'")


def current_result(retry: bool = True) -> pipeline.RunResult | None:
    """Run the current scenario (cached stages) and remember it in the session's history.

    If the simulation fails on it, an error says so and the last scenario that really ran in this session (the
    default preset if none did) is loaded again and run instead: a failing scenario never stays loaded, so no
    page keeps re-running it.

    Args:
        retry: Run the restored scenario after a failure (False for that run itself).

    Returns:
        The run, or None if no scenario could be run.
    """
    session = _session()
    config = session["scenario"]
    try:
        result = run_scenario(config)
    except Exception as error:  # noqa: BLE001 - a user must never see a traceback
        _restore_after(error)
        return current_result(retry=False) if retry else None
    session["last_good"] = config
    remember(config, result.outcomes)
    return result


def _restore_after(error: Exception) -> None:
    """Say why the current scenario did not run and load the last one that ran (or the default preset)."""
    session = _session()
    good = session.get("last_good")
    if good is None or good == session["scenario"]:
        session["reference"] = default_preset()
        good = preset_config(session["reference"])
    if isinstance(error, RefusedError):
        st.error("This server will not run this scenario now; the last scenario that ran is shown instead.\n\n"
                 + problem_lines(error.problems))
    else:
        detail = type(error).__name__ + (f": {error}" if isinstance(error, ValueError) else "")
        st.error(f"The simulation could not run this scenario ({md(detail)}). The last scenario that ran is shown "
                 "instead.")
    _load(good, "the last scenario that ran")


def remember(config: ScenarioConfig, outcomes: dict[str, float]) -> None:
    """Add a scenario to the session's history unless it is already there."""
    history: list[HistoryEntry] = _session().setdefault("history", [])
    if any(entry.config == config for entry in history):
        return
    history.append(HistoryEntry(label=f"Run {len(history) + 1}: {config.name}", config=config,
                                outcomes=dict(outcomes)))


def history() -> list[HistoryEntry]:
    """Return the scenarios run in this browser session, oldest first."""
    return list(_session().get("history", []))


def share_params() -> dict[str, str]:
    """Return the query parameters that reopen the current scenario."""
    name = reference()
    return share.scenario_params(scenario(), name, preset_config(name))


def sync_query_params() -> None:
    """Keep the browser's URL equal to the shareable link of the current scenario."""
    params = share_params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
