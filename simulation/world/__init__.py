"""Stage 1, the world: the city, its residents and their days, simulated as a Mesa model.

Read in the order of the pipeline:

- ``city.py`` (zones, land uses, roads, transit lines, routing on them; ``routing.py`` the vectorised routes),
  ``city_io.py`` (zone tables in CSV or GeoJSON), ``city_gen.py`` (a city generated from a seed) and
  ``city_source.py`` (the city a scenario names);
- ``region.py``: the places beyond the city, where residents go out of town;
- ``residents.py``: who lives there (archetypes, homes, workplaces, devices) and the Mesa agent;
- ``places.py``: where they choose to go (exploration and preferential return over one memory of places);
- ``absence.py``: days that break the routine (sickness, leave, home working, trips away);
- ``planning.py``: each day's activity chains; ``travel.py``: each trip's mode and route, into the arrays;
- ``model.py``: the Mesa model that steps through the days, and ``build_world``;
- ``presence.py``: :class:`World`, the output: who was where, doing what, in every slot.
"""

from simulation.world.presence import World

__all__ = ["World"]
