"""Truths remembered per stage output: computed once from the world or the raw log, reused by every assessment.

Stage 4 reruns on the same world and log whenever a control or the adversary changes; what depends only on them
(true flows, true demand, true sensitive visits) is kept beside them (weak references: the memo never keeps a
world or log alive).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

_TRUTHS: weakref.WeakKeyDictionary[object, dict[tuple, object]] = weakref.WeakKeyDictionary()


def remembered_truth[T](owner: object, key: tuple, make: Callable[[], T]) -> T:
    """Return ``make()``, computed once per (stage output, key) and kept while that output lives.

    For truths that depend only on the world or the raw log (not on the controls), which stage 4 would otherwise
    recompute whenever a control moves. Callers must not modify the result.

    Args:
        owner: The world or observation log the truth is computed from (held by a weak reference).
        key: What distinguishes this truth from others of the same owner (a name and its parameters).
        make: Computes the truth.
    """
    truths = _TRUTHS.setdefault(owner, {})
    if key not in truths:
        truths[key] = make()
    return truths[key]  # type: ignore[return-value]


def clear_remembered_truths() -> None:
    """Forget every remembered truth (benchmarks use it to time a first assessment)."""
    _TRUTHS.clear()
