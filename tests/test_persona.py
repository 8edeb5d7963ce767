"""One resident's week: picked by traits, built from the run's own truth, release and outcomes."""

import numpy as np
import pytest

from simulation.persona import (
    ResidentCriteria,
    matching_residents,
    persona_sentences,
    pick_resident,
    resident_week,
)
from simulation.pipeline import run
from simulation.scenario import IDENTIFYING_KINDS
from simulation.sweep import apply_settings
from tests.conftest import tiny_config


@pytest.fixture(scope="module")
def result():
    return run(tiny_config())


def test_someone_like_me_has_every_trait_asked_for(result):
    criteria = ResidentCriteria(archetype="office_worker", has_card=True, phone_wifi_on=True)
    for draw in range(5):
        resident = pick_resident(result.world, 7, criteria, draw)
        row = result.world.residents.loc[resident]
        assert row["archetype"] == "office_worker" and row["has_card"] and row["phone_wifi_on"]
    assert pick_resident(result.world, 7, criteria, 3) == pick_resident(result.world, 7, criteria, 3)
    assert len({pick_resident(result.world, 7, criteria, d) for d in range(8)}) > 1


def test_impossible_traits_are_refused_with_what_to_relax(result):
    criteria = ResidentCriteria(phone_wifi_on=False, randomised_mac=True)  # only emitting phones randomise
    assert matching_residents(result.world, criteria).size == 0
    with pytest.raises(ValueError, match="relax"):
        pick_resident(result.world, 7, criteria)


def test_the_timeline_covers_the_week_without_gaps(result):
    persona = resident_week(result, 11)
    timeline = persona.timeline
    assert timeline["start_minute"].iloc[0] == 0
    assert timeline["end_minute"].iloc[-1] == persona.horizon_hours * 60
    assert (timeline["start_minute"].to_numpy()[1:] == timeline["end_minute"].to_numpy()[:-1]).all()
    assert set(timeline["activity"]) >= {"home"}


def test_the_records_are_the_residents_own_released_rows(result):
    for resident in range(0, 300, 37):
        persona = resident_week(result, resident)
        expected = {kind: int((truth == resident).sum()) for kind, truth in result.release.record_truth.items()
                    if (truth == resident).any()}
        assert persona.records_per_kind() == expected
        captured = result.log.records.loc[result.log.records["resident"] == resident, "kind"].value_counts()
        assert persona.captured == {str(k): int(v) for k, v in captured.items() if v}
        table = result.assessment.breakdowns["resident_outcomes"]
        assert persona.outcome["any_attack"] == bool(table.loc[resident, "any_attack"])


def test_the_sentences_follow_the_outcomes(result):
    table = result.assessment.breakdowns["resident_outcomes"]
    tracked = int(np.flatnonzero(table["tracked"].to_numpy())[0])
    sentences = " ".join(persona_sentences(resident_week(result, tracked)))
    assert f"on {int(table.loc[tracked, 'tracked_days'])} days" in sentences
    untouched = np.flatnonzero(~table["any_attack"].to_numpy() & (table["records"].to_numpy() > 0))
    assert untouched.size, "the tiny city has residents with kept records whom no attack reaches"
    sentences = " ".join(persona_sentences(resident_week(result, int(untouched[0]))))
    assert "not counted in the privacy risk" in sentences


def test_a_control_change_changes_the_persona(result):
    table = result.assessment.breakdowns["resident_outcomes"]
    resident = int(np.flatnonzero(table["any_attack"].to_numpy())[0])
    before = resident_week(result, resident)
    edged = run(apply_settings(result.config, {"controls.edge_aggregation.kinds": sorted(IDENTIFYING_KINDS)}))
    after = resident_week(edged, resident)
    assert before.records_per_kind() and not after.records_per_kind()
    assert after.captured == before.captured  # the same sensors saw the same person
    assert "none was kept" in persona_sentences(after)[0]


def test_an_unknown_resident_is_a_clear_message(result):
    with pytest.raises(ValueError, match="between 0 and 299"):
        resident_week(result, 300)
