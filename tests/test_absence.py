"""Days that break the routine (simulation.world.absence): spells of leave and trips away, sickness, home working."""

import numpy as np

from simulation.world.absence import HOME_WORKING_SHARE, SICK_SHARE, SPELL_DAYS, day_status, draw_spells


def test_spells_never_overlap_and_last_five_to_twelve_days():
    works = np.arange(20000) % 2 == 0
    spells = draw_spells(7, works, days=28)
    happens = spells.end >= spells.start
    length = (spells.end - spells.start + 1)[happens]
    assert length.min() >= SPELL_DAYS[0] and length.max() <= SPELL_DAYS[1]
    for k in range(1, spells.start.shape[1]):
        both = happens[:, k] & happens[:, k - 1]
        assert (spells.start[both, k] > spells.end[both, k - 1]).all()
    assert not spells.away[~happens].any()


def test_about_seven_percent_of_working_days_are_leave_and_non_workers_travel_away():
    works = np.ones(20000, bool)
    spells = draw_spells(3, works, days=28)
    covered = np.mean([(spells.covering(day) >= 0).mean() for day in range(28)])
    assert 0.05 < covered < 0.10
    assert 0.35 < spells.away[spells.end >= spells.start].mean() < 0.65
    others = draw_spells(3, ~works, days=28)
    assert others.away[others.end >= others.start].all()


def test_a_day_is_one_kind_and_home_working_is_for_office_workers_on_weekdays():
    n = 20000
    office = np.arange(n) % 2 == 0
    spells = draw_spells(5, np.ones(n, bool), days=7)
    status = day_status(5, spells, day=2, weekday=2, office=office)
    kinds = np.stack([status.sick, status.on_leave, status.leaving, status.away, status.returning,
                      status.home_working]).astype(int)
    assert kinds.sum(axis=0).max() == 1
    assert not status.home_working[~office].any()
    assert abs(status.home_working[office].mean() - HOME_WORKING_SHARE) < 0.03
    assert abs(status.sick.mean() - SICK_SHARE) < 0.01
    weekend = day_status(5, spells, day=5, weekday=5, office=office)
    assert not weekend.home_working.any()
    again = day_status(5, spells, day=2, weekday=2, office=office)
    assert (again.sick == status.sick).all()
