"""Tracking: key rotation shortens traces; re-linking follows people; the attacker never reads the truth."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.traces import Traces, traces_of
from simulation.metrics.risk.tracking import link_chains, tracked_hours, tracking, unit_centroids
from tests.risk_fixtures import make_context, make_release, make_world
from tests.risk_shuffle import shuffled_truth

ORDER = ["never", "daily", "hourly"]


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 1000), st.integers(1, 3))
def test_rotating_keys_more_often_never_makes_traces_longer(seed, block):
    world = make_world(40, 2, seed=seed)
    values = []
    for rotation in ORDER:
        ctx = make_context(world, make_release(world, rotation=rotation, block=block, seed=seed,
                                               readable=["wifi_bt"]))
        values.append(tracking(ctx, link=False).value)
    assert values[0] >= values[1] >= values[2]


def test_relinking_never_loses_time_and_recovers_some():
    world = make_world(40, 2, seed=5)
    ctx = make_context(world, make_release(world, rotation="daily", detect=0.8, readable=["wifi_bt"]))
    linked, unlinked = tracking(ctx), tracking(ctx, link=False)
    assert linked.value > unlinked.value
    row = linked.breakdown.iloc[0]
    assert row["rotations"] == 1 and 0.0 < row["link_accuracy"] <= 1.0


def test_links_do_not_depend_on_the_truth():
    world = make_world(60, 2, seed=6)
    release = make_release(world, rotation="hourly")
    zones = world.city.zones
    centroid = unit_centroids(zones["x"].to_numpy(float), zones["y"].to_numpy(float), release.units)
    chains = link_chains(traces_of(release, "wifi_bt"), centroid, 1.0)[0]
    shuffled = shuffled_truth(release, seed=1)
    assert np.array_equal(chains, link_chains(traces_of(shuffled, "wifi_bt"), centroid, 1.0)[0])
    assert tracking(make_context(world, shuffled)).value < tracking(make_context(world, release)).value


def brute_force_tracked_hours(traces: Traces, chain: np.ndarray, n_residents: int) -> np.ndarray:
    """The definition read literally: each resident's most distinct hours among the (chain, resident) pairs."""
    hours: dict[tuple[int, int], set[int]] = {}
    for trace, resident, time in zip(traces.trace, traces.resident, traces.time, strict=True):
        if resident >= 0:
            hours.setdefault((int(chain[trace]), int(resident)), set()).add(int(time) // 60)
    best = np.zeros(n_residents, dtype=np.int64)
    for (_, resident), held in hours.items():
        best[resident] = max(best[resident], len(held))
    return best


@st.composite
def traces_and_chains(draw):
    """Random traces (a chain holds at most one trace per epoch, as linking makes them) and their chains."""
    epoch_minutes = draw(st.sampled_from([60, 120, 1440]))
    overlap = draw(st.sampled_from([0, 30, 90]))  # minutes a trace may run past its epoch's end
    n_epochs = draw(st.integers(1, 4))
    per_epoch = draw(st.lists(st.integers(1, 5), min_size=n_epochs, max_size=n_epochs))
    trace_epoch = np.repeat(np.arange(n_epochs), per_epoch)
    n_traces, n_residents = len(trace_epoch), 4
    chain = np.empty(n_traces, dtype=np.int64)
    start = 0
    for count in per_epoch:  # one-to-one within an epoch: a permutation of labels
        chain[start:start + count] = draw(st.permutations(range(n_traces)))[:count]
        start += count
    rows = draw(st.lists(st.tuples(st.integers(0, n_traces - 1), st.integers(-1, n_residents - 1),
                                   st.integers(0, epoch_minutes + overlap - 1)), min_size=1, max_size=40))
    trace = np.array([r[0] for r in rows])
    shared = draw(st.booleans())  # one resident per trace (the usual case) or any mix
    resident = np.array([(t % n_residents if r >= 0 else -1) if not shared else r for t, (_, r, _) in
                         zip(trace, rows, strict=True)])
    present = np.unique(trace)
    trace = np.searchsorted(present, trace)  # every trace holds a row
    trace_epoch, chain = trace_epoch[present], chain[present]
    time = trace_epoch[trace] * epoch_minutes + np.array([r[2] for r in rows])
    traces = Traces(kind="wifi_bt", trace=trace, unit=np.zeros_like(trace), time=time, point=time // 15,
                    resident=resident, trace_epoch=trace_epoch, trace_owner=np.full(len(present), -1),
                    time_bin_minutes=15)
    return traces, chain, n_residents


@settings(max_examples=200, deadline=None)
@given(traces_and_chains())
def test_tracked_hours_match_their_definition(case):
    traces, chain, n_residents = case
    assert np.array_equal(tracked_hours(traces, chain, n_residents),
                          brute_force_tracked_hours(traces, chain, n_residents))


def test_the_per_dataset_pieces_give_the_same_result_in_any_order():
    import pandas as pd

    from simulation.metrics.risk.tracking import tracking_parts, tracking_result

    world = make_world(60, 2, seed=8)
    ctx = make_context(world, make_release(world, rotation="hourly", seed=8))
    pieces = tracking_parts(ctx)
    assert len(pieces) >= 2 and all(piece.rows > 0 for piece in pieces)
    done = {id(piece): piece() for piece in reversed(pieces)}  # run backwards, combined in the datasets' order
    combined = tracking_result(ctx, [done[id(piece)] for piece in pieces])
    whole = tracking(ctx)
    assert combined.value == whole.value > 0
    pd.testing.assert_frame_equal(combined.breakdown, whole.breakdown)
    assert list(whole.breakdown["dataset"]) == [piece.kind for piece in pieces]
