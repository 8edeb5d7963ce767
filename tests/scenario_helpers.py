"""Shared helper of the scenario-file tests: the problems a bad scenario text is refused with."""

from __future__ import annotations

import pytest

from simulation.scenario_io import ScenarioError, parse_scenario


def problems_of(text: str | bytes) -> list[str]:
    """Return the problem lines of a text that must be refused (and check str(error) joins them)."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="bad.yaml")
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems
