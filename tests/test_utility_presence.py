"""The public device table: one per sensor table and deployment settings, built from both."""

from __future__ import annotations

import pandas as pd

from simulation.metrics.utility.presence import device_table


def test_the_device_table_is_built_once_per_sensor_table_and_settings(tiny_run):
    config, sensors = tiny_run.config, tiny_run.log.sensors
    table = device_table(sensors, config)
    assert device_table(sensors, config) is table
    settings = {s.name: (s.detection_probability, s.sampling_interval_minutes) for s in config.sensors}
    assert table["detection_probability"].tolist() == [settings[n][0] for n in sensors["name"]]
    changed = config.model_copy(update={"sensors": [s.model_copy(update={"detection_probability": 0.25})
                                                    for s in config.sensors]})
    other = device_table(sensors, changed)
    assert other is not table and set(other["detection_probability"]) == {0.25}
    copy = sensors.copy()  # an equal but new sensor table: built afresh, equal content
    assert device_table(copy, config) is not table
    pd.testing.assert_frame_equal(device_table(copy, config), table)
