import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.scenario import SENSOR_KINDS
from tests.control_fixtures import random_log, release, small_world


@settings(max_examples=12, deadline=None)
@given(kinds=st.lists(st.sampled_from(SENSOR_KINDS), unique=True, min_size=1), seed=st.integers(0, 500))
def test_edge_aggregation_leaves_no_record_dataset_for_its_kinds(kinds, seed):
    world = small_world()
    out = release(world, random_log(world, seed=seed, per_kind=100), edge_aggregation={"kinds": kinds})
    assert not set(kinds) & set(out.records)
    assert not set(kinds) & set(out.record_truth)
    assert not set(kinds) & out.identified
    assert set(kinds) <= set(out.aggregates)
    for kind in kinds:
        assert len(out.aggregates[kind]) and (out.aggregates[kind]["count"] >= 0).all()
        assert out.aggregates[kind]["count"].sum() > 0
    assert set(out.records) == set(SENSOR_KINDS) - set(kinds)


def test_edge_counts_are_people_per_sampling_instant_averaged_over_the_bin():
    world = small_world()
    log = random_log(world, seed=1, kinds=("anpr",), devices_per_kind=1, per_kind=400)
    out = release(world, log, edge_aggregation={"kinds": ["anpr"]})
    raw = log.of_kind("anpr")
    per_slot = raw.groupby("slot")["token"].nunique()
    hour = per_slot.index.to_numpy() * 15 // 60 * 60
    expected = per_slot.groupby(hour).sum() / 4  # four 15-minute sampling instants per hour
    released = out.aggregates["anpr"].set_index("time")["count"]
    assert np.allclose(released.sort_index().to_numpy(), expected.sort_index().to_numpy())
    assert out.audit.query("control == 'edge_aggregation'")["rows_out"].item() == 0
