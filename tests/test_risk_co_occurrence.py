"""Co-occurrence linkage of two datasets' chains: the score, the acceptance rule, the cost bound, and agreement
with an independent matcher written here with pandas alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.metrics.risk import co_occurrence
from simulation.metrics.risk.co_occurrence import (
    MARGIN,
    MAX_MEETINGS_PER_POINT,
    MIN_SHARED_POINTS,
    ChainPoints,
    link_chains_across,
    pair_scores,
)
from simulation.metrics.risk.profiles import build_profiles
from simulation.metrics.risk.traces import readable_traces, traces_of
from tests.risk_fixtures import make_release, make_world
from tests.risk_shuffle import shuffled_truth


def chain_points(rows: list[tuple[int, int]]) -> ChainPoints:
    chain, point = np.array(rows, dtype=np.int64).T
    return ChainPoints.of(chain, point, int(chain.max()) + 1)


def test_chains_meeting_at_the_same_rare_points_are_linked_each_to_its_own():
    a = chain_points([(0, 10), (0, 11), (0, 12), (1, 20), (1, 21), (1, 22), (2, 30)])
    b = chain_points([(0, 20), (0, 21), (0, 22), (1, 10), (1, 11), (1, 12), (2, 40)])
    linked_a, linked_b = link_chains_across(a, b)
    assert dict(zip(linked_a.tolist(), linked_b.tolist(), strict=True)) == {0: 1, 1: 0}


def test_a_tie_between_two_candidates_links_nothing():
    a = chain_points([(0, 10), (0, 11), (1, 50)])
    b = chain_points([(0, 10), (0, 11), (1, 10), (1, 11)])
    assert link_chains_across(a, b)[0].size == 0


def test_a_best_match_too_close_to_the_runner_up_is_refused():
    fillers = [(c, 1000 + c) for c in range(2, 12)]  # chains elsewhere: the datasets hold 12 chains each

    def case(runner_up_points: list[int]) -> tuple[float, bool]:
        a = chain_points([(0, 10), (0, 11), (0, 12), (0, 13), (1, 90), *fillers])
        b = chain_points([(0, 10), (0, 11), (0, 12), (0, 13), *[(1, p) for p in runner_up_points], (1, 91),
                          *fillers])
        scores = pair_scores(a, b).set_index(["a", "b"])["score"]
        ratio = scores[(0, 0)] / scores[(0, 1)]
        return ratio, 0 in link_chains_across(a, b)[0].tolist()

    close_ratio, close_linked = case([10, 11, 12])  # the runner-up shares 3 of the 4 points
    far_ratio, far_linked = case([10, 11])  # it shares 2
    assert close_ratio < MARGIN <= far_ratio
    assert not close_linked and far_linked


def test_pairs_sharing_fewer_than_the_minimum_points_are_not_candidates():
    a = chain_points([(0, 10), (0, 99)])
    b = chain_points([(0, 10), (0, 98)])
    assert MIN_SHARED_POINTS == 2
    assert pair_scores(a, b).empty


def test_the_busiest_points_are_skipped_so_work_stays_linear(monkeypatch):
    crowd = [(c, 7) for c in range(30)] + [(0, 1), (0, 2)]
    a, b = chain_points(crowd), chain_points(crowd)
    assert 30 * 30 > MAX_MEETINGS_PER_POINT
    meetings = co_occurrence.meetings(a, b)[0]
    assert meetings.size == 2  # only the two quiet points (1 and 2) are walked; 900 pairs at point 7 are skipped
    monkeypatch.setattr(co_occurrence, "MAX_MEETINGS_PER_POINT", 10_000)
    assert co_occurrence.meetings(a, b)[0].size == 902


def independent_links(release, kind_a: str, kind_b: str) -> tuple[int, int]:
    """Link two datasets' traces by the documented score and rule, with pandas groupbys only.

    Written apart from the attack code: traces are (pseudonym, epoch) pairs, points (unit, time bin); the score of
    two traces is the sum over shared points of log(C_A C_B / (n_A n_B)); points where n_A n_B exceeds the cap are
    skipped; candidates share >= 2 points; a link is accepted when it is mutual best, unique, and beats both
    runners-up by the margin. Returns (links accepted, links joining one resident's traces).
    """
    tables = {}
    for kind in (kind_a, kind_b):
        frame = release.records[kind].assign(resident=release.record_truth[kind])
        frame = frame[frame["pseudonym"] != -1]
        frame["bin"] = frame["time"] // release.time_bin_minutes
        frame["trace"] = frame.groupby(["pseudonym", "epoch"]).ngroup()
        owner = frame.groupby(["trace", "resident"]).size().reset_index(name="n").sort_values(
            ["trace", "n", "resident"], ascending=[True, False, True]).drop_duplicates("trace")
        points = frame[["trace", "unit", "bin"]].drop_duplicates()
        points = points.merge(points.groupby(["unit", "bin"]).size().rename("holders").reset_index())
        tables[kind] = (points, owner.set_index("trace")["resident"], frame["trace"].nunique())
    (pa, owner_a, ca), (pb, owner_b, cb) = tables[kind_a], tables[kind_b]
    meet = pa.merge(pb, on=["unit", "bin"], suffixes=("_a", "_b"))
    meet = meet[meet["holders_a"] * meet["holders_b"] <= MAX_MEETINGS_PER_POINT]
    meet["w"] = np.log(ca * cb / (meet["holders_a"] * meet["holders_b"]))
    pairs = meet.groupby(["trace_a", "trace_b"]).agg(shared=("w", "size"), score=("w", "sum")).reset_index()
    pairs = pairs[pairs["shared"] >= MIN_SHARED_POINTS]

    def best_and_second(side: str) -> pd.DataFrame:
        ranked = pairs.sort_values([side, "score"], ascending=[True, False])
        top = ranked.groupby(side).head(2).copy()
        top["rank"] = top.groupby(side).cumcount()
        first = top[top["rank"] == 0].set_index(side)
        second = top[top["rank"] == 1].set_index(side)["score"].rename("runner_up")
        return first.join(second).fillna({"runner_up": 0.0})

    best_a, best_b = best_and_second("trace_a"), best_and_second("trace_b")
    accepted = 0
    correct = 0
    for trace_a, row in best_a.iterrows():
        trace_b = row["trace_b"]
        if row["runner_up"] >= row["score"] or trace_b not in best_b.index:
            continue
        back = best_b.loc[trace_b]
        if back["trace_a"] != trace_a or back["runner_up"] >= back["score"]:
            continue
        if row["score"] < MARGIN * max(row["runner_up"], back["runner_up"]):
            continue
        accepted += 1
        correct += int(owner_a[trace_a] == owner_b[trace_b])
    return accepted, correct


@pytest.fixture(scope="module")
def fixed_key_release():
    """Pseudonymous Wi-Fi and identified plates with keys that never rotate: every trace is its own chain."""
    world = make_world(400, 3, seed=21, width=12)
    return world, make_release(world, rotation="never", detect=0.35, seed=21)


def test_an_independent_matcher_agrees_with_the_project_linkage(fixed_key_release):
    _, release = fixed_key_release
    traces = readable_traces(release, "operator")
    chains = {kind: np.arange(t.n_traces) for kind, t in traces.items()}
    links = build_profiles(release, traces, chains).links.set_index(["dataset_a", "dataset_b"])
    for kind_a, kind_b in (("anpr", "wifi_bt"), ("cctv", "wifi_bt"), ("anpr", "cctv")):
        ours = links.loc[(kind_a, kind_b)]
        theirs = independent_links(release, kind_a, kind_b)
        # stated margin: the same links up to 1% (float sums in another order could break an exact tie)
        assert abs(ours["links"] - theirs[0]) <= max(1, 0.01 * theirs[0]), (kind_a, kind_b, ours, theirs)
        assert abs(ours["correct"] - theirs[1]) <= max(1, 0.01 * theirs[1]), (kind_a, kind_b, ours, theirs)
    assert links.loc[("anpr", "wifi_bt"), "links"] > 50  # the comparison is not between two empty sets
    assert links.loc[("anpr", "wifi_bt"), "precision"] > 0.9


def test_links_read_only_released_fields(fixed_key_release):
    _, release = fixed_key_release
    shuffled = shuffled_truth(release, seed=3)
    for kind_a, kind_b in (("anpr", "wifi_bt"),):
        a, b = traces_of(release, kind_a), traces_of(release, kind_b)
        a2, b2 = traces_of(shuffled, kind_a), traces_of(shuffled, kind_b)
        ours = link_chains_across(ChainPoints.of(a.trace, a.point, a.n_traces),
                                  ChainPoints.of(b.trace, b.point, b.n_traces))
        again = link_chains_across(ChainPoints.of(a2.trace, a2.point, a2.n_traces),
                                   ChainPoints.of(b2.trace, b2.point, b2.n_traces))
        assert all(np.array_equal(x, y) for x, y in zip(ours, again, strict=True))
