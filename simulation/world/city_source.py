"""The city a scenario names: the shipped default, one generated from the seed, or a zone table.

Kept apart from the zone-table reader and the generator so that neither imports the other.
"""

from __future__ import annotations

from functools import lru_cache

from simulation.world.city import City, CityError
from simulation.world.city_gen import generate_city
from simulation.world.city_io import DATA_DIR, DEFAULT_CITY_PATH, TABLE_SUFFIXES, UPLOAD_PREFIX, read_zone_table


@lru_cache(maxsize=1)
def _default_city(mtime_ns: int) -> City:
    """Return the shipped default city, read once per process (and again if the file changes)."""
    city = read_zone_table(DEFAULT_CITY_PATH)
    return City(zones=city.zones, width=city.width, height=city.height, zone_size_m=city.zone_size_m,
                transit_lines=city.transit_lines, name="default")


def load_city(world: object, seed: int) -> City:
    """Return the city a scenario's world section names.

    Args:
        world: A :class:`simulation.scenario.WorldConfig`: ``city`` is 'default' (the shipped
            data/default_city.csv), 'generated' (made from the seed with grid_size and zone_size_m), a table
            shipped in data/ (``data/<file>``, read from the project's data folder wherever the program runs) or
            the path of a zone table.
        seed: The scenario seed (used only for 'generated').

    Returns:
        The City.

    Raises:
        CityError: The named table is missing or cannot be used.
    """
    if world.city == "default":
        return _default_city(DEFAULT_CITY_PATH.stat().st_mtime_ns)
    if world.city == "generated":
        return generate_city(world.grid_size, world.zone_size_m, seed)
    if world.city in shipped_tables():
        return read_zone_table(DATA_DIR / world.city.removeprefix("data/"))
    if world.city.startswith(UPLOAD_PREFIX):
        raise CityError(f"{world.city!r} names a zone table uploaded to the dashboard in one browser session; "
                        "download that table from the dashboard (Export page) and give its path instead")
    return read_zone_table(world.city)


def shipped_tables() -> list[str]:
    """Return the zone tables shipped in data/, as a scenario names them (``data/<file>``)."""
    return sorted(f"data/{path.name}" for path in DATA_DIR.iterdir()
                  if path.suffix.lower() in TABLE_SUFFIXES and path.is_file())
