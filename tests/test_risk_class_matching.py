"""The class-level greedy matching against the sequential greedy matching of every member's pairs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.class_matching import greedy_class_matching
from simulation.metrics.risk.matching import mix64


def sequential_member_greedy(member, pair_class, pair_new, pair_cost) -> set[tuple[int, int]]:
    """The definition read literally: every member's copy of its class's pairs, walked in the documented order
    (cost, mix of class and new trace, input position, mix of the old trace); a pair is kept if both ends are free."""
    pair_mix = mix64(mix64(pair_class) ^ pair_new.astype(np.uint64))
    rows = []
    for position, (cls, new, cost, mix) in enumerate(zip(pair_class, pair_new, pair_cost, pair_mix, strict=True)):
        for old in np.flatnonzero(member == cls):
            rows.append((cost, int(mix), position, int(mix64(np.array([old]))[0]), int(old), int(new)))
    used_old, used_new, kept = set(), set(), set()
    for *_, old, new in sorted(rows):
        if old not in used_old and new not in used_new:
            used_old.add(old)
            used_new.add(new)
            kept.add((old, new))
    return kept


@st.composite
def classes_and_pairs(draw):
    """Classes of old traces with up to four candidates each, new traces shared between classes, many cost ties."""
    n_classes = draw(st.integers(1, 6))
    member = np.array(draw(st.lists(st.integers(0, n_classes - 1), min_size=1, max_size=14)))
    rows = []
    for cls in range(n_classes):
        news = draw(st.lists(st.integers(0, 7), max_size=4, unique=True))
        costs = sorted(draw(st.lists(st.sampled_from([1.0, 1.5, 2.0]), min_size=len(news), max_size=len(news))))
        rows += [(cls, new, cost) for new, cost in zip(news, costs, strict=True)]
    if not rows:
        rows = [(0, 0, 1.0)]
    pair_class, pair_new, pair_cost = (np.array(column) for column in zip(*rows, strict=True))
    return member, pair_class, pair_new, pair_cost.astype(float)


@settings(max_examples=200, deadline=None)
@given(classes_and_pairs())
def test_class_matching_equals_the_sequential_greedy_of_the_members(case):
    member, pair_class, pair_new, pair_cost = case
    old, new = greedy_class_matching(member, pair_class, pair_new, pair_cost)
    assert set(zip(old.tolist(), new.tolist(), strict=True)) == sequential_member_greedy(*case)
    assert len(set(old.tolist())) == old.size and len(set(new.tolist())) == new.size


def test_a_class_links_no_more_traces_than_it_has_members():
    # two members vanish together; four traces appear where they vanished, equally close
    old, new = greedy_class_matching(np.array([0, 0]), np.zeros(4, np.int64), np.arange(4), np.ones(4))
    assert sorted(old.tolist()) == [0, 1] and len(set(new.tolist())) == 2


def test_the_closest_candidate_is_taken_first():
    # class 0 (one member) can take new 0 (cost 2) or new 1 (cost 1); class 1 (one member) only new 1 (cost 1.5)
    old, new = greedy_class_matching(np.array([0, 1]), np.array([0, 0, 1]), np.array([1, 0, 1]),
                                     np.array([1.0, 2.0, 1.5]))
    assert dict(zip(old.tolist(), new.tolist(), strict=True)) == {0: 1}
