"""Whether a valid scenario can run: the checks that need its city, made before any simulation.

The schema (:mod:`simulation.scenario`) checks each value on its own; some scenarios are valid values and still
cannot run, because they name what their city does not have: a zone table that is missing or unusable, a district
the city lacks, a zone id outside its grid. ``validate``, ``run`` and the dashboard all ask :func:`check_runnable`,
so a scenario that passes validation runs, and every refusal is a short list of readable lines.
"""

from __future__ import annotations

from simulation.scenario import ScenarioConfig
from simulation.scenario_errors import ScenarioError
from simulation.sensors.base import placement_problems
from simulation.world.city import City, CityError
from simulation.world.city_source import load_city


def runnable_problems(config: ScenarioConfig, city: City | None = None) -> list[str]:
    """Return why a valid scenario cannot run (empty when it can).

    Args:
        config: A validated scenario.
        city: Its city when the caller has it already (e.g. a zone table uploaded to the dashboard); otherwise
            the city the scenario names is loaded.

    Returns:
        One line per problem, naming the field: ``world.city`` or ``sensors[i].placement``.
    """
    if city is None:
        try:
            city = load_city(config.world, config.seed)
        except CityError as error:
            return [f"world.city: {error}"]
    return [f"sensors[{i}].placement ({sensor.name}): {problem}"
            for i, sensor in enumerate(config.sensors) for problem in placement_problems(sensor.placement, city)]


def check_runnable(config: ScenarioConfig, city: City | None = None) -> None:
    """Refuse a scenario that cannot run.

    Raises:
        ScenarioError: The problems of :func:`runnable_problems`.
    """
    problems = runnable_problems(config, city)
    if problems:
        raise ScenarioError(problems)
