"""Remembered attack results: moving an aggregate-only control reuses them; anything else attacks afresh."""

import dataclasses

import pandas as pd
import pytest

from simulation.controls.pipeline import apply_controls, records_key
from simulation.controls.state_memo import clear_remembered_states
from simulation.metrics.assess import assess, clear_remembered_attacks, run_attacks
from simulation.metrics.base import AssessmentContext
from simulation.metrics.risk import RISK_METRICS
from simulation.metrics.risk.traces import readable_traces, traces_of
from tests.conftest import tiny_config

ALL_RISKS = list(RISK_METRICS)


def with_controls(config, **sections):
    controls = config.controls.model_copy(update={
        name: getattr(config.controls, name).model_copy(update=values) for name, values in sections.items()})
    return config.model_copy(update={"controls": controls})


def test_records_key_ignores_aggregate_only_controls_and_weights_only():
    base = tiny_config()
    same = [with_controls(base, k_suppression={"k": 7}), with_controls(base, differential_privacy={"enabled": True}),
            base.model_copy(update={"utility_weights": {"energy": 1.0}, "name": "other"})]
    different = [with_controls(base, pseudonymisation={"rotation": "hourly"}),
                 with_controls(base, generalisation={"spatial_block_zones": 2}),
                 with_controls(base, retention={"days": {"wifi_bt": 1}}),
                 base.model_copy(update={"adversary": base.adversary.model_copy(update={"known_points": 2})}),
                 base.with_seed(8)]
    assert all(records_key(config) == records_key(base) for config in same)
    assert len({records_key(config) for config in [base, *different]}) == 1 + len(different)


def risks(assessment):
    return {name: assessment.outcomes[name] for name in ALL_RISKS}


@pytest.mark.parametrize("change", [{"k_suppression": {"k": 6}}, {"differential_privacy": {"enabled": True}},
                                    {"pseudonymisation": {"rotation": "hourly"}}])
def test_a_remembered_assessment_equals_a_fresh_one(tiny_run, change):
    world, log = tiny_run.world, tiny_run.log
    config = with_controls(tiny_run.config, **change)
    clear_remembered_attacks()
    assess(world, log, apply_controls(world, log, tiny_run.config), tiny_run.config)
    warm = assess(world, log, apply_controls(world, log, config), config)
    clear_remembered_attacks()
    cold = assess(world, log, apply_controls(world, log, config), config)
    assert risks(warm) == risks(cold)
    for name in ALL_RISKS:
        if name in cold.breakdowns:
            pd.testing.assert_frame_equal(warm.breakdowns[name], cold.breakdowns[name])


def test_a_release_without_key_is_attacked_afresh(tiny_run):
    world, log, config = tiny_run.world, tiny_run.log, tiny_run.config
    release = apply_controls(world, log, config)
    first = assess(world, log, release, config)
    truth = {kind: owners[::-1].copy() for kind, owners in release.record_truth.items()}
    reversed_truth = dataclasses.replace(release, record_truth=truth, records_key=None)
    assert risks(assess(world, log, reversed_truth, config)) != risks(first)


def test_moving_k_reuses_the_attacks_and_rotating_keys_does_not(tiny_run):
    world, log, config = tiny_run.world, tiny_run.log, tiny_run.config
    clear_remembered_attacks()
    first = assess(world, log, apply_controls(world, log, config), config)
    moved_k = with_controls(config, k_suppression={"k": 9})
    again = assess(world, log, apply_controls(world, log, moved_k), moved_k)
    assert again.breakdowns["risk_unicity"] is first.breakdowns["risk_unicity"]
    rotated = with_controls(config, pseudonymisation={"rotation": "hourly"})
    fresh = assess(world, log, apply_controls(world, log, rotated), rotated)
    assert fresh.breakdowns["risk_unicity"] is not first.breakdowns["risk_unicity"]


@pytest.mark.parametrize("rotation", ["never", "hourly"])
def test_attacks_on_two_threads_equal_the_attacks_one_after_the_other(tiny_run, rotation):
    world, log = tiny_run.world, tiny_run.log
    config = with_controls(tiny_run.config, pseudonymisation={"rotation": rotation})
    release = dataclasses.replace(apply_controls(world, log, config), records_key=None)  # never remembered
    together = run_attacks(AssessmentContext(world=world, log=log, release=release, config=config)).results
    fresh = dataclasses.replace(release)  # a new object: nothing cached for it
    in_turn = [metric(AssessmentContext(world=world, log=log, release=fresh, config=config))
               for metric in RISK_METRICS.values()]
    assert [result.name for result in together] == [result.name for result in in_turn] == ALL_RISKS
    for threaded, sequential in zip(together, in_turn, strict=True):
        assert threaded.value == sequential.value and threaded.extra == sequential.extra
        if sequential.breakdown is not None:
            pd.testing.assert_frame_equal(threaded.breakdown, sequential.breakdown)


def test_an_assessment_lets_go_of_its_traces_and_a_second_one_rebuilds_them_alike(tiny_run):
    world, log, config = tiny_run.world, tiny_run.log, tiny_run.config
    release = dataclasses.replace(apply_controls(world, log, config), records_key=None)  # never remembered
    kind = next(iter(readable_traces(release, config.adversary.role)))
    held = traces_of(release, kind)
    first = assess(world, log, release, config)
    assert traces_of(release, kind) is not held  # forgotten after the attacks, so built anew
    assert risks(assess(world, log, release, config)) == risks(first)


@pytest.mark.parametrize("change", [{}, {"pseudonymisation": {"rotation": "hourly"}},
                                    {"generalisation": {"spatial_block_zones": 2}, "k_suppression": {"k": 4}},
                                    {"release": {"level": "aggregates"}}])
def test_attacks_started_ahead_equal_attacks_after_the_release(tiny_run, change, monkeypatch):
    import simulation.metrics.assess as stage4
    import simulation.pipeline as pipeline

    world, log = tiny_run.world, tiny_run.log
    config = with_controls(tiny_run.config, **change)
    clear_remembered_attacks()
    after = assess(world, log, apply_controls(world, log, config), config)
    clear_remembered_attacks()
    clear_remembered_states()  # else stage 3 starts after the records are made, and nothing is attacked ahead
    started, attacked = [], []
    monkeypatch.setattr(pipeline, "start_attacks", lambda *args, go=pipeline.start_attacks: started.append(args[2])
                        or go(*args))
    monkeypatch.setattr(stage4, "_attack_all", lambda ctx, run=stage4._attack_all: attacked.append(ctx) or run(ctx))
    release = pipeline.release_attacked_ahead(world, log, config)
    ahead = assess(world, log, release, config)
    assert len(attacked) == 1  # ahead, or by assess if the start had not begun yet: never twice
    if "release" in change:  # only aggregates released: nothing to attack ahead of
        assert started == [] and not release.records
    else:  # started on the early release: the same record frames, no aggregates yet
        assert len(started) == 1 and started[0] is not release and release.records and not started[0].aggregates
        assert started[0].records.keys() == release.records.keys()
        assert all(started[0].records[kind] is frame for kind, frame in release.records.items())
    assert ahead.outcomes == after.outcomes
    for name, frame in after.breakdowns.items():
        pd.testing.assert_frame_equal(ahead.breakdowns[name], frame)


def test_the_early_release_shares_the_final_record_frames(tiny_run):
    world, log = tiny_run.world, tiny_run.log
    config = with_controls(tiny_run.config, pseudonymisation={"rotation": "daily"})
    clear_remembered_states()
    early = []
    final = apply_controls(world, log, config, on_records=early.append)
    assert len(early) == 1 and early[0].records_key == final.records_key == records_key(config)
    assert final.records and all(final.records[kind] is early[0].records[kind] for kind in final.records)
    assert final.aggregates and not early[0].aggregates
    assert len(final.audit) > len(early[0].audit)
    clear_remembered_attacks()  # later tests start from a cold attack memo
