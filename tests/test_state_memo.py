"""Remembered stage-3 states: a release computed after other settings equals the same release computed cold."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.controls.pipeline import run_controls
from simulation.controls.state_memo import MAX_STATES, clear_remembered_states, no_states_remembered, remembered_count
from tests.control_fixtures import config_for, random_log, release, small_world
from tests.test_controls_pipeline import assert_same_release

SETTINGS = st.fixed_dictionaries({
    "opt_out": st.fixed_dictionaries({"device_share": st.sampled_from([0.0, 0.3]),
                                      "meter_share": st.sampled_from([0.0, 0.5])}),
    "pseudonymisation": st.fixed_dictionaries({"rotation": st.sampled_from(["never", "daily", "hourly"]),
                                               "scope": st.sampled_from(["city_wide", "per_sensor"])}),
    "k_suppression": st.fixed_dictionaries({"k": st.sampled_from([1, 3])}),
    "generalisation": st.fixed_dictionaries({"spatial_block_zones": st.sampled_from([1, 2])}),
    "retention": st.fixed_dictionaries({"days": st.sampled_from([{}, {"wifi_bt": 1}])}),
    "differential_privacy": st.fixed_dictionaries({"enabled": st.booleans(),
                                                   "max_contributions": st.sampled_from([2, 8])}),
    "release": st.fixed_dictionaries({"level": st.sampled_from(["records", "aggregates"])}),
})


@settings(max_examples=25, deadline=None)
@given(sequence=st.lists(SETTINGS, min_size=2, max_size=5))
def test_a_release_after_any_sequence_of_settings_equals_a_cold_one(sequence):
    world = small_world()
    log = random_log(world, seed=4)
    clear_remembered_states()
    warm = [release(world, log, **controls) for controls in sequence]
    for controls, seen in zip(sequence, warm, strict=True):
        clear_remembered_states()
        assert_same_release(seen, release(world, log, **controls))


def test_moving_a_release_control_reuses_the_captured_arrays():
    world = small_world()
    log = random_log(world, seed=4)
    clear_remembered_states()
    first = run_controls(world, log, config_for(world, log, k_suppression={"k": 1}))
    second = run_controls(world, log, config_for(world, log, k_suppression={"k": 4}))
    assert second.captured["wifi_bt"]["token"] is first.captured["wifi_bt"]["token"]
    rotated = run_controls(world, log, config_for(world, log, pseudonymisation={"rotation": "hourly"}))
    assert rotated.captured["wifi_bt"]["token"] is not first.captured["wifi_bt"]["token"]
    assert remembered_count() <= MAX_STATES


def test_remembered_arrays_are_read_only():
    world = small_world()
    log = random_log(world, seed=4)
    clear_remembered_states()
    state = run_controls(world, log, config_for(world, log))
    with pytest.raises(ValueError, match="read-only"):
        state.captured["wifi_bt"]["token"][0] = 0


def test_another_log_is_never_served_a_remembered_state():
    world = small_world()
    a, b = random_log(world, seed=4), random_log(world, seed=5)
    first, second = release(world, a), release(world, b)
    clear_remembered_states()
    assert_same_release(second, release(world, b))
    assert not np.array_equal(first.record_truth["wifi_bt"], second.record_truth["wifi_bt"])


def test_moving_k_or_dp_starts_from_the_remembered_aggregates():
    world = small_world()
    log = random_log(world, seed=4)
    clear_remembered_states()
    first = run_controls(world, log, config_for(world, log, k_suppression={"k": 1}))
    for controls in ({"k_suppression": {"k": 4}}, {"differential_privacy": {"enabled": True}}):
        again = run_controls(world, log, config_for(world, log, **controls))
        assert again.contributions["wifi_bt"]["person"] is first.contributions["wifi_bt"]["person"]
    blocks = run_controls(world, log, config_for(world, log, generalisation={"spatial_block_zones": 2}))
    assert blocks.contributions["wifi_bt"]["person"] is not first.contributions["wifi_bt"]["person"]


def test_a_single_run_remembers_no_state_and_the_memo_comes_back_after_it():
    world = small_world()
    log = random_log(world, seed=4)
    release(world, log)
    assert remembered_count() > 0
    with no_states_remembered():
        assert remembered_count() == 0
        inside = release(world, log, opt_out={"device_share": 0.3})
        assert remembered_count() == 0
    assert_same_release(inside, release(world, log, opt_out={"device_share": 0.3}))
    assert remembered_count() > 0
