import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.controls.differential_privacy import bound_contributions, laplace_scale
from simulation.controls.dp_accounting import COUNT_SHARE_WITH_DROPPED
from tests.control_fixtures import random_log, release, small_world


def exact_and_noisy(world, log, kind, epsilon, m, seed=5):
    exact = release(world, log, seed=seed)
    noisy = release(world, log, seed=seed, differential_privacy={"enabled": True, "epsilon": epsilon,
                                                                 "max_contributions": m})
    return exact, noisy


def test_laplace_scale_is_sensitivity_over_epsilon_checked_by_opendp():
    assert laplace_scale(8, 1.0) == pytest.approx(8.0)
    assert laplace_scale(3, 0.5) == pytest.approx(6.0)


def test_measured_error_matches_the_laplace_scale_and_halves_when_epsilon_doubles():
    """With bounding inactive (m large), the error of each cell is pure Laplace noise of scale m / epsilon_counts.

    Wi-Fi records carry an identifier, so the table gives COUNT_SHARE_WITH_DROPPED of its epsilon to its counts.
    """
    world = small_world(n=80, days=2)
    log = random_log(world, seed=1, per_kind=400, kinds=("wifi_bt",), devices_per_kind=12)
    m = 400  # no pseudonym appears in more cells, so nothing is clipped
    errors = {}
    for epsilon in (2.0, 4.0):
        exact, noisy = exact_and_noisy(world, log, "wifi_bt", epsilon, m)
        truth = exact.aggregates["wifi_bt"].set_index(["time", "unit"])["count"]
        released = noisy.aggregates["wifi_bt"].set_index(["time", "unit"])["count"]
        error = (released - truth.reindex(released.index, fill_value=0.0)).abs()
        scale = m / (epsilon * COUNT_SHARE_WITH_DROPPED)
        # E|Laplace(b)| = b, sd |Laplace(b)| = b: the mean over n cells is within 4 b / sqrt(n) of b
        assert abs(error.mean() - scale) < 4 * scale / np.sqrt(len(error))
        audit = noisy.audit[noisy.audit["control"] == "differential_privacy"]
        assert audit["noise_scale"].item() == pytest.approx(scale)
        assert audit["contributions_clipped"].item() == 0
        errors[epsilon] = error.mean()
    assert errors[4.0] / errors[2.0] == pytest.approx(0.5, rel=0.12)


def test_every_cell_of_the_public_domain_is_released():
    world = small_world()
    log = random_log(world, seed=2, kinds=("anpr",), devices_per_kind=3)
    _, noisy = exact_and_noisy(world, log, "anpr", 1.0, 4)
    table = noisy.aggregates["anpr"]
    n_bins = noisy.horizon_minutes // noisy.time_bin_minutes
    sensor_units = np.unique(noisy.units[log.sensors["zone"].to_numpy()])
    assert len(table) == n_bins * len(sensor_units)
    assert set(table["unit"]) == set(sensor_units)


@settings(max_examples=15, deadline=None)
@given(m=st.integers(1, 6), seed=st.integers(0, 1000))
def test_no_pseudonym_contributes_to_more_than_m_cells(m, seed):
    rng = np.random.default_rng(seed)
    n = 500
    contrib = {"time": rng.integers(0, 20, n) * 60, "unit": rng.integers(0, 5, n).astype(np.int32),
               "person": rng.integers(-1, 30, n), "weight": np.ones(n)}
    # one row per (cell, person) as aggregation makes them, anonymous rows may repeat
    key = contrib["time"] * 1000 + contrib["unit"] * 100 + contrib["person"]
    _, first = np.unique(key, return_index=True)
    first = np.sort(np.r_[first, np.flatnonzero(contrib["person"] < 0)])
    first = np.unique(first)
    contrib = {name: column[first] for name, column in contrib.items()}
    bounded, clipped = bound_contributions(contrib, m, np.random.default_rng(seed + 1))
    person = bounded["person"]
    per_person = np.bincount(person[person >= 0])
    assert per_person.max() <= m
    original = np.bincount(contrib["person"][contrib["person"] >= 0], minlength=len(per_person))
    assert (per_person == np.minimum(original[:len(per_person)], m)).all()
    assert clipped == len(contrib["person"]) - len(person)
    assert (bounded["person"] < 0).sum() == (contrib["person"] < 0).sum()


def test_each_raw_identifier_keeps_at_most_m_contributions_over_the_horizon_whatever_the_key_rotation():
    """Hourly keys give a plate a new pseudonym every hour; the curator bounds the plate itself, at capture."""
    world = small_world()
    log = random_log(world, seed=3, per_kind=600, kinds=("anpr",))
    m = 2
    exact = release(world, log, pseudonymisation={"rotation": "hourly"})
    noisy = release(world, log, pseudonymisation={"rotation": "hourly"},
                    differential_privacy={"enabled": True, "epsilon": 20.0, "max_contributions": m})
    records = exact.records["anpr"].assign(owner=exact.record_truth["anpr"])  # a plate belongs to one resident
    per_plate = records.drop_duplicates(["time", "unit", "pseudonym"]).groupby("owner").size()
    assert per_plate.max() > m
    clipped = noisy.audit.loc[noisy.audit["control"] == "differential_privacy", "contributions_clipped"].item()
    assert clipped == int((per_plate - m).clip(lower=0).sum())
    table = noisy.noised["anpr"]
    assert table.formal and table.worst_contribution == m and table.identifiers_per_person == 1
    assert table.epsilon == pytest.approx(20.0)
    released_total = noisy.aggregates["anpr"]["count"].sum()
    expected_total = np.minimum(per_plate, m).sum()
    assert abs(released_total - expected_total) < 5 * table.count_scale * np.sqrt(len(noisy.aggregates["anpr"]))
