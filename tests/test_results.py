"""The tidy results row: identity, levers, uncertainties and outcomes, stable for the same inputs."""

from __future__ import annotations

from simulation.metrics.assess import Assessment
from simulation.results import results_row, results_table, run_id
from tests.utility_fixtures import config_for, sensors, world

OUTCOMES = {"utility_crowd": 0.5, "utility_overall": 0.4, "risk_unicity": 0.9, "risk_overall": 0.9}


def _config(**controls):
    return config_for(world(), sensors(kinds=("wifi_bt", "anpr")), seed=9, **controls)


def test_row_has_identity_levers_uncertainties_and_every_outcome():
    config = _config(pseudonymisation={"rotation": "hourly"})
    row = results_row(config, Assessment(outcomes=OUTCOMES, breakdowns={}), replicate=2)
    assert list(row.index[:4]) == ["run_id", "scenario", "seed", "replicate"]
    assert row["seed"] == 9 and row["replicate"] == 2 and row["scenario"] == config.name
    assert row["controls.pseudonymisation.rotation"] == "hourly"
    assert row["controls.access.grants.police"] == "cctv,anpr"
    assert row["sensors.wifi_bt.1.detection_probability"] == 0.8 and row["sensors.wifi_bt.1.name"] == "wifi"
    assert row["sensors.anpr.1.placement.zone_share"] == 1.0
    assert not [c for c in row.index if c.startswith("utility_") and c not in OUTCOMES]  # weights are weights.*
    assert row["weights.crowd"] == config.utility_weights["crowd"]
    assert row["adversary.known_points"] == config.adversary.known_points
    assert row["population.phone_wifi_on_share"] == config.population.phone_wifi_on_share
    for name, value in OUTCOMES.items():
        assert row[name] == value
    names = list(row.index)
    assert names.index("controls.pseudonymisation.rotation") < names.index("adversary.role") < names.index(
        "utility_crowd") < names.index("risk_unicity")


def test_same_inputs_give_the_same_row_and_any_change_a_new_run_id():
    config = _config()
    assessment = Assessment(outcomes=OUTCOMES, breakdowns={})
    assert results_row(config, assessment).equals(results_row(config, assessment))
    assert run_id(config, 0) == run_id(_config(), 0)
    assert run_id(config, 0) != run_id(config, 1)
    assert run_id(config, 0) != run_id(config.with_seed(10), 0)
    assert run_id(config, 0) != run_id(_config(k_suppression={"k": 5}), 0)


def test_table_lines_up_rows_with_different_sensors():
    first = results_row(_config(), Assessment(outcomes=OUTCOMES))
    other = config_for(world(), sensors(kinds=("cctv",)), seed=3)
    second = results_row(other, Assessment(outcomes={**OUTCOMES, "risk_tracking": 0.2}))
    table = results_table([first, second])
    assert len(table) == 2
    assert {"sensors.cctv.1.face_recognition", "sensors.wifi_bt.1.detection_probability"} <= set(table.columns)
    assert table.loc[1, "sensors.cctv.1.name"] == "cameras"
    outcomes = [c for c in table.columns if c.startswith(("utility_", "risk_", "flag_"))]
    assert list(table.columns[-len(outcomes):]) == outcomes  # outcomes, then the screening flags, come last
    assert table.columns[-1].startswith("flag_") and table.columns[-len(outcomes)].startswith("utility_")
    assert table["seed"].dtype.kind == "i"
    assert table.loc[0, "run_id"] == first["run_id"]
