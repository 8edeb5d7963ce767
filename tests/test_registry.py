from pathlib import Path

from simulation import registry
from simulation.scenario import SENSOR_KINDS, ControlsConfig

PACKAGE = Path(registry.__file__).parent


def test_every_sensor_kind_is_registered_in_a_file_of_its_name():
    assert set(registry.SENSOR_TYPES) == set(SENSOR_KINDS)
    for kind, cls in registry.SENSOR_TYPES.items():
        assert cls.__module__ == f"simulation.sensors.{kind}"
        assert (PACKAGE / "sensors" / f"{kind}.py").exists()


def test_controls_cover_every_scenario_section_in_schema_order():
    names = [control.name for control in registry.CONTROLS]
    sections = [name for name in ControlsConfig.model_fields if name in names]
    assert sections == list(ControlsConfig.model_fields)
    assert [n for n in names if n in sections] == sections


def test_metric_names_say_their_direction():
    assert all(name.startswith("utility_") for name in registry.UTILITY_METRICS)
    assert all(name.startswith("risk_") for name in registry.RISK_METRICS)
    described = registry.describe()
    assert described["sensors"] and described["controls"] and described["utility"] and described["risk"]


def test_every_metric_documents_its_definition():
    for metric in [*registry.UTILITY_METRICS.values(), *registry.RISK_METRICS.values()]:
        doc = (metric.__doc__ or "") + (__import__(metric.__module__, fromlist=["x"]).__doc__ or "")
        assert len(doc) > 80, metric
