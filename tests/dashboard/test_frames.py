import numpy as np
import pandas as pd

from dashboard.frames import outcome_frame, pareto_front, settings_diff
from simulation.scenario import ScenarioConfig
from simulation.scenario_diff import flatten


def test_pareto_front_keeps_only_non_dominated_points():
    points = pd.DataFrame({"utility": [0.5, 0.6, 0.6, 0.9, 0.4], "risk": [0.5, 0.4, 0.6, 0.9, 0.1]})
    front = pareto_front(points)
    assert list(front.index) == [4, 1, 3]
    assert pareto_front(points.iloc[:0]).empty


def test_settings_diff_lists_only_what_differs_and_a_missing_sensor_once():
    wifi = {"kind": "wifi_bt", "name": "wifi", "placement": {"zone_share": 0.4}}
    air = {"kind": "env_iot", "name": "air"}
    a = ScenarioConfig.model_validate({"name": "a", "sensors": [wifi, air]})
    b = ScenarioConfig.model_validate({"name": "b", "sensors": [{**wifi, "detection_probability": 0.5}],
                                       "controls": {"k_suppression": {"k": 5}}})
    diff = settings_diff({"A": a, "B": b})
    assert diff.to_dict(orient="index") == {
        "K-suppression: Minimum cell count (k)": {"A": "0", "B": "5"},
        "Air/noise sensor 'air'": {"A": "Air/noise sensor", "B": "not in this scenario"},
        "Wi-Fi/Bluetooth counter 'wifi': Detection probability": {"A": "80%", "B": "50%"},
    }
    assert settings_diff({"A": a, "A again": a}).empty


def test_outcome_frame_keeps_order_and_skips_missing():
    frame = outcome_frame({"A": {"utility_crowd": 0.5, "utility_energy": 0.2}, "B": {"utility_crowd": 0.1}},
                          {"utility_energy": "Energy", "utility_crowd": "Crowd"})
    assert frame.to_dict(orient="records") == [
        {"scenario": "A", "outcome": "utility_energy", "label": "Energy", "value": 0.2},
        {"scenario": "A", "outcome": "utility_crowd", "label": "Crowd", "value": 0.5},
        {"scenario": "B", "outcome": "utility_crowd", "label": "Crowd", "value": 0.1},
    ]


def test_flatten_names_sensors_by_their_name():
    flat = flatten({"a": {"b": 1}, "sensors": [{"name": "cam", "kind": "cctv", "x": []}], "l": [1, 2]})
    assert flat == {"a.b": 1, "sensors[cam]": "cctv", "sensors[cam].kind": "cctv", "sensors[cam].x": (),
                    "l": (1, 2)}


def test_population_by_hour_counts_every_resident_in_the_city_in_every_hour(tiny_run):
    from dashboard.frames import population_by_hour

    world = tiny_run.world
    population = population_by_hour(world)
    assert sorted(population["hour"].unique()) == list(range(24))
    per_hour = population.groupby("hour")["people"].sum()
    in_city = world.in_city().sum(axis=1)  # residents out of town are in no zone of the city
    expected = [in_city[world.slot_hour() == hour].mean() for hour in range(24)]
    assert np.allclose(per_hour.to_numpy(), expected) and max(expected) <= world.n_residents
    assert (population["x"] == tiny_run.world.city.zones["x"].to_numpy()[population["zone"]]).all()


def test_sensor_coverage_has_a_row_per_deployed_kind(tiny_run):
    from dashboard.frames import sensor_coverage

    coverage = sensor_coverage(tiny_run.world, tiny_run.log)
    assert len(coverage) == tiny_run.log.sensors["kind"].nunique()
    assert coverage["Devices"].sum() == len(tiny_run.log.sensors)
    assert coverage["Records"].sum() == len(tiny_run.log.records)
    assert ((coverage["Share of zones"] > 0) & (coverage["Share of zones"] <= 1)).all()
    assert ((coverage["Share of residents' time in view"] >= 0)
            & (coverage["Share of residents' time in view"] <= 1)).all()
