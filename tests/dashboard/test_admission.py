"""Admission: the scale a visitor may run, and the queue that runs large simulations one at a time."""

from __future__ import annotations

import threading
import time

import pytest

from dashboard.admission import Gate, Limits, RefusedError, RunQueue, scale_problems
from dashboard.settings import limits
from simulation.presets import list_presets, load_preset
from simulation.scenario import ScenarioConfig
from simulation.world.city_source import load_city
from tests.conftest import TINY_SENSORS


def _city(config: ScenarioConfig):
    return load_city(config.world, config.seed)


@pytest.mark.parametrize("preset", [info.name for info in list_presets()])
def test_every_preset_at_its_own_scale_is_admitted(preset):
    config = load_preset(preset)
    assert scale_problems(config, _city(config), Limits()) == []


def test_too_many_resident_days_are_refused_naming_the_cap_the_figure_and_the_command_line():
    config = ScenarioConfig.model_validate({"population": {"residents": 200_000}, "world": {"days": 28}})
    [line] = scale_problems(config, _city(config), Limits())
    assert "at most 70,000 resident-days" in line and "200,000 x 28 = 5,600,000" in line
    assert "python -m simulation run scenario.yaml" in line


def test_a_run_too_large_for_memory_is_refused_even_within_the_resident_days():
    every_zone = [{**sensor, "placement": {"zone_share": 1.0}, "detection_probability": 1.0,
                   "sampling_interval_minutes": 5} for sensor in TINY_SENSORS]
    config = ScenarioConfig.model_validate({"population": {"residents": 8000}, "world": {"days": 7,
                                            "slot_minutes": 5}, "sensors": every_zone})
    [line] = scale_problems(config, _city(config), Limits())
    assert "GB of memory" in line and "at most 2.0 GB" in line and "every 5 minutes" in line


def test_limits_come_from_the_environment():
    assert limits({}) == Limits()
    changed = limits({"DASHBOARD_MAX_RESIDENT_DAYS": "1000", "DASHBOARD_RUN_MEMORY_MB": "512",
                      "DASHBOARD_IDLE_SECONDS": "5"})
    assert (changed.max_resident_days, changed.run_memory_bytes, changed.idle_seconds) == (1000, 512 * 2**20, 5)
    with pytest.raises(ValueError, match="DASHBOARD_CACHE_MB must be a whole number above 0"):
        limits({"DASHBOARD_CACHE_MB": "lots"})


def _hold(queue: RunQueue, seconds: float, started: threading.Event, order: list, name: str,
          places: list | None = None) -> threading.Thread:
    def run() -> None:
        with queue.slot(on_wait=lambda position: places.append((name, position)) if places is not None else None,
                        poll_seconds=0.02):
            order.append(name)
            started.set()
            time.sleep(seconds)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_heavy_runs_go_one_at_a_time_first_come_first_served_and_see_their_place():
    queue = RunQueue(at_once=1, max_waiting=10, name="large simulation")
    order, places, first = [], [], threading.Event()
    threads = [_hold(queue, 0.3, first, order, "a")]
    first.wait(5)
    for name in "bcd":
        threads.append(_hold(queue, 0.05, threading.Event(), order, name, places))
        time.sleep(0.05)
    for thread in threads:
        thread.join(10)
    assert order == ["a", "b", "c", "d"]
    assert ("d", 3) in places and ("d", 1) in places and ("b", 1) in places
    assert queue.running == 0 and queue.waiting == 0


def test_too_many_waiting_runs_are_refused():
    queue = RunQueue(at_once=1, max_waiting=1, name="large simulation")
    order, first = [], threading.Event()
    holder = _hold(queue, 0.5, first, order, "a")
    first.wait(5)
    waiter = _hold(queue, 0.0, threading.Event(), order, "b")
    time.sleep(0.1)
    with pytest.raises(RefusedError, match="the server is busy: 1 large simulations are waiting"), queue.slot():
        pass
    holder.join(10)
    waiter.join(10)
    assert order == ["a", "b"]


def test_a_session_that_leaves_the_line_frees_its_place():
    queue = RunQueue(at_once=1, max_waiting=5, name="large simulation")
    order, first = [], threading.Event()
    holder = _hold(queue, 0.3, first, order, "a")
    first.wait(5)

    def closed(position: int) -> None:
        raise RuntimeError("the browser tab was closed")

    with pytest.raises(RuntimeError), queue.slot(on_wait=closed):
        pass
    assert queue.waiting == 0
    holder.join(10)
    with queue.slot():
        assert queue.running == 1


def test_control_changes_on_a_small_world_are_light_and_new_worlds_heavy():
    gate = Gate(Limits())
    small, large = load_preset("gdpr_baseline"), ScenarioConfig.model_validate(
        {"population": {"residents": 10_000}, "world": {"days": 7}})
    assert gate.queue_for(small, world_ready=True) is gate.light
    assert gate.queue_for(small, world_ready=False) is gate.heavy
    assert gate.queue_for(large, world_ready=True) is gate.heavy
    assert gate.quiet()
