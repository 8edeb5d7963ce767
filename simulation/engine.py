"""Run many scenarios at once: in this process, on a local process pool, or on a Dask cluster.

A run is a scenario and its replicate number; it returns the run's tidy results row. Every process keeps the last
worlds and observation logs it built (:func:`stages_of`), keyed by ``stage_key(config, 2)``, so runs that share
stages 1-2 (same seed, world, population and sensors; only controls, adversary or weights differ) build the world
and the log once per process, whichever tasks that process is handed. A task is the runs whose released records
are the same (they differ only in aggregate-only controls, k or differential privacy, or in the weights): the
attacks on those records run once for all of them (:func:`groups_of`). Tasks are submitted in order of their
stages-1-2 key, so a worker usually meets the same world again, and are handed one at a time to whichever worker
is free; with two workers each builds the world once.

The local pool's workers start from a fork server (or are spawned); a task carries only its scenarios.
On a Dask cluster the workers and the scheduler must be able to import ``simulation``: install the project in
their environment (``pip install .``), as the README's section "Sweeps and recommendations on a cluster" shows.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager

from simulation.scenario import ScenarioConfig

MAX_STAGES = 2
"""Worlds and logs a process keeps at once (each about 100-200 MB at the default scale)."""

_STAGES: OrderedDict[str, tuple] = OrderedDict()
_BUILDING: dict[str, threading.Lock] = {}
_LOCK = threading.Lock()


def stages_of(config: ScenarioConfig) -> tuple:
    """Return (world, log) for a scenario, built once per process while among the last ``MAX_STAGES`` used.

    Thread-safe: a Dask worker runs tasks on several threads; two tasks needing the same world wait for one build.
    """
    from simulation import pipeline

    key = pipeline.stage_key(config, 2)
    with _LOCK:
        lock = _BUILDING.setdefault(key, threading.Lock())
    with lock:
        with _LOCK:
            if key in _STAGES:
                _STAGES.move_to_end(key)
                return _STAGES[key]
        world = pipeline.build_world(config)
        log = pipeline.observe(world, config)
        with _LOCK:
            _STAGES[key] = (world, log)
            while len(_STAGES) > MAX_STAGES:
                _BUILDING.pop(_STAGES.popitem(last=False)[0], None)
        return world, log


def kept_stages() -> list[str]:
    """Return the stage-2 keys of the worlds and logs this process keeps, oldest first."""
    with _LOCK:
        return list(_STAGES)


def forget_stages(keep: set[str] | frozenset[str] = frozenset()) -> None:
    """Drop the worlds and logs this process keeps, but those under ``keep`` (after an in-process batch)."""
    with _LOCK:
        for key in [k for k in _STAGES if k not in keep]:
            del _STAGES[key]
            _BUILDING.pop(key, None)


@contextmanager
def using_stages(config: ScenarioConfig, world: object, log: object) -> Iterator[None]:
    """Let the runs of this block use a world and log built elsewhere (the dashboard's) for this scenario's key.

    The engine only reads them. They are dropped from the engine's keeping when the block ends.
    """
    from simulation.pipeline import stage_key

    key = stage_key(config, 2)
    with _LOCK:
        _STAGES[key] = (world, log)
    try:
        yield
    finally:
        with _LOCK:
            _STAGES.pop(key, None)


def run_one(config: ScenarioConfig, replicate: int = 0) -> dict:
    """Run stages 3-4 of one scenario on its (cached) stages 1-2 and return its results row as a dict."""
    from simulation.pipeline import assess, release_attacked_ahead
    from simulation.results import results_row

    world, log = stages_of(config)
    release = release_attacked_ahead(world, log, config)
    assessment = assess(world, log, release, config)
    return results_row(config, assessment, replicate=replicate, log=log).to_dict()


Run = tuple[int, ScenarioConfig, int]
"""A run of a batch: its position in the batch, its scenario and its replicate number."""


def _run_group(group: list[Run]) -> list[tuple[int, dict]]:
    """Run scenarios one after the other in this process; returns (position, results row) pairs."""
    return [(index, run_one(config, replicate)) for index, config, replicate in group]


def groups_of(runs: Sequence[tuple[ScenarioConfig, int]]) -> list[list[Run]]:
    """Return the runs as tasks, in the order they are handed out.

    Runs whose released records are the same share a task, so the attacks on those records (most of stage 4) run
    once and the rest reuse them; tasks that share stages 1-2 are consecutive.
    """
    from simulation.controls.pipeline import records_key
    from simulation.pipeline import stage_key

    tasks: dict[tuple[str, str], list[Run]] = {}
    for index, (config, replicate) in enumerate(runs):
        tasks.setdefault((stage_key(config, 2), records_key(config)), []).append((index, config, replicate))
    return [tasks[key] for key in sorted(tasks, key=lambda k: (k[0], tasks[k][0][0]))]


def _context() -> multiprocessing.context.BaseContext:
    """Return how local workers start: from a fork server where there is one (Linux), else spawned."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["simulation.pipeline"])
        return context
    return multiprocessing.get_context("spawn")


PREBUILD_ENV = "CITY_PRIVACY_PREBUILD"
"""Environment variable through which :func:`start_fork_server` hands the fork server a scenario to build."""


def start_fork_server(config: ScenarioConfig | None = None) -> None:
    """Start the fork server now, so that it imports the pipeline (and builds stages 1-2) beside this process.

    Importing the pipeline takes a few seconds of CPU; a command that will start a local pool calls this first,
    so the two imports run side by side on two cores instead of one after the other. Given a scenario, the server
    also builds its world and observation log (:mod:`simulation.prebuild`) before it forks any worker, so every
    worker starts with them: stages 1-2 are built once for the whole pool instead of once per worker. Has no
    effect once the server runs (it starts once per process).
    """
    if _context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    if config is not None:
        multiprocessing.get_context("forkserver").set_forkserver_preload(
            ["simulation.pipeline", "simulation.prebuild"])
        os.environ[PREBUILD_ENV] = config.model_dump_json()
    try:
        forkserver.ensure_running()
    finally:
        os.environ.pop(PREBUILD_ENV, None)  # read by the server as it starts; nobody else needs it


def local_pool(workers: int) -> ProcessPoolExecutor:
    """Return a process pool of ``workers`` processes.

    On Linux the workers are forked by a fork server that imported the pipeline once (a few seconds the first
    time, see :func:`start_fork_server`; milliseconds after): never by this process, whose threads (numerical
    libraries', the attacks' helpers, a web server's) make a plain fork unsafe. Elsewhere they are spawned.
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context())


def run_many(runs: Sequence[tuple[ScenarioConfig, int]], executor: Executor | None = None, workers: int = 2,
             on_done: Callable[[int], None] | None = None) -> list[dict]:
    """Run scenarios and return their results rows, in the order given.

    Args:
        runs: (scenario, replicate number) pairs.
        executor: Any ``concurrent.futures`` executor, e.g. ``dask.distributed.Client(address).get_executor()``;
            by default a local process pool of ``workers`` processes (1: everything in this process).
        workers: Size of the default pool.
        on_done: Called with the number of runs finished after each task (for a progress bar).

    Returns:
        One results row (``simulation.results.results_row`` as a dict) per run.
    """
    tasks = groups_of(runs)
    rows: list[dict | None] = [None] * len(runs)
    if executor is None and (workers <= 1 or len(tasks) <= 1):
        kept = set(_STAGES)  # lent by using_stages, or a caller's: not this batch's to drop
        try:
            for task in tasks:
                for index, row in _run_group(task):
                    rows[index] = row
                if on_done:
                    on_done(len(task))
        finally:
            forget_stages(keep=kept)
        return rows  # type: ignore[return-value]
    pool = executor if executor is not None else local_pool(min(workers, len(tasks)))
    try:
        futures: dict[Future, int] = {pool.submit(_run_group, task): len(task) for task in tasks}
        for future in as_completed(futures):
            for index, row in future.result():
                rows[index] = row
            if on_done:
                on_done(futures[future])
    finally:
        if executor is None:
            pool.shutdown(cancel_futures=True)
    return rows  # type: ignore[return-value]


@contextmanager
def cluster_executor(scheduler: str | None) -> Iterator[Executor | None]:
    """Yield an executor on the Dask scheduler at ``scheduler`` (None: no executor, the local pool is used).

    Raises:
        ValueError: If no scheduler answers at that address (the message says how to start one).
    """
    if not scheduler:
        yield None
        return
    from dask.distributed import Client

    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise ValueError(f"no Dask scheduler answered at {scheduler} ({error}); start one with 'dask scheduler' "
                         "and workers with 'dask worker ADDRESS' (README: Sweeps and recommendations on a "
                         "cluster)") from None
    try:
        yield client.get_executor()
    finally:
        client.close()
