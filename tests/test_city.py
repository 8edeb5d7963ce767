import json

import numpy as np
import pandas as pd
import pytest

from simulation.codes import LAND_USES, MODE_BIKE, MODE_CAR, MODE_TRANSIT, MODE_WALK
from simulation.scenario import WorldConfig
from simulation.world.city import CityError
from simulation.world.city_gen import generate_city
from simulation.world.city_io import (
    DEFAULT_CITY_PATH,
    MAX_TABLE_BYTES,
    MAX_ZONES,
    city_from_bytes,
    read_zone_table,
    write_zone_table,
    zone_table,
)
from simulation.world.city_source import load_city, shipped_tables
from simulation.world.routing import manhattan


@pytest.fixture(scope="module")
def city():
    return load_city(WorldConfig(), seed=1)


def adjacent_steps(city, route):
    return manhattan(route[:-1], route[1:], city.width)


def test_default_city_has_every_land_use_and_named_districts(city):
    assert (city.width, city.height, city.zone_size_m) == (24, 24, 250.0)
    assert set(city.zones["land_use"]) == set(LAND_USES)
    assert "centre" in city.districts() and len(city.districts()) >= 5
    assert 2 <= len(city.transit_lines) <= 3
    assert city.station_mask.sum() >= 2 * len(city.transit_lines)


def test_generated_city_is_plausible_and_repeatable():
    a = generate_city(20, 200.0, seed=5)
    b = generate_city(20, 200.0, seed=5)
    c = generate_city(20, 200.0, seed=6)
    pd.testing.assert_frame_equal(a.zones, b.zones)
    assert a.transit_lines == b.transit_lines
    assert not a.zones["land_use"].equals(c.zones["land_use"])
    uses = a.zones.set_index(a.zones["district"])["land_use"]
    centre_offices = (uses.loc["centre"] == "office").mean()
    assert centre_offices > (a.zones["land_use"] == "office").mean()
    assert set(LAND_USES) <= set(a.zones["land_use"])


@pytest.mark.parametrize("mode", [MODE_WALK, MODE_BIKE, MODE_CAR, MODE_TRANSIT])
def test_routes_are_contiguous_from_origin_to_destination(city, mode):
    rng = np.random.default_rng(0)
    for o, d in rng.integers(0, city.n_zones, size=(40, 2)):
        route = city.route(o, d, mode)
        assert route[0] == o and route[-1] == d
        assert (adjacent_steps(city, route) == 1).all() or len(route) == 1


def test_walk_goes_straight(city):
    route = city.route(0, city.n_zones - 1, MODE_WALK)
    assert len(route) - 1 == manhattan(0, city.n_zones - 1, city.width)


def test_car_drives_on_roads_between_entry_and_exit(city):
    rng = np.random.default_rng(1)
    for o, d in rng.integers(0, city.n_zones, size=(40, 2)):
        route = city.route(o, d, MODE_CAR)
        start, end = city.network_span(o, d, MODE_CAR)
        assert city.road_mask[route[int(start):int(end) + 1]].all()


def test_transit_trip_passes_stations_and_rides_the_lines(city):
    o, d = 0, city.n_zones - 1
    assert city.transit_serves(o, d)
    route = city.route(o, d, MODE_TRANSIT)
    start, end = (int(v) for v in city.network_span(o, d, MODE_TRANSIT))
    assert city.station_mask[route[start]] and city.station_mask[route[end]]
    assert np.isin(route[start:end + 1], city.transit_network.nodes).all()


def test_route_is_cached(city):
    assert city.route(3, 400, MODE_CAR) is city.route(3, 400, MODE_CAR)


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_zone_table_round_trip(city, tmp_path, suffix):
    path = write_zone_table(city, tmp_path / f"mine{suffix}")
    back = read_zone_table(path)
    pd.testing.assert_frame_equal(zone_table(back), zone_table(city))
    assert back.transit_lines == city.transit_lines and back.name == "mine"


def test_geojson_is_a_feature_collection(city, tmp_path):
    document = json.loads(write_zone_table(city, tmp_path / "c.geojson").read_text())
    assert document["type"] == "FeatureCollection" and len(document["features"]) == city.n_zones


def _table():
    return pd.read_csv(DEFAULT_CITY_PATH, dtype=str, keep_default_na=False)


def _write(tmp_path, table):
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    return path


def _broken(kind):
    t = _table()
    w = 24
    if kind == "land_use":
        t.loc[5, "land_use"] = "casino"
    elif kind == "column":
        t = t.drop(columns="district")
    elif kind == "duplicate":
        t.loc[7, "zone_id"] = "6"
    elif kind == "gap":
        t = t.drop(index=100)
    elif kind == "coords":
        t.loc[30, "x"] = "3"
    elif kind == "residential":
        t["land_use"] = t["land_use"].str.replace("residential_(low|mid|high)", "park", regex=True)
    elif kind == "roads":
        t["road"] = "False"
        for z in list(range(0, w)) + [10 * w + 10, 10 * w + 11]:
            t.loc[z, "road"] = "True"
    elif kind == "line":
        row = t.index[t["lines"].str.contains("L1:5")][0]
        t.loc[row, "lines"] = t.loc[row, "lines"].replace("L1:5", "")
        t.loc[0, "lines"] = "L1:5"
    elif kind == "stations":
        t["lines"] = ""
        t["station"] = "False"
        for order, z in enumerate(range(0, 4)):
            t.loc[z, "lines"], t.loc[z, "station"] = f"L1:{order}", "True"
        for order, z in enumerate(range(10 * w, 10 * w + 4)):
            t.loc[z, "lines"], t.loc[z, "station"] = f"L2:{order}", "True"
    elif kind == "stray":
        row = t.index[t["lines"] == ""][0]
        t.loc[row, "station"] = "True"
    elif kind == "bool":
        t.loc[3, "road"] = "maybe"
    return t


@pytest.mark.parametrize("kind, message", [
    ("land_use", "unknown land use casino"),
    ("column", "missing column(s) district"),
    ("duplicate", "duplicate zone_id 6"),
    ("gap", "without gaps; missing 100"),
    ("coords", "not a full grid"),
    ("residential", "no residential zone"),
    ("roads", "road network is disconnected: road zones 250, 251"),
    ("line", "transit line L1 is not contiguous"),
    ("stations", "transit network is disconnected"),
    ("stray", "on no transit line"),
    ("bool", "is not true/false"),
])
def test_bad_zone_tables_are_refused_with_their_problem(tmp_path, kind, message):
    with pytest.raises(CityError) as error:
        read_zone_table(_write(tmp_path, _broken(kind)))
    assert message in str(error.value)
    if kind == "land_use":
        assert "allowed: residential_low" in str(error.value)


def test_load_city_choices(tmp_path):
    assert load_city(WorldConfig(city="generated", grid_size=8, zone_size_m=100), 3).n_zones == 64
    with pytest.raises(CityError, match="not found"):
        load_city(WorldConfig(city=str(tmp_path / "nowhere.csv")), 3)
    with pytest.raises(CityError, match="unknown file type"):
        (tmp_path / "city.txt").write_text("x")
        read_zone_table(tmp_path / "city.txt")


@pytest.mark.parametrize("document, message", [
    ({"type": "Feature"}, "must be a FeatureCollection"),
    ({"type": "FeatureCollection", "features": {}}, "'features' must be a list"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]}, "needs a 'properties'"),
])
def test_bad_geojson_is_refused(tmp_path, document, message):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(document))
    with pytest.raises(CityError, match=message):
        read_zone_table(path)


def test_unreadable_geojson_is_refused(tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_bytes(b"\xff\xfe{not json")
    with pytest.raises(CityError, match="cannot be read"):
        read_zone_table(path)


def test_shipped_default_city_is_the_documented_generation(city):
    from simulation.world.city_gen import DEFAULT_CITY_SEED

    regenerated = generate_city(24, 250.0, DEFAULT_CITY_SEED, name="default")
    pd.testing.assert_frame_equal(zone_table(regenerated), zone_table(city))


def test_a_shipped_table_is_found_in_data_wherever_the_program_runs(city, tmp_path, monkeypatch):
    assert "data/default_city.csv" in shipped_tables()
    monkeypatch.chdir(tmp_path)
    shipped = load_city(WorldConfig(city="data/default_city.csv"), 3)
    pd.testing.assert_frame_equal(zone_table(shipped), zone_table(city))


def test_a_table_uploaded_to_the_dashboard_is_not_looked_for_on_disk():
    with pytest.raises(CityError, match="uploaded to the dashboard in one browser session"):
        load_city(WorldConfig(city="upload:0123456789abcdef"), 3)


def test_a_table_read_from_bytes_equals_the_file(city, tmp_path):
    for suffix in (".csv", ".geojson"):
        data = write_zone_table(city, tmp_path / f"mine{suffix}").read_bytes()
        pd.testing.assert_frame_equal(zone_table(city_from_bytes(data, f"mine{suffix}")), zone_table(city))


@pytest.mark.parametrize("name, data, message", [
    ("big.csv", b"x" * (MAX_TABLE_BYTES + 1), "at most 1,000,000"),
    ("many.csv", b"zone_id\n" + b"1\n" * (MAX_ZONES + 1), f"more than {MAX_ZONES:,} zones"),
    ("deep.geojson", b"[" * 100_000, "nesting deeper than 20 levels"),
    ("twice.json", b'{"type": "FeatureCollection", "type": "x"}', "given twice"),
    ("secret.csv", b"DB_PASSWORD=hunter2\n", "missing column(s)"),
    ("zones.exe", b"MZ", "unknown file type '.exe'"),
])
def test_hostile_tables_are_refused_in_short_messages(name, data, message):
    with pytest.raises(CityError) as caught:
        city_from_bytes(data, name)
    assert message in str(caught.value) and len(str(caught.value)) < 400


def test_values_quoted_from_a_table_are_shortened(tmp_path):
    table = _table()
    table.loc[3, "road"] = "y" * 10_000
    with pytest.raises(CityError) as caught:
        read_zone_table(_write(tmp_path, table))
    assert "is not true/false" in str(caught.value) and len(str(caught.value)) < 300
