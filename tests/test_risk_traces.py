"""Traces: the release's pseudonym codes group records exactly as the released (pseudonym, epoch) pairs do."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulation.controls.pipeline import apply_controls
from simulation.metrics.risk.traces import DENSE_EPOCHS, epoch_steps, majority, traces_of
from simulation.scenario import ScenarioConfig
from simulation.sensors import observe
from simulation.world.model import build_world

SENSORS = [
    {"kind": "wifi_bt", "name": "wifi", "placement": {"zone_share": 0.4}},
    {"kind": "smart_meter", "name": "meters", "placement": {"zone_share": 1.0}},
    {"kind": "transit_card", "name": "gates", "placement": {"zone_share": 1.0}},
]


@pytest.fixture(scope="module")
def world_and_log():
    config = ScenarioConfig.model_validate({"name": "traces", "seed": 3, "population": {"residents": 300},
                                            "world": {"days": 2}, "sensors": SENSORS})
    world = build_world(config)
    return world, observe(world, config), config


@pytest.mark.parametrize("rotation, scope", [("never", "city_wide"), ("daily", "city_wide"),
                                             ("hourly", "per_sensor")])
def test_codes_and_pseudonyms_make_the_same_traces(world_and_log, rotation, scope):
    world, log, base = world_and_log
    config = base.model_copy(update={"controls": base.controls.model_copy(update={
        "pseudonymisation": base.controls.pseudonymisation.model_copy(update={"rotation": rotation,
                                                                               "scope": scope})})})
    release = apply_controls(world, log, config)
    without_codes = dataclasses.replace(release, pseudonym_codes={}, records_key=None)
    assert set(release.pseudonym_codes) == {"wifi_bt", "smart_meter", "transit_card"}
    for kind in release.pseudonym_codes:
        fast, slow = traces_of(release, kind), traces_of(without_codes, kind)
        assert fast.n_traces == slow.n_traces > 0
        # the same partition of the rows: trace codes correspond one to one
        pairs = pd.DataFrame({"fast": fast.trace, "slow": slow.trace}).drop_duplicates()
        assert len(pairs) == fast.n_traces
        frame = release.records[kind]
        keyed = frame[frame["pseudonym"] != -1]
        assert len(keyed.groupby(["pseudonym", "epoch"])) == fast.n_traces


def test_majority_matches_a_plain_count():
    rng = np.random.default_rng(0)
    group, value = rng.integers(0, 40, 2000), rng.integers(-1, 6, 2000)
    value[group < 10] = 3  # single-valued groups take the fast path
    got = majority(group, value, 45)
    for g in range(45):
        values = value[(group == g) & (value >= 0)]
        if values.size == 0:
            assert got[g] == -1
        else:
            counts = np.bincount(values)
            assert got[g] == int(np.flatnonzero(counts == counts.max())[0])


@given(st.lists(st.integers(0, 200), max_size=50), st.booleans())
def test_epoch_steps_equal_numpy_unique(epochs, huge):
    epoch = np.array(epochs, dtype=np.int64) + (DENSE_EPOCHS if huge else 0)  # huge: the sorting path
    distinct, step = epoch_steps(epoch)
    expected, inverse = np.unique(epoch, return_inverse=True)
    assert np.array_equal(distinct, expected) and np.array_equal(step, inverse)
    assert step.dtype == np.int64
