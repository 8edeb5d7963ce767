import numpy as np
import pandas as pd
import pytest

from simulation.controls.pipeline import CONTROLS, apply_controls
from simulation.release import AUDIT_COLUMNS
from simulation.scenario import SENSOR_KINDS
from tests.control_fixtures import config_for, random_log, real_log, release, small_world

HEAVY = {"pseudonymisation": {"rotation": "hourly"}, "differential_privacy": {"enabled": True},
         "k_suppression": {"k": 3}, "generalisation": {"spatial_block_zones": 2},
         "opt_out": {"device_share": 0.2, "anonymous_card_share": 0.5, "meter_share": 0.3}}


def assert_same_release(a, b):
    assert a.records.keys() == b.records.keys()
    for kind in a.records:
        pd.testing.assert_frame_equal(a.records[kind], b.records[kind])
        np.testing.assert_array_equal(a.record_truth[kind], b.record_truth[kind])
    assert a.aggregates.keys() == b.aggregates.keys()
    for kind in a.aggregates:
        pd.testing.assert_frame_equal(a.aggregates[kind], b.aggregates[kind])
    pd.testing.assert_frame_equal(a.audit, b.audit)
    assert a.identified == b.identified


def test_same_seed_gives_an_identical_release():
    world = small_world()
    log = random_log(world, seed=3)
    assert_same_release(release(world, log, **HEAVY), release(world, log, **HEAVY))


def test_another_seed_changes_pseudonyms_and_noise():
    world = small_world()
    log = random_log(world, seed=3)
    a, b = release(world, log, seed=1, **HEAVY), release(world, log, seed=2, **HEAVY)
    assert not np.array_equal(a.records["wifi_bt"]["pseudonym"], b.records["wifi_bt"]["pseudonym"])
    assert not np.array_equal(a.aggregates["wifi_bt"]["count"], b.aggregates["wifi_bt"]["count"])


def test_audit_rows_are_numbered_in_the_fixed_order_and_name_every_active_control():
    world = small_world()
    out = release(world, random_log(world, seed=4), **HEAVY, edge_aggregation={"kinds": ["people_counter"]},
                  release={"level": "aggregates"})
    audit = out.audit
    assert list(audit.columns) == list(AUDIT_COLUMNS)
    assert audit["order"].is_monotonic_increasing
    names = [control.name for control in CONTROLS]
    for _, row in audit.iterrows():
        assert names[row["order"] - 1] == row["control"]
    assert set(audit["control"]) == set(names)


def test_records_have_the_release_columns_and_truth_aligned():
    world = small_world()
    log = random_log(world, seed=5)
    out = release(world, log)
    for kind, frame in out.records.items():
        assert list(frame.columns) == ["time", "unit", "pseudonym", "value", "epoch", "named"]
        assert len(out.record_truth[kind]) == len(frame)
        assert frame["time"].max() < out.horizon_minutes
        assert (frame["time"] % out.time_bin_minutes == 0).all()
    # the truth of every kept record is a resident that the log recorded at that kind
    for kind in ("wifi_bt", "anpr"):
        assert set(out.record_truth[kind]) <= set(log.of_kind(kind)["resident"])
    for frame in out.aggregates.values():
        assert list(frame.columns) == ["time", "unit", "count", "value"]


def test_raw_plates_and_registered_cards_are_named_only_without_pseudonymisation():
    world = small_world()
    log = random_log(world, seed=6)
    raw = release(world, log, pseudonymisation={"enabled": False})
    hashed = release(world, log)
    assert {"anpr", "transit_card"} <= raw.identified
    assert raw.records["anpr"]["named"].all()
    registered = world.residents.set_index("card")["card_registered"]
    named_cards = raw.records["transit_card"]
    assert (named_cards["named"].to_numpy() == registered.loc[named_cards["pseudonym"]].to_numpy()).all()
    assert not hashed.records["anpr"]["named"].any()
    assert not hashed.records["transit_card"]["named"].any()
    assert "anpr" not in hashed.identified


def test_aggregates_only_release_keeps_aggregates_and_drops_records():
    world = small_world()
    out = release(world, random_log(world, seed=7), release={"level": "aggregates"})
    assert out.records == {} and out.record_truth == {} and out.identified == set()
    assert set(out.aggregates) == set(SENSOR_KINDS)
    assert all(len(frame) for frame in out.aggregates.values())


def test_access_grants_fill_readable():
    world = small_world()
    grants = {"operator": ["wifi_bt"], "vendor": ["smart_meter", "env_iot"], "police": [], "public": []}
    out = release(world, random_log(world, seed=8), access={"grants": grants})
    assert out.readable == {party: sorted(kinds) for party, kinds in grants.items()}
    assert set(out.visible_to("vendor")) == {"smart_meter", "env_iot"}
    assert out.visible_to("police") == {}
    vendor_note = out.audit.loc[(out.audit["control"] == "access") & (out.audit["dataset"] == "vendor"), "note"]
    assert "can join env_iot+smart_meter" in vendor_note.item()


@pytest.mark.parametrize("controls", [{}, HEAVY])
def test_real_sensors_on_a_tiny_world(controls):
    world = small_world(n=120, days=2)
    log, config = real_log(world)
    out = apply_controls(world, log, config.model_copy(update={"controls": config.controls.model_validate(controls)}))
    assert set(out.aggregates) == set(SENSOR_KINDS)
    assert "cctv" in out.identified  # the tiny deployment runs live facial recognition on a watchlist
    alerts = out.records["cctv"]["named"].to_numpy()
    truth = out.record_truth["cctv"][alerts]
    assert np.isin(truth, log.watchlist).mean() > 0.5  # most alerts are true matches
    assert (out.records["cctv"]["pseudonym"].to_numpy()[~alerts] == -1).all()


def test_release_of_the_tiny_run_built_by_build_world(tiny_run):
    out = tiny_run.release
    assert set(out.aggregates) == set(SENSOR_KINDS)
    assert {"opt_out", "pseudonymisation", "face_recognition", "retention", "access", "generalisation",
            "aggregation"} <= set(out.audit["control"])
    assert "cctv" in out.identified
    wifi = out.records["wifi_bt"]
    assert (wifi["pseudonym"] >= 0).all() and not set(wifi["pseudonym"]) & set(tiny_run.log.of_kind("wifi_bt")["token"])


def test_heavy_controls_on_the_tiny_run(tiny_run):
    config = tiny_run.config.model_copy(update={"controls": tiny_run.config.controls.model_validate(HEAVY)})
    first = apply_controls(tiny_run.world, tiny_run.log, config)
    assert_same_release(first, apply_controls(tiny_run.world, tiny_run.log, config))
    dp = first.audit[first.audit["control"] == "differential_privacy"]
    assert len(dp) == len(SENSOR_KINDS) - 1  # env_iot counts no people
    scales = dp.set_index("dataset")["noise_scale"]
    assert all(scales[kind] == table.count_scale >= 8.0 for kind, table in first.noised.items())
    for kind, frame in first.aggregates.items():
        if kind != "env_iot":
            assert (frame["count"] >= 3).all()


DIGEST_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {root!r})
from tests.control_fixtures import random_log, release, small_world
from tests.test_controls_pipeline import HEAVY
world = small_world()
out = release(world, random_log(world, seed=9), **HEAVY)
h = hashlib.blake2b()
for tables in (out.records, out.aggregates):
    for kind in sorted(tables):
        for column in tables[kind].columns:
            h.update(tables[kind][column].to_numpy().tobytes())
h.update(out.audit.to_csv().encode())
print(h.hexdigest())
"""


def test_the_release_is_the_same_in_another_process():
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    digests = {subprocess.run([sys.executable, "-c", DIGEST_SCRIPT.format(root=root)], capture_output=True,
                              text=True, check=True, env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(digests) == 1 and len(digests.pop()) == 129


@pytest.mark.parametrize("controls", [{}, HEAVY, {"edge_aggregation": {"kinds": list(SENSOR_KINDS)}}])
def test_a_log_without_records_gives_empty_datasets(controls):
    world = small_world()
    full = random_log(world, seed=1)
    empty = type(full)(records=full.records.iloc[:0], sensors=full.sensors, slot_minutes=full.slot_minutes)
    out = release(world, empty, **controls)
    assert all(len(frame) == 0 for frame in out.records.values())
    assert out.identified == set()
    dp = controls.get("differential_privacy", {}).get("enabled", False)
    for frame in out.aggregates.values():
        assert list(frame.columns) == ["time", "unit", "count", "value"]
        assert len(frame) == 0 or dp  # with DP every cell of the public domain is released, noised


@pytest.mark.parametrize("level", ["records", "aggregates"])
def test_controls_that_say_they_keep_the_records_leave_them_as_they_were(level, monkeypatch):
    from simulation.controls import pipeline
    from simulation.controls.state_memo import clear_remembered_states

    world = small_world()
    log = random_log(world, seed=5)
    settings = {**HEAVY, "release": {"level": level}}
    config = config_for(world, log, 5, **settings)
    kept = []
    for control in CONTROLS:
        def checked(state, context, control=control, apply=control.apply):
            new_state, rows = apply(state, context)
            if not control.changes_records(context.config):
                kept.append(control.name)
                assert new_state.records is state.records and new_state.readable == state.readable
            return new_state, rows
        monkeypatch.setattr(control, "apply", checked)
    clear_remembered_states()
    pipeline.run_controls(world, log, config)
    expected = ["aggregation", "differential_privacy", "k_suppression"] + (["release"] if level == "records" else [])
    assert kept == expected
