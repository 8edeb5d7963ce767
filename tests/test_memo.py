"""The output memo: results per (world, log, key), never for another object, never keeping one alive."""

import gc
import weakref

from simulation.memo import OutputMemo
from tests.control_fixtures import random_log, small_world


def test_results_are_remembered_per_world_log_and_key():
    memo, calls = OutputMemo(4), []
    world, log = small_world(), random_log(small_world(), seed=1)

    def make(value):
        calls.append(value)
        return value

    assert memo.get(world, log, ("a",), lambda: make(1)) == 1
    assert memo.get(world, log, ("a",), lambda: make(2)) == 1
    assert memo.get(world, log, ("b",), lambda: make(3)) == 3
    other_log = random_log(world, seed=2)
    assert memo.get(world, other_log, ("a",), lambda: make(4)) == 4
    assert calls == [1, 3, 4]


def test_the_least_recently_used_result_is_forgotten_first():
    memo = OutputMemo(2)
    world, log = small_world(), random_log(small_world(), seed=1)
    memo.get(world, log, (1,), lambda: 1)
    memo.get(world, log, (2,), lambda: 2)
    memo.get(world, log, (1,), lambda: -1)  # used again: now the most recent
    memo.get(world, log, (3,), lambda: 3)
    assert len(memo) == 2
    assert memo.get(world, log, (1,), lambda: -1) == 1
    assert memo.get(world, log, (2,), lambda: 22) == 22


def test_a_memo_never_keeps_a_log_alive_nor_serves_a_dead_ones_results():
    memo = OutputMemo(4)
    world = small_world()
    log = random_log(world, seed=1)
    alive = weakref.ref(log)
    memo.get(world, log, ("k",), lambda: "first log")
    del log
    gc.collect()
    assert alive() is None
    for seed in range(2, 12):  # new logs, some of which may reuse the dead one's id
        assert memo.get(world, random_log(world, seed=seed), ("k",), lambda s=seed: s) == seed


def test_many_threads_share_a_memo_without_errors():
    from concurrent.futures import ThreadPoolExecutor

    memo = OutputMemo(3)
    world, log = small_world(), random_log(small_world(), seed=1)

    def use(i):
        return memo.get(world, log, (i % 7,), lambda: i % 7)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(use, range(5000))) == [i % 7 for i in range(5000)]
    assert len(memo) <= 3


def test_a_result_started_ahead_is_collected_not_computed_again():
    import threading

    memo, calls = OutputMemo(4), []
    world, log = small_world(), random_log(small_world(), seed=1)
    started, release = threading.Event(), threading.Event()

    def slow():
        calls.append("ahead")
        started.set()
        release.wait(5)
        return "ahead"

    memo.start(world, log, ("k",), slow)
    assert started.wait(5)  # running: a start still waiting for a thread is cancelled instead (test below)
    memo.start(world, log, ("k",), lambda: calls.append("second start") or "second")  # already started: ignored
    threading.Timer(0.05, release.set).start()
    assert memo.get(world, log, ("k",), lambda: calls.append("caller") or "caller") == "ahead"
    assert memo.get(world, log, ("k",), lambda: "again") == "ahead"
    assert calls == ["ahead"]


def test_a_start_that_failed_is_computed_again_by_the_caller():
    memo = OutputMemo(4)
    world, log = small_world(), random_log(small_world(), seed=1)

    def broken():
        raise ValueError("background failure")

    memo.start(world, log, ("k",), broken)
    assert memo.get(world, log, ("k",), lambda: "recomputed") == "recomputed"
    assert memo.get(world, log, ("k",), lambda: "not again") == "recomputed"


def test_a_start_still_waiting_for_a_thread_is_cancelled_and_computed_by_the_caller():
    import threading

    from simulation.memo import AHEAD_THREADS

    memo, calls = OutputMemo(8), []
    world, log = small_world(), random_log(small_world(), seed=1)
    busy = threading.Event()
    for i in range(AHEAD_THREADS):  # every background thread held
        memo.start(world, log, ("busy", i), lambda: busy.wait(5))
    memo.start(world, log, ("k",), lambda: calls.append("ahead") or "ahead")
    try:
        assert memo.get(world, log, ("k",), lambda: calls.append("caller") or "caller") == "caller"
    finally:
        busy.set()
    assert calls == ["caller"]


def test_nothing_is_started_for_a_remembered_result():
    memo, calls = OutputMemo(4), []
    world, log = small_world(), random_log(small_world(), seed=1)
    memo.get(world, log, ("k",), lambda: "remembered")
    memo.start(world, log, ("k",), lambda: calls.append("ahead") or "ahead")
    assert memo.get(world, log, ("k",), lambda: "caller") == "remembered"
    assert calls == []


def test_an_array_memo_remembers_read_only_arrays_only_while_they_live():
    import numpy as np

    from simulation.memo import ArrayMemo

    calls = []
    memo = ArrayMemo(lambda array: calls.append(array.size) or int(array.sum()))
    writeable = np.arange(5)
    assert memo(writeable) == memo(writeable) == 10 and calls == [5, 5]  # may change: never remembered
    frozen = np.arange(4)
    frozen.flags.writeable = False
    assert memo(frozen) == memo(frozen) == 6 and calls == [5, 5, 4]
    assert memo(np.arange(4)) == 6 and calls == [5, 5, 4, 4]  # equal values, another array: computed
    del frozen
    gc.collect()
    assert len(memo) == 0
    for size in range(1, 30):  # new arrays, some at a dead one's address, each computed afresh
        fresh = np.arange(size)
        fresh.flags.writeable = False
        assert memo(fresh) == size * (size - 1) // 2
