import hashlib

import numpy as np
import pandas as pd
import siphash24
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.controls.keyed_hash import derive_key, keyed_hash, keyed_hashes
from simulation.controls.pseudonymisation import (
    epoch_of,
    pseudonymise,
    rank_triples,
)
from tests.control_fixtures import random_log, release, small_world

ROTATIONS = ("never", "daily", "hourly")


def table(time, sensor, token):
    n = len(time)
    return {"time": np.asarray(time, np.int64), "sensor": np.asarray(sensor, np.int32),
            "token": np.asarray(token, np.int64), "zone": np.zeros(n, np.int32)}


def test_keyed_hash_is_siphash24_of_the_token_bytes_with_the_derived_key():
    key = derive_key(11, 3, "city")
    tokens = np.array([0, 7, 2**40 + 5, 2**63 - 1], dtype=np.int64)
    expected = [int.from_bytes(siphash24.siphash24(int(t).to_bytes(8, "little", signed=True), key=key).digest(),
                               "little") & (2**63 - 1) for t in tokens]
    assert keyed_hash(tokens, key).tolist() == expected
    assert key == hashlib.blake2b(b"pseudonym-key|11|3|city", digest_size=16).digest()


def _reference_pseudonym(token: int, key: bytes) -> int:
    return int.from_bytes(siphash24.siphash24(int(token).to_bytes(8, "little", signed=True), key=key).digest(),
                          "little") & (2**63 - 1)


@settings(max_examples=50, deadline=None)
@given(tokens=st.lists(st.integers(0, 2**63 - 1), max_size=20), epochs=st.lists(st.integers(0, 2047), max_size=6))
def test_keyed_hashes_gives_one_row_per_key_each_the_reference_siphash(tokens, epochs):
    keys = [derive_key(5, epoch, "city") for epoch in epochs]
    hashed = keyed_hashes(np.array(tokens, dtype=np.int64), keys)
    assert hashed.shape == (len(keys), len(tokens))
    assert hashed.tolist() == [[_reference_pseudonym(t, key) for t in tokens] for key in keys]


def test_same_token_same_pseudonym_within_an_epoch_and_different_across_epochs():
    t = table(time=[0, 30, 59, 60, 1500], sensor=[0, 1, 0, 0, 0], token=[42] * 5)
    hourly = pseudonymise(t, 1, "hourly", "city_wide", np.array(["a", "b"], object))
    assert hourly["epoch"].tolist() == [0, 0, 0, 1, 25]
    p = hourly["token"]
    assert p[0] == p[1] == p[2]
    assert len({p[0], p[3], p[4]}) == 3
    daily = pseudonymise(t, 1, "daily", "city_wide", np.array(["a", "b"], object))["token"]
    assert len(set(daily[:4])) == 1 and daily[4] != daily[0]
    never = pseudonymise(t, 1, "never", "city_wide", np.array(["a", "b"], object))["token"]
    assert len(set(never)) == 1


def test_per_sensor_scope_gives_different_pseudonyms_at_two_sensors():
    t = table(time=[0, 0, 10], sensor=[0, 1, 0], token=[42, 42, 42])
    scopes = np.array(["sensor:0:a", "sensor:1:a"], object)
    per_sensor = pseudonymise(t, 1, "never", "per_sensor", scopes)["token"]
    city = pseudonymise(t, 1, "never", "city_wide", scopes)["token"]
    assert per_sensor[0] != per_sensor[1] and per_sensor[0] == per_sensor[2]
    assert city[0] == city[1] == city[2]


def test_missing_tokens_stay_missing_and_pseudonyms_are_non_negative():
    t = table(time=np.arange(200) * 7, sensor=np.zeros(200), token=np.r_[np.full(20, -1), np.arange(180) * 977])
    out = pseudonymise(t, 3, "hourly", "city_wide", np.array(["a"], object))["token"]
    assert (out[:20] == -1).all() and (out[20:] >= 0).all()


def test_pseudonyms_do_not_reveal_the_token_and_differ_by_seed():
    world = small_world()
    log = random_log(world, seed=2)
    a = release(world, log, seed=1)
    b = release(world, log, seed=2)
    raw = set(log.of_kind("wifi_bt")["token"])
    assert not raw & set(a.records["wifi_bt"]["pseudonym"])
    assert not set(a.records["wifi_bt"]["pseudonym"]) & set(b.records["wifi_bt"]["pseudonym"])


def trace_lengths(frame: pd.DataFrame) -> pd.Series:
    with_id = frame[frame["pseudonym"] >= 0]
    return with_id.groupby(["epoch", "pseudonym"]).size()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), kind=st.sampled_from(["wifi_bt", "anpr", "transit_card", "smart_meter"]),
       scope=st.sampled_from(["city_wide", "per_sensor"]))
def test_rotating_keys_more_often_never_makes_traces_longer(seed, kind, scope):
    world = small_world()
    log = random_log(world, seed=seed, per_kind=400, kinds=(kind,))
    lengths = [trace_lengths(release(world, log, pseudonymisation={"rotation": r, "scope": scope}).records[kind])
               for r in ROTATIONS]
    for longer, shorter in zip(lengths, lengths[1:], strict=False):
        assert shorter.max() <= longer.max()
        assert shorter.mean() <= longer.mean() + 1e-12
        assert len(shorter) >= len(longer)


def test_epoch_of_counts_days_and_hours_from_the_start():
    minutes = np.array([0, 59, 60, 1439, 1440, 10079])
    assert epoch_of(minutes, "never").tolist() == [0] * 6
    assert epoch_of(minutes, "daily").tolist() == [0, 0, 0, 0, 1, 6]
    assert epoch_of(minutes, "hourly").tolist() == [0, 0, 1, 23, 24, 167]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 3), st.integers(0, 9)), min_size=1, max_size=80),
       st.sampled_from([0, 1 << 22]))
def test_triples_are_ranked_in_sorted_order_by_the_dense_and_the_hashed_path(records, dense_limit):
    epoch, scope, token = (np.array(column, dtype=np.int64) for column in zip(*records, strict=True))
    code, (triple_epoch, triple_scope, triple_token) = rank_triples(epoch, scope, token, 4, 10, dense_limit)
    distinct = sorted(set(records))
    assert list(zip(triple_epoch.tolist(), triple_scope.tolist(), triple_token.tolist(), strict=True)) == distinct
    assert code.tolist() == [distinct.index(record) for record in records]
