"""The region beyond the city (simulation.world.region): distances by a truncated power law, gateways at the edge."""

import numpy as np
import pytest

from simulation.rng import stream
from simulation.scenario import WorldConfig
from simulation.world.city_source import load_city
from simulation.world.region import BETA, D0_KM, KAPPA_KM, draw_distances, make_region


@pytest.fixture(scope="module")
def city():
    return load_city(WorldConfig(), seed=0)


def test_distances_follow_the_truncated_power_law():
    d = draw_distances(stream(1, "test"), 50000, 5.0)
    assert d.min() >= 5.0
    # the density ratio between two distances matches the law's (log-binned counts per km)
    edges = np.array([20.0, 25.0, 200.0, 250.0])
    counts = np.histogram(d, edges)[0][[0, 2]] / np.diff(edges)[[0, 2]]
    law = ((np.array([22.5, 225.0]) + D0_KM) ** -BETA) * np.exp(-np.array([22.5, 225.0]) / KAPPA_KM)
    assert counts[0] / counts[1] == pytest.approx(law[0] / law[1], rel=0.15)


def test_places_lie_beyond_the_city_and_leave_by_its_edge(city):
    region = make_region(city, seed=4)
    size_km = city.zone_size_m / 1000
    centre = np.array([city.width, city.height]) * size_km / 2
    distance = np.hypot(region.x_km - centre[0], region.y_km - centre[1])
    assert np.allclose(distance, region.distance_km)
    assert (distance > np.hypot(*centre)).all()
    assert city.road_mask[region.gateway_road].all()
    assert city.station_mask[region.gateway_station].all()
    # an eastern place is left by an eastern road zone
    east = np.argmax(region.x_km - centre[0] - np.abs(region.y_km - centre[1]))
    x = city.zones["x"].to_numpy()
    assert x[region.gateway_road[east]] >= city.width - 2
    assert make_region(city, seed=4).x_km.tolist() == region.x_km.tolist()
