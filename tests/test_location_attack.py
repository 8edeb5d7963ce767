"""The fast LocationAttack against a literal transcription of scikit-mobility's algorithm; unicity properties."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.metrics.risk.location_attack import location_risk, unicity


def literal_skmob_risk(df: pd.DataFrame, k: int, columns: list[str]) -> pd.Series:
    """scikit-mobility 1.3.1's Attack._risk with LocationAttack._match, transcribed literally (slow)."""
    trajectories = {u: [tuple(r) for r in g[columns].itertuples(index=False)] for u, g in df.groupby("uid")}
    counters = {u: Counter(t) for u, t in trajectories.items()}
    risks = {}
    for u, records in trajectories.items():
        size = min(k, len(records))
        risk = 0.0
        for instance in itertools.combinations(records, size):
            wanted = Counter(instance)
            matches = sum(all(counters[v][loc] >= n for loc, n in wanted.items()) for v in trajectories)
            risk = max(risk, 1.0 / matches)
            if risk == 1.0:
                break
        risks[u] = risk
    return pd.Series(risks, name="risk").sort_index()


tables = st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 6), min_size=n, max_size=n),
    st.lists(st.integers(0, 4), min_size=n, max_size=n),
    st.lists(st.integers(0, 2), min_size=n, max_size=n)))


@settings(max_examples=150, deadline=None)
@given(tables, st.integers(1, 4))
def test_location_risk_equals_the_literal_algorithm(table, k):
    uid, location, time = table
    df = pd.DataFrame({"uid": uid, "location": location, "time": time})
    ours = location_risk(df, k).sort_index()
    pd.testing.assert_series_equal(ours, literal_skmob_risk(df, k, ["location"]), check_names=False,
                                   check_index_type=False)


@settings(max_examples=100, deadline=None)
@given(tables, st.integers(1, 3))
def test_location_time_risk_equals_the_literal_algorithm(table, k):
    uid, location, time = table
    df = pd.DataFrame({"uid": uid, "location": location, "time": time})
    ours = location_risk(df, k, time="time").sort_index()
    pd.testing.assert_series_equal(ours, literal_skmob_risk(df, k, ["location", "time"]), check_names=False,
                                   check_index_type=False)


def test_location_risk_works_on_any_column_names_and_targets():
    df = pd.DataFrame({"who": ["a", "a", "b", "b", "c"], "lat": [1, 2, 1, 2, 1], "lng": [0, 0, 0, 0, 0]})
    risk = location_risk(df, 2, user="who", location=["lat", "lng"], targets=["a", "c"])
    assert risk.to_dict() == {"a": 0.5, "c": 1 / 3}


def test_bad_inputs_are_named():
    df = pd.DataFrame({"uid": [1], "location": [2]})
    with pytest.raises(ValueError, match="at least 1"):
        location_risk(df, 0)
    with pytest.raises(ValueError, match="zone"):
        location_risk(df, 1, location="zone")
    with pytest.raises(ValueError, match="at least 1"):
        unicity(df.rename(columns={"uid": "trace", "location": "point"}), 0, np.random.default_rng(0))


def random_traces(seed: int, n_traces: int = 300, rows: int = 12, points: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({"trace": np.repeat(np.arange(n_traces), rows),
                          "point": rng.integers(0, points, n_traces * rows)})
    return table.drop_duplicates().reset_index(drop=True)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_unicity_rises_with_p(seed, p):
    table = random_traces(seed, points=60)
    lower = unicity(table, p, np.random.default_rng(seed), n_samples=150)
    higher = unicity(table, p + 1, np.random.default_rng(seed), n_samples=150)
    assert 0.0 <= lower <= higher <= 1.0


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(2, 20))
def test_coarsening_never_increases_unicity(seed, p, factor):
    fine = random_traces(seed, points=200)
    coarse = fine.assign(point=fine["point"] // factor)
    rng_seed = seed + 1
    assert unicity(coarse, p, np.random.default_rng(rng_seed)) <= unicity(fine, p, np.random.default_rng(rng_seed))


def test_unicity_counts_other_traces_holding_the_points():
    table = pd.DataFrame({"trace": [0, 0, 1, 1, 2], "point": [5, 6, 5, 6, 7]})
    assert unicity(table, 2, np.random.default_rng(0)) == pytest.approx(1 / 3)
    assert unicity(table.iloc[:0], 2, np.random.default_rng(0)) == 0.0
