"""The shared stage cache: byte budget, dependants, idle expiry, pins, one computation per key."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from dashboard.server_memory import release_memory
from dashboard.stage_cache import StageCache, deep_nbytes

MB = 2**20


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _block(mb: int) -> np.ndarray:
    return np.zeros(mb * MB, np.uint8)


def test_deep_nbytes_counts_each_buffer_once():
    base = _block(4)
    frame = pd.DataFrame({"a": np.zeros(MB, np.float64), "b": pd.Categorical(["x"] * MB)})
    value = {"arrays": [base, base[: MB], base.reshape(2, -1)], "frame": frame, "name": "x"}
    size = deep_nbytes(value)
    assert 4 * MB + 8 * MB + MB <= size <= 4 * MB + 8 * MB + MB + 10_000


def test_the_least_recently_used_outputs_go_when_the_budget_is_passed():
    cache = StageCache(budget_bytes=10 * MB, idle_seconds=60)
    for key in "abc":
        cache.get(key, lambda: _block(4))
    assert not cache.contains("a") and cache.contains("b") and cache.contains("c")
    cache.get("b", lambda: pytest.fail("b is kept"))  # b is now the most recent
    cache.get("d", lambda: _block(4))
    assert cache.contains("b") and cache.contains("d") and not cache.contains("c")
    assert cache.nbytes <= 10 * MB


def test_an_output_larger_than_the_budget_is_still_returned_and_kept_alone():
    cache = StageCache(budget_bytes=MB, idle_seconds=60)
    cache.get("small", lambda: _block(0))
    assert cache.get("big", lambda: _block(3)).nbytes == 3 * MB
    assert cache.contains("big") and not cache.contains("small")


def test_dependants_go_with_the_output_they_were_computed_from():
    cache = StageCache(budget_bytes=100 * MB, idle_seconds=60)
    cache.get("world", lambda: _block(1))
    cache.get("log", lambda: _block(1), parent="world")
    cache.get("release", lambda: _block(1), parent="log")
    cache.get("other", lambda: _block(1))
    clock_free = cache._drop  # noqa: SLF001 - the eviction step itself
    with cache._lock:  # noqa: SLF001
        assert clock_free("world") == 3
    assert [cache.contains(k) for k in ("world", "log", "release", "other")] == [False, False, False, True]


def test_the_budget_never_drops_the_ancestors_of_the_output_just_made():
    cache = StageCache(budget_bytes=5 * MB, idle_seconds=60)
    cache.get("world", lambda: _block(2))
    cache.get("log", lambda: _block(2), parent="world")
    cache.get("release", lambda: _block(2), parent="log")
    assert cache.contains("release") and cache.contains("log") and cache.contains("world")


def test_idle_outputs_go_unless_pinned():
    clock = Clock()
    cache = StageCache(budget_bytes=100 * MB, idle_seconds=60, clock=clock)
    for key in ("pinned", "used", "idle"):
        cache.get(key, lambda: _block(1))
    cache.pin("pinned")
    clock.now = 50
    cache.get("used", lambda: pytest.fail("kept"))
    clock.now = 100
    assert cache.drop_idle() == 1
    assert cache.contains("pinned") and cache.contains("used") and not cache.contains("idle")
    clock.now = 1000
    assert cache.drop_idle() == 1 and len(cache) == 1


def test_sessions_asking_for_the_same_output_compute_it_once():
    cache = StageCache(budget_bytes=100 * MB, idle_seconds=60)
    calls, started = [], threading.Event()

    def slow():
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return _block(1)

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(5)]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1 and len(results) == 5 and all(r is results[0] for r in results)


def test_a_failed_computation_reaches_every_waiter_and_is_not_kept():
    cache = StageCache(budget_bytes=100 * MB, idle_seconds=60)
    with pytest.raises(ZeroDivisionError):
        cache.get("k", lambda: 1 / 0)
    assert not cache.contains("k")
    assert cache.get("k", lambda: 5) == 5


def test_memos_forget_the_results_of_collected_worlds():
    import gc

    from simulation.memo import OutputMemo, forget_dead_entries

    class Output:
        pass

    memo: OutputMemo[int] = OutputMemo(8)
    world, log, kept_world = Output(), Output(), Output()
    memo.get(world, log, ("a",), lambda: 1)
    memo.get(kept_world, log, ("b",), lambda: 2)
    del world
    gc.collect()
    forget_dead_entries()  # (the dashboard's janitor thread, if a test started one, may have done it already)
    assert len(memo) == 1
    release_memory()  # and the freed memory goes back to the system (glibc); must not fail elsewhere


def test_a_waiter_computes_the_output_itself_when_the_session_computing_it_is_stopped():
    class Stopped(BaseException):  # like Streamlit's StopException when a visitor closes the page
        pass

    cache = StageCache(budget_bytes=100 * MB, idle_seconds=60)
    started, results = threading.Event(), []

    def stopped():
        started.set()
        time.sleep(0.2)
        raise Stopped

    def owner():
        with pytest.raises(Stopped):
            cache.get("k", stopped)

    first = threading.Thread(target=owner)
    first.start()
    started.wait(5)
    waiter = threading.Thread(target=lambda: results.append(cache.get("k", lambda: "computed by the waiter")))
    waiter.start()
    first.join(10)
    waiter.join(10)
    assert results == ["computed by the waiter"] and cache.contains("k")
