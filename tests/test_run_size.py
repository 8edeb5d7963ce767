"""The size of a run before it runs: resident-days, expected records, estimated memory."""

from __future__ import annotations

import pytest

from simulation.run_size import estimated_bytes, estimated_records, resident_days
from simulation.world.city_source import load_city
from tests.conftest import tiny_config


def test_the_record_estimate_is_close_to_the_records_written(tiny_run):
    config = tiny_run.config
    estimate = estimated_records(config, tiny_run.world.city)
    assert 0.7 * estimate <= len(tiny_run.log.records) <= 1.3 * estimate


def test_the_memory_estimate_grows_with_scale_resolution_and_coverage():
    base = tiny_config()
    city = load_city(base.world, base.seed)
    size = estimated_bytes(base, city)
    assert estimated_bytes(tiny_config(world={"days": 4}), city) == pytest.approx(2 * size, rel=0.01)
    assert 1.3 * size < estimated_bytes(tiny_config(population={"residents": 600}), city) <= 2 * size  # counters
    finer = tiny_config(world={"days": 2, "slot_minutes": 5})
    assert size < estimated_bytes(finer, city) < 1.5 * size  # finer arrays, the same samples
    every_5 = [{**sensor, "sampling_interval_minutes": 5} for sensor in base.model_dump()["sensors"]]
    assert estimated_bytes(tiny_config(world={"days": 2, "slot_minutes": 5}, sensors=every_5), city) > 2.9 * size
    sparse = [{**sensor, "placement": {"zone_share": 0.05}} for sensor in base.model_dump()["sensors"]]
    assert estimated_bytes(tiny_config(sensors=sparse), city) < size
    assert resident_days(base) == 600
