"""Zone tables: read and write a city as CSV or GeoJSON, and check it.

The format is documented in ``data/README.md``. One row (CSV) or feature (GeoJSON ``properties``) per zone:
``zone_id, x, y, land_use, district, road, station, lines`` and optionally ``zone_size_m`` (same in every row,
250 if absent). ``lines`` lists the transit lines through the zone as ``name:order`` pairs separated by ``;``
(e.g. ``L1:3;L2:7``: the 4th zone of line L1 and the 8th of line L2), empty when none.

Where a scenario's city comes from (:func:`simulation.world.city_source.load_city`): 'default', 'generated', a zone
table shipped in ``data/`` (named ``data/<file>``, found there wherever the program runs), or, on the command line,
the path of any zone table. A table is at most :data:`MAX_TABLE_BYTES` and :data:`MAX_ZONES` zones, checked before
it is parsed, and values quoted from it in messages are shortened. :func:`city_from_bytes` reads a table that was
uploaded (no file at all).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.codes import LAND_USES, RESIDENTIAL_USES
from simulation.resources import shipped
from simulation.safe_json import read_json
from simulation.scenario_errors import ScenarioError, shorten
from simulation.world.city import City, CityError
from simulation.world.routing import components, grid_links, manhattan

REQUIRED_COLUMNS: tuple[str, ...] = ("zone_id", "x", "y", "land_use", "district", "road", "station", "lines")
DATA_DIR = shipped("data")
"""The zone tables shipped with the project."""
DEFAULT_CITY_PATH = DATA_DIR / "default_city.csv"
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".geojson", ".json")
MAX_TABLE_BYTES = 1_000_000
"""Largest zone table read (a 64 x 64 city is about 0.2 MB as CSV, 0.6 MB as GeoJSON without geometry)."""
MAX_ZONES = 64 * 64
"""Most zones in a zone table (the largest generated city is 64 x 64)."""
UPLOAD_PREFIX = "upload:"
"""``world.city`` of a zone table uploaded to the dashboard: the prefix and the digest of the table."""
MAX_VALUE_CHARS = 40
DISTRICT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}
MAX_LISTED = 12


def listing(items: list) -> str:
    """Return the first few items of a list as text, with a count of the rest."""
    shown = ", ".join(shorten(str(i), MAX_VALUE_CHARS) for i in items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _line_name_key(name: str) -> tuple:
    """Sort key putting L2 before L10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def line_names(city: City) -> list[str]:
    """Return the names of a city's transit lines as written in zone tables (L1, L2, ...)."""
    return [f"L{i + 1}" for i in range(len(city.transit_lines))]


# ------------------------------------------------------------------ checks


def validate_city(city: City) -> None:
    """Check that a city can be simulated; raise CityError naming the first problem found.

    Checks: known land uses, a complete raster with row-major ids, district names usable in scenarios, at least
    one residential zone, at least one road zone and every road zone connected to the others, every transit line
    contiguous (consecutive zones edge-adjacent) with at least two stations, every station on a line, and every
    line connected to the others.

    Args:
        city: The city to check.

    Raises:
        CityError: The message names the problem, the zones concerned and what is allowed.
    """
    zones = city.zones
    n = city.width * city.height
    if len(zones) != n:
        raise CityError(f"the zones do not fill a {city.width} x {city.height} grid: {len(zones)} zones, "
                        f"expected {n} (one per x, y position)")
    unknown = sorted(set(zones["land_use"]) - set(LAND_USES))
    if unknown:
        bad = zones.index[zones["land_use"].isin(unknown)].tolist()
        raise CityError(f"unknown land use {listing(unknown)} (zones {listing(bad)}); allowed: "
                        f"{', '.join(LAND_USES)}")
    expected = zones["y"].to_numpy(np.int64) * city.width + zones["x"].to_numpy(np.int64)
    if not np.array_equal(expected, np.arange(n)) or not np.array_equal(zones.index.to_numpy(), np.arange(n)):
        bad = zones.index[expected != np.arange(n)].tolist()
        raise CityError(f"zone ids must be row-major on the grid (zone_id = y * {city.width} + x, 0..{n - 1}); "
                        f"zones out of place: {listing(bad)}")
    bad_names = sorted({d for d in zones["district"].astype(str) if not DISTRICT_PATTERN.match(d)})
    if bad_names:
        raise CityError(f"district names must be lower-case letters, digits, '_' or '-' (e.g. 'north_east'); "
                        f"found {listing(bad_names)}")
    if not zones["land_use"].isin(RESIDENTIAL_USES).any():
        raise CityError(f"the city has no residential zone: at least one zone must be one of "
                        f"{', '.join(RESIDENTIAL_USES)}")
    _check_roads(city)
    _check_transit(city)


def _check_roads(city: City) -> None:
    """Refuse a city without roads or whose road zones do not all connect."""
    mask = city.zones["road"].to_numpy(bool)
    roads = np.flatnonzero(mask)
    if len(roads) == 0:
        raise CityError("the city has no road zone: mark at least one zone road=true (cars drive on roads)")
    labels = components(roads, grid_links(mask, city.width, city.height), city.n_zones)
    if labels.max() > 0:
        main = np.bincount(labels).argmax()
        cut = roads[labels != main].tolist()
        raise CityError(f"the road network is disconnected: road zones {listing(cut)} are cut off from the "
                        f"main network (road zones must join edge to edge)")


def _check_transit(city: City) -> None:
    """Refuse non-contiguous lines, lines with fewer than two stations, stray stations and disconnected lines."""
    station = city.zones["station"].to_numpy(bool)
    names = line_names(city)
    on_line = np.zeros(city.n_zones, bool)
    for name, line in zip(names, city.transit_lines, strict=True):
        zones = np.asarray(line, np.int64)
        if len(zones) < 2:
            raise CityError(f"transit line {name} must run through at least 2 zones, found {len(zones)}")
        if zones.min() < 0 or zones.max() >= city.n_zones:
            raise CityError(f"transit line {name} names zones outside the grid (0..{city.n_zones - 1})")
        steps = manhattan(zones[:-1], zones[1:], city.width)
        if (steps != 1).any():
            k = int(np.flatnonzero(steps != 1)[0])
            raise CityError(f"transit line {name} is not contiguous: zone {zones[k]} (order {k}) and zone "
                            f"{zones[k + 1]} (order {k + 1}) are not edge-adjacent")
        if station[zones].sum() < 2:
            raise CityError(f"transit line {name} has {int(station[zones].sum())} station(s); it needs at least 2")
        on_line[zones] = True
    stray = np.flatnonzero(station & ~on_line).tolist()
    if stray:
        raise CityError(f"stations {listing(stray)} are on no transit line (a station must stand on a line)")
    if len(city.transit_lines) > 1:
        network = city.transit_network
        reachable = network.dist[0] >= 0
        cut = sorted(int(z) for z in np.intersect1d(network.nodes[~reachable], np.flatnonzero(station)))
        if cut:
            lines = [n for n, line in zip(names, city.transit_lines, strict=True) if set(line) & set(cut)]
            raise CityError(f"the transit network is disconnected: stations {listing(cut)} (lines "
                            f"{', '.join(lines)}) cannot be reached from line {names[0]}; lines must share a zone "
                            f"to connect")


# ------------------------------------------------------------------ reading


def _parse_bool(values: pd.Series, column: str) -> np.ndarray:
    """Parse a true/false column; refuse anything else naming the zone."""
    text = values.astype(str).str.strip().str.lower()
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise CityError(f"column {column!r}: value {_quoted(values.iloc[first])} in row {first + 1} is not true/false "
                        f"(allowed: true, false, 1, 0, yes, no)")
    return text.isin(_TRUE).to_numpy()


def _parse_int(values: pd.Series, column: str) -> np.ndarray:
    """Parse a whole-number column; refuse anything else naming the row."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers != np.floor(numbers))
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise CityError(f"column {column!r}: value {_quoted(values.iloc[first])} in row {first + 1} is not a whole "
                        "number")
    return numbers.to_numpy(np.int64)


def _parse_lines(values: pd.Series, zone_ids: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """Parse the ``lines`` column into ordered zone tuples, one per line sorted by line name."""
    orders: dict[str, dict[int, int]] = {}
    for zone, cell in zip(zone_ids, values.fillna("").astype(str), strict=True):
        for part in filter(None, (p.strip() for p in cell.split(";"))):
            name, sep, order = part.partition(":")
            if not sep or not name.strip() or not order.strip().isdigit():
                raise CityError(f"zone {zone}: lines entry {_quoted(part)} is not 'name:order' (e.g. 'L1:3;L2:7')")
            line = orders.setdefault(name.strip(), {})
            if int(order) in line:
                raise CityError(f"transit line {_quoted(name.strip())}: order {int(order)} is given to zones "
                                f"{line[int(order)]} and {zone}")
            line[int(order)] = int(zone)
    lines = []
    for name in sorted(orders, key=_line_name_key):
        steps = sorted(orders[name])
        if steps != list(range(len(steps))):
            missing = sorted(set(range(max(steps) + 1)) - set(steps))
            raise CityError(f"transit line {_quoted(name)}: orders must run 0, 1, 2, ... without gaps; "
                            f"missing {listing(missing)}")
        lines.append(tuple(orders[name][k] for k in steps))
    return tuple(lines)


def city_from_table(table: pd.DataFrame, name: str = "city") -> City:
    """Build and check a City from a zone table (one row per zone, columns as in data/README.md).

    Args:
        table: The zone table.
        name: Label of the city.

    Returns:
        The checked City.

    Raises:
        CityError: The table cannot be used; the message names the problem.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise CityError(f"zone table is missing column(s) {', '.join(missing)}; required: "
                        f"{', '.join(REQUIRED_COLUMNS)}")
    if len(table) == 0:
        raise CityError("zone table has no rows")
    ids = _parse_int(table["zone_id"], "zone_id")
    duplicated = sorted(set(ids[pd.Series(ids).duplicated().to_numpy()].tolist()))
    if duplicated:
        raise CityError(f"duplicate zone_id {listing(duplicated)}: each zone id must appear once")
    if ids.min() != 0 or ids.max() != len(ids) - 1:
        gaps = sorted(set(range(int(ids.max()) + 1)) - set(ids.tolist()))
        raise CityError(f"zone_id must run 0..{len(ids) - 1} without gaps; "
                        + (f"missing {listing(gaps)}" if gaps else f"found ids from {ids.min()} to {ids.max()}"))
    order = np.argsort(ids)
    table = table.iloc[order].reset_index(drop=True)
    ids = ids[order]
    x, y = _parse_int(table["x"], "x"), _parse_int(table["y"], "y")
    if x.min() < 0 or y.min() < 0:
        raise CityError("x and y must be grid positions (whole numbers from 0)")
    width, height = int(x.max()) + 1, int(y.max()) + 1
    if width * height != len(ids) or not np.array_equal(y * width + x, ids):
        bad = ids[(y * width + x) != ids].tolist() if width * height == len(ids) else []
        raise CityError(f"coordinates are not a full grid with row-major ids: {len(ids)} zones for a {width} x "
                        f"{height} grid (zone_id must equal y * width + x)"
                        + (f"; zones out of place: {listing(bad)}" if bad else ""))
    zone_size = 250.0
    if "zone_size_m" in table.columns:
        sizes = pd.to_numeric(table["zone_size_m"], errors="coerce").unique()
        if len(sizes) != 1 or not np.isfinite(sizes[0]) or not 50 <= sizes[0] <= 2000:
            raise CityError("column 'zone_size_m' must hold one number between 50 and 2000 in every row")
        zone_size = float(sizes[0])
    zones = pd.DataFrame({
        "x": x, "y": y,
        "land_use": table["land_use"].astype(str).str.strip().to_numpy(),
        "district": table["district"].astype(str).str.strip().to_numpy(),
        "road": _parse_bool(table["road"], "road"),
        "station": _parse_bool(table["station"], "station"),
    })
    zones.index.name = "zone_id"
    lines = _parse_lines(table["lines"], ids)
    city = City(zones=zones, width=width, height=height, zone_size_m=zone_size, transit_lines=lines, name=name)
    validate_city(city)
    return city


def _quoted(value: object) -> str:
    """Return a value from a zone table as a message quotes it: repr, shortened."""
    return shorten(repr(value), MAX_VALUE_CHARS)


def city_from_bytes(data: bytes, file_name: str) -> City:
    """Read a city from the bytes of a CSV or GeoJSON zone table (format in data/README.md).

    Args:
        data: The file's content (at most :data:`MAX_TABLE_BYTES`).
        file_name: Its name: the suffix picks the format (``.csv``, ``.geojson``, ``.json``) and the stem names
            the city. Messages name the file by this name only.

    Returns:
        The checked City.

    Raises:
        CityError: Too large, not a zone table, or a city that cannot be used; the message names the problem.
    """
    label = shorten(Path(file_name).name, MAX_VALUE_CHARS)
    suffix = Path(file_name).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise CityError(f"zone table {label!r}: unknown file type {_quoted(suffix)}; allowed: "
                        f"{', '.join(TABLE_SUFFIXES)}")
    if len(data) > MAX_TABLE_BYTES:
        raise CityError(f"zone table {label!r} is {len(data):,} bytes; at most {MAX_TABLE_BYTES:,}")
    try:
        if suffix == ".csv":
            table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, nrows=MAX_ZONES + 1)
        else:
            table = _geojson_table(read_json(data.decode("utf-8"), label, max_values=MAX_TABLE_BYTES))
    except CityError:
        raise
    except ScenarioError as error:
        raise CityError("; ".join(error.problems)) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise CityError(f"zone table {label!r} cannot be read as {suffix.lstrip('.').upper()} "
                        f"({type(error).__name__})") from None
    if len(table) > MAX_ZONES:
        raise CityError(f"zone table {label!r} has more than {MAX_ZONES:,} zones (64 x 64); at most {MAX_ZONES:,}")
    return city_from_table(table, name=Path(file_name).stem)


def read_zone_table(path: str | Path) -> City:
    """Read a city from a CSV or GeoJSON zone table file (format in data/README.md).

    Args:
        path: A ``.csv`` file, or a ``.geojson`` / ``.json`` FeatureCollection whose features carry the columns
            as properties (geometry is ignored).

    Returns:
        The checked City, named after the file.

    Raises:
        CityError: The file is missing, too large, unreadable, or describes a city that cannot be used.
    """
    path = Path(path)
    if not path.is_file():
        raise CityError(f"zone table {shorten(str(path), 200)!r} not found (give 'default', 'generated', a table "
                        "shipped in data/ or the path of a .csv or .geojson zone table)")
    if path.suffix.lower() in TABLE_SUFFIXES and path.stat().st_size > MAX_TABLE_BYTES:
        raise CityError(f"zone table {path.name!r} is {path.stat().st_size:,} bytes; at most {MAX_TABLE_BYTES:,}")
    data = path.read_bytes() if path.suffix.lower() in TABLE_SUFFIXES else b""
    return city_from_bytes(data, path.name)


def _geojson_table(document: object) -> pd.DataFrame:
    """Return the properties of a GeoJSON FeatureCollection as a table."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise CityError("GeoJSON zone table must be a FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise CityError("GeoJSON zone table: 'features' must be a list of features")
    rows = [f.get("properties") for f in features]
    if not all(isinstance(r, dict) for r in rows):
        raise CityError("GeoJSON zone table: every feature needs a 'properties' object")
    return pd.DataFrame(rows).astype(object).fillna("")


# ------------------------------------------------------------------ writing


def zone_table(city: City) -> pd.DataFrame:
    """Return the zone table of a city (the columns of data/README.md)."""
    cells: list[list[str]] = [[] for _ in range(city.n_zones)]
    for name, line in zip(line_names(city), city.transit_lines, strict=True):
        for order, zone in enumerate(line):
            cells[zone].append(f"{name}:{order}")
    zones = city.zones
    return pd.DataFrame({
        "zone_id": np.arange(city.n_zones),
        "x": zones["x"].to_numpy(np.int64),
        "y": zones["y"].to_numpy(np.int64),
        "land_use": zones["land_use"].to_numpy(),
        "district": zones["district"].to_numpy(),
        "road": zones["road"].to_numpy(bool),
        "station": zones["station"].to_numpy(bool),
        "lines": [";".join(c) for c in cells],
        "zone_size_m": city.zone_size_m,
    })


def write_zone_table(city: City, path: str | Path) -> Path:
    """Write a city as a zone table: CSV for ``.csv``, a GeoJSON FeatureCollection for ``.geojson``/``.json``.

    GeoJSON features carry the columns as properties and a null geometry (zones are grid cells in local metres,
    not longitude/latitude; x * zone_size_m, y * zone_size_m locate a zone's north-west corner).

    Args:
        city: The city.
        path: Output file.

    Returns:
        The path written.
    """
    path = Path(path)
    table = zone_table(city)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table.to_csv(path, index=False, lineterminator="\n")
    elif suffix in (".geojson", ".json"):
        records = json.loads(table.to_json(orient="records"))
        document = {"type": "FeatureCollection", "name": city.name,
                    "features": [{"type": "Feature", "geometry": None, "properties": r} for r in records]}
        path.write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
    else:
        raise CityError(f"cannot write a zone table as {suffix!r}; allowed: .csv, .geojson, .json")
    return path
