import pytest

from dashboard.widgets import describe_field
from simulation.scenario import (
    AccessControl,
    AdversaryConfig,
    CctvSensor,
    ControlsConfig,
    DifferentialPrivacyControl,
    EdgeAggregationControl,
    PseudonymisationControl,
    RetentionControl,
    ScenarioConfig,
    SensorBase,
)


def _spec(model, name):
    return describe_field(name, model.model_fields[name])


def test_share_becomes_a_percent_slider_with_title_and_help():
    spec = _spec(SensorBase, "detection_probability")
    assert (spec.kind, spec.minimum, spec.maximum, spec.step, spec.is_int) == ("slider", 0.0, 1.0, 0.01, False)
    assert spec.label == "Detection probability" and spec.help.startswith("Chance that")


def test_a_lower_bound_off_the_step_grid_starts_at_the_first_step_allowed():
    spec = _spec(DifferentialPrivacyControl, "epsilon")  # at least 0.001, steps of 0.1
    assert spec.kind == "slider" and spec.minimum > 0.0 and spec.maximum == 20.0
    assert spec.minimum == spec.step


def test_an_exclusive_lower_bound_is_not_offered():
    from pydantic import BaseModel, Field

    class Bounded(BaseModel):
        rate: float = Field(1.0, gt=0.0, le=1.0)

    spec = _spec(Bounded, "rate")
    assert spec.minimum == spec.step == 0.01


def test_integer_ranges_are_integer_sliders_and_wide_ones_number_inputs():
    known = _spec(AdversaryConfig, "known_points")
    assert (known.kind, known.minimum, known.maximum, known.step, known.is_int) == ("slider", 1, 20, 1, True)
    watchlist = _spec(CctvSensor, "watchlist_size")
    assert (watchlist.kind, watchlist.maximum) == ("number", 10_000)
    seed = _spec(ScenarioConfig, "seed")
    assert seed.kind == "number"


@pytest.mark.parametrize("model, name, kind, options", [
    (PseudonymisationControl, "rotation", "choice", ("never", "daily", "hourly")),
    (PseudonymisationControl, "enabled", "toggle", ()),
    (CctvSensor, "face_recognition", "toggle", ()),
    (EdgeAggregationControl, "kinds", "multichoice",
     ("cctv", "wifi_bt", "anpr", "transit_card", "smart_meter", "people_counter", "env_iot")),
    (ControlsConfig, "retention", "model", ()),
    (ScenarioConfig, "sensors", "skip", ()),
    (ScenarioConfig, "description", "skip", ()),
])
def test_kinds_follow_the_annotation(model, name, kind, options):
    spec = _spec(model, name)
    assert spec.kind == kind
    assert spec.options == options


def test_maps_keep_key_choices_and_value_ranges():
    retention = _spec(RetentionControl, "days")
    assert retention.kind == "number_map" and "cctv" in retention.options
    assert (retention.minimum, retention.maximum) == (0.0, 3650.0)
    grants = _spec(AccessControl, "grants")
    assert grants.kind == "choice_map" and grants.options == ("operator", "vendor", "police", "public")
    assert "anpr" in grants.value_options


def test_bindings_write_widget_values_into_the_scenario_paths():
    from dashboard.widgets import apply_bindings

    data = {"controls": {"k": 0, "days": {"cctv": 30.0}}, "sensors": [{"p": 0.5}, {"p": 0.7}]}
    bindings = [("a", ("controls", "k")), ("b", ("controls", "days", "anpr")), ("c", ("sensors", 1, "p")),
                ("missing", ("controls", "k"))]
    out = apply_bindings(data, bindings, {"a": 5, "b": 90.0, "c": 0.1})
    assert out == {"controls": {"k": 5, "days": {"cctv": 30.0, "anpr": 90.0}}, "sensors": [{"p": 0.5}, {"p": 0.1}]}
