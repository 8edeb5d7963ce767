"""Every metric a planner sees is explained: question, formula, unit, direction and source."""

from __future__ import annotations

import pytest

from simulation.metrics.docs import REGISTRIES
from simulation.metrics.plain_docs import CARDS, HIGHER, LOWER, card_of

OUTCOMES = ["utility_overall", "risk_overall", *REGISTRIES["utility"], *REGISTRIES["risk"]]


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_every_metric_has_a_complete_card(outcome):
    card = card_of(outcome)
    assert card.question.endswith("?")
    assert all(len(text) > 10 for text in (card.formula, card.unit, card.source))
    assert card.direction == (HIGHER if outcome.startswith("utility_") else LOWER)
    assert card.label and "_" not in card.label


def test_cards_are_one_per_metric_and_shares_read_as_percentages():
    assert len({card.outcome for card in CARDS}) == len(CARDS) == len(set(OUTCOMES))
    for card in CARDS:
        if not card.outcome.endswith(("_per_10k", "_epsilon_total")):
            assert "%" in card.unit, card.outcome
    with pytest.raises(KeyError):
        card_of("utility_nothing")
