"""Per-resident attacks on the adversary's profiles: every figure a share of residents, each attack doing what its
definition says, and the profiles built from released fields only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.metrics.risk.profiles import build_profiles
from simulation.metrics.risk.record_attacks import ATTACK_COLUMNS, record_attacks
from simulation.metrics.risk.resident_attacks import Knowledge, resident_outcomes
from simulation.metrics.risk.traces import readable_traces
from simulation.metrics.risk.tracking import tracking_parts
from simulation.release import Release
from tests.risk_fixtures import make_config, make_context, make_release, make_world
from tests.risk_shuffle import shuffled_truth

WORLD = make_world(300, 3, seed=5, width=12)


def outcomes(release, config=None):
    return record_attacks(make_context(WORLD, release, config))


@pytest.fixture(scope="module")
def fixed_keys():
    return outcomes(make_release(WORLD, rotation="never", detect=0.4, seed=5))


def test_one_row_per_resident_and_every_figure_a_share_of_residents(fixed_keys):
    table = fixed_keys.residents
    assert len(table) == WORLD.n_residents and list(table["resident"]) == list(range(WORLD.n_residents))
    for outcome, column in ATTACK_COLUMNS.items():
        assert fixed_keys.results[outcome].value == pytest.approx(table[column].mean())
        assert 0.0 <= fixed_keys.results[outcome].value <= 1.0


def test_named_plates_linked_to_phones_name_their_owners(fixed_keys):
    table = fixed_keys.residents
    assert fixed_keys.results["risk_identified"].value > 0.8  # a driver's plate names them (anpr is named)
    assert fixed_keys.results["risk_linkage"].value > 0.1  # phones joined to plates or faces
    assert fixed_keys.results["risk_linkage"].extra["risk_linkage_precision"] > 0.8
    joined = table[table["linked_across"]]
    assert (joined["datasets_in_profile"].str.count(r"\+") >= 1).all()


def test_a_role_that_reads_only_named_datasets_links_no_phone():
    police = outcomes(make_release(WORLD, rotation="never", detect=0.4, seed=5), make_config(role="police"))
    assert "wifi_bt" not in set(police.results["risk_unicity"].breakdown["dataset"])
    assert not police.residents["datasets_in_profile"].str.contains("wifi_bt").any()


def test_faster_key_rotation_tracks_and_links_fewer_residents(fixed_keys):
    hourly = outcomes(make_release(WORLD, rotation="hourly", detect=0.4, seed=5))
    assert hourly.results["risk_tracking"].value <= fixed_keys.results["risk_tracking"].value
    assert hourly.results["risk_tracking"].extra["risk_tracked_time"] < \
        fixed_keys.results["risk_tracking"].extra["risk_tracked_time"]


def test_more_known_points_single_out_more_residents():
    release = make_release(WORLD, rotation="never", detect=0.4, seed=5, block=3, time_bin=240)
    values = [outcomes(release, make_config(known_points=p)).results["risk_unicity"].value for p in (2, 4, 8)]
    assert values[0] < values[1] < values[2]  # de Montjoye et al.: unicity grows with the points known


def profiles_of(release):
    ctx = make_context(WORLD, release)
    traces = readable_traces(release, "operator")
    return build_profiles(release, traces, {p.kind: p()[2] for p in tracking_parts(ctx)})


def test_profiles_are_built_from_released_fields_only():
    release = make_release(WORLD, rotation="daily", detect=0.4, seed=6)
    ours, again = profiles_of(release), profiles_of(shuffled_truth(release, seed=2))
    assert np.array_equal(ours.profile, again.profile)
    assert ours.links[["links"]].equals(again.links[["links"]])
    assert again.links_correct < ours.links_correct  # only the score moves


def one_dataset_release(rows: list[tuple[int, int, int, int]], n_residents: int, named: bool = False) -> Release:
    """A release of one Wi-Fi dataset from (resident, pseudonym, unit, hour) rows; units are zones."""
    resident, pseudonym, unit, hour = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    frame = pd.DataFrame({"time": (hour * 60).astype(np.int32), "unit": unit.astype(np.int32),
                          "pseudonym": pseudonym, "value": np.float32(np.nan), "epoch": np.int32(0),
                          "named": named})
    return Release(records={"wifi_bt": frame}, record_truth={"wifi_bt": resident.astype(np.int32)},
                   aggregates={}, identified=set(), readable={"operator": ["wifi_bt"]},
                   units=np.arange(WORLD.city.n_zones, dtype=np.int32), time_bin_minutes=60,
                   horizon_minutes=3 * 1440)


def attack(release, knowledge, n):
    traces = readable_traces(release, "operator")
    profiles = build_profiles(release, traces, {k: np.arange(t.n_traces) for k, t in traces.items()})
    return resident_outcomes(profiles, knowledge, n, np.empty(0, np.int64), WORLD.city.n_zones, 73,
                             np.random.default_rng(0))[0]


def test_singling_out_needs_p_points_and_uniqueness():
    # resident 0: 4 points of their own; resident 1: 2 points; resident 2 shares all of resident 3's points
    rows = [(0, 100, 5, h) for h in (1, 2, 3, 4)] + [(1, 101, 6, h) for h in (1, 2)]
    rows += [(2, 102, 7, h) for h in (1, 2, 3, 4)] + [(3, 103, 7, h) for h in (1, 2, 3, 4)]
    knowledge = Knowledge(home_unit=np.full(4, 30), work_unit=np.full(4, -1), known_points=4,
                          knows_home_work=True, start_weekday=0)
    table = attack(one_dataset_release(rows, 4), knowledge, 4)
    assert table["singled_out"].tolist() == [True, False, False, False]
    two = attack(one_dataset_release(rows, 4), Knowledge(**{**knowledge.__dict__, "known_points": 2}), 4)
    assert two["singled_out"].tolist() == [True, True, False, False]


def test_home_and_work_reidentify_only_a_unique_pair():
    # night at home (hour 1 of a Monday), work at 10:00: residents 0 and 1 share home 5 and work 6; resident 2 alone
    rows = [(0, 100, 5, 1), (0, 100, 6, 10), (1, 101, 5, 1), (1, 101, 6, 10), (2, 102, 8, 1), (2, 102, 9, 10)]
    knowledge = Knowledge(home_unit=np.array([5, 5, 8]), work_unit=np.array([6, 6, 9]), known_points=4,
                          knows_home_work=True, start_weekday=0)
    table = attack(one_dataset_release(rows, 3), knowledge, 3)
    assert table["reidentified"].tolist() == [False, False, True]
    assert table["anonymity_set"].tolist() == [2, 2, 1]
    assert table["home_found"].all() and table["work_found"].all()
    assert table["home_inferred"].tolist() == [5, 5, 8] and table["work_inferred"].tolist() == [6, 6, 9]


def test_a_profile_seen_only_by_day_has_a_workplace_but_no_home():
    rows = [(0, 100, 6, 10), (0, 100, 6, 11)]
    knowledge = Knowledge(home_unit=np.array([5]), work_unit=np.array([6]), known_points=2,
                          knows_home_work=True, start_weekday=0)
    table = attack(one_dataset_release(rows, 1), knowledge, 1)
    assert table.loc[0, "home_inferred"] == -1 and not table.loc[0, "home_found"]
    assert table.loc[0, "work_inferred"] == 6 and table.loc[0, "work_found"]


def test_named_records_identify_and_attribute_sensitive_visits():
    rows = [(0, 100, 5, 1), (0, 100, 11, 20), (1, 101, 6, 1)]
    release = one_dataset_release(rows, 2, named=True)
    release.identified.add("wifi_bt")
    knowledge = Knowledge(home_unit=np.array([5, 6]), work_unit=np.full(2, -1), known_points=4,
                          knows_home_work=True, start_weekday=0)
    traces = readable_traces(release, "operator")
    profiles = build_profiles(release, traces, {k: np.arange(t.n_traces) for k, t in traces.items()})
    n_units, n_bins = WORLD.city.n_zones, 73
    visit = np.array([(0 * n_units + 11) * n_bins + 20])  # resident 0 was at a clinic in unit 11 at 20:00
    table = resident_outcomes(profiles, knowledge, 2, visit, n_units, n_bins, np.random.default_rng(0))[0]
    assert table["identified"].tolist() == [True, True]
    assert table["sensitive_inferred"].tolist() == [True, False]
