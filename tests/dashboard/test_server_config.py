"""The server's configuration for hosting: protections pinned, message and upload sizes what the app needs."""

from __future__ import annotations

import tomllib
from pathlib import Path

from dashboard import charts, frames
from simulation.pipeline import build_world, observe
from simulation.scenario import ScenarioConfig
from simulation.world.city_io import MAX_TABLE_BYTES
from tests.conftest import TINY_SENSORS

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())


def test_xsrf_and_cors_protection_are_pinned_on():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True
    assert CONFIG["server"]["address"] == "127.0.0.1"
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_uploads_fit_the_largest_file_the_app_reads_and_no_more():
    assert CONFIG["server"]["maxUploadSize"] * 1_000_000 >= MAX_TABLE_BYTES
    assert CONFIG["server"]["maxUploadSize"] <= 2
    assert CONFIG["server"]["maxWidgetStateSize"] <= 2


def test_the_largest_charts_of_the_largest_city_fit_one_message_with_room_to_spare():
    config = ScenarioConfig.model_validate({"world": {"city": "generated", "grid_size": 64, "days": 1},
                                            "population": {"residents": 300}, "sensors": TINY_SENSORS})
    world = build_world(config)
    log = observe(world, config)
    limit = CONFIG["server"]["maxMessageSize"] * 1_000_000
    for figure in (charts.city_map_figure(world.city.zones, log.sensors),
                   charts.population_figure(frames.population_by_hour(world))):
        assert len(figure.to_json()) < limit / 2
    assert limit < 200_000_000  # below Streamlit's default
