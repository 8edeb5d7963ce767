import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.controls.pipeline import apply_controls
from simulation.metrics.base import AssessmentContext
from simulation.metrics.risk.exposure import risk_exposure
from simulation.scenario import SENSOR_KINDS
from tests.control_fixtures import config_for, random_log, small_world


def release_and_exposure(world, log, **controls):
    config = config_for(world, log, **controls)
    out = apply_controls(world, log, config)
    return out, risk_exposure(AssessmentContext(world=world, log=log, release=out, config=config)).value


def retention(days):
    return {"days": dict.fromkeys(SENSOR_KINDS, days)}


@settings(max_examples=15, deadline=None)
@given(short=st.floats(0, 3), extra=st.floats(0, 3), seed=st.integers(0, 500),
       rotation=st.sampled_from(["never", "hourly"]))
def test_shorter_retention_never_keeps_more_rows_nor_more_exposure(short, extra, seed, rotation):
    world = small_world()
    log = random_log(world, seed=seed, per_kind=200)
    pseudo = {"rotation": rotation}
    a, exposure_a = release_and_exposure(world, log, retention=retention(short), pseudonymisation=pseudo)
    b, exposure_b = release_and_exposure(world, log, retention=retention(short + extra), pseudonymisation=pseudo)
    for kind in b.records:
        assert len(a.records[kind]) <= len(b.records[kind])
        kept_a = set(zip(a.records[kind]["time"], a.record_truth[kind], strict=True))
        kept_b = set(zip(b.records[kind]["time"], b.record_truth[kind], strict=True))
        assert kept_a <= kept_b
    assert exposure_a <= exposure_b


def test_retention_deletes_records_older_than_the_period_at_the_horizon_end():
    world = small_world(days=2)
    log = random_log(world, seed=1)
    out, _ = release_and_exposure(world, log, retention={"days": {"wifi_bt": 0.5, "anpr": 0.0}})
    assert (out.records["wifi_bt"]["time"] >= 2880 - 720).all() and len(out.records["wifi_bt"])
    assert len(out.records["anpr"]) == 0
    assert len(out.records["cctv"]) == len(log.of_kind("cctv"))  # 30 days by default keeps the whole horizon
    rows = out.audit[out.audit["control"] == "retention"].set_index("dataset")
    assert rows.loc["anpr", "rows_in"] == len(log.of_kind("anpr")) and rows.loc["anpr", "rows_out"] == 0
    expected_kept = (log.of_kind("wifi_bt")["slot"].to_numpy() * 15 >= 2880 - 720).sum()
    assert rows.loc["wifi_bt", "rows_out"] == expected_kept


def test_retention_does_not_change_the_aggregates():
    world = small_world()
    log = random_log(world, seed=2)
    (long, exposure_long), (none, exposure_none) = (release_and_exposure(world, log),
                                                    release_and_exposure(world, log, retention=retention(0)))
    assert exposure_none == 0 < exposure_long
    assert all(len(frame) == 0 for frame in none.records.values())
    for kind, frame in long.aggregates.items():
        assert np.array_equal(frame["count"], none.aggregates[kind]["count"])
