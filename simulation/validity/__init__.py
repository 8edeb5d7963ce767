"""Does the simulated city behave like a real one? Stylised facts of mobility and re-identification.

Each family is one module whose functions read an :class:`Evidence` (a run's World, its stays and trips, and
transit-card taps at every station) and return a :class:`Fact` (published value, source, tolerance, our value,
verdict); the definitions and sources are in the functions' docstrings and in docs/validity.md.

``check_model(world, config)`` measures every fact; ``python -m simulation check-model`` prints and writes them.
"""

from __future__ import annotations

from simulation.scenario import ScenarioConfig
from simulation.validity import activity, anonymity, gyration, unicity, visits
from simulation.validity.evidence import Evidence
from simulation.validity.fact import INFO, OUTSIDE, WITHIN, Fact, facts_table
from simulation.world import World

__all__ = ["FAMILIES", "INFO", "OUTSIDE", "WITHIN", "Evidence", "Fact", "check_model", "facts_table"]

FAMILIES = (activity, gyration, visits, unicity, anonymity)
"""The families of facts, in the order they are reported."""


def check_model(world: World, config: ScenarioConfig) -> list[Fact]:
    """Measure every stylised fact on one run.

    Args:
        world: Stage 1 output of the scenario.
        config: The scenario (its seed names the measurements' random streams).

    Returns:
        The facts, family by family.
    """
    evidence = Evidence(world, config)
    return [measure(evidence) for family in FAMILIES for measure in family.FACTS]
