"""AppTest of the scenario editor: deployments added, duplicated and removed, placement, residents and days within
the server's cap, service weights, the edited scenario's name, changes not yet run and discarded."""

from __future__ import annotations

import re

from dashboard import draft, stages
from simulation.presets import DEFAULT_PRESET
from tests.dashboard.test_app import shown_errors

PRESET = stages.preset_config(DEFAULT_PRESET)


def _run(at):
    [b for b in at.button if b.label == "Run scenario"][0].click()
    at.run()
    assert not at.exception, at.exception
    return at.session_state["scenario"]


def _button(at, label: str):
    return [b for b in at.button if b.label == label][0]


def _keyed(at, kind: str, suffix: str):
    found = [w for w in at.get(kind) if (w.key or "").endswith(suffix)]
    assert found, f"no {kind} whose key ends with {suffix!r}"
    return found[0]


def _name_key(at) -> str:
    return f"form{at.session_state['form_epoch']}.name"


def _pending(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_a_deployment_is_added_then_runs_under_its_own_name(app):
    app.run()
    _keyed(app, "selectbox", ".new_kind").set_value("anpr")
    _button(app, "Add a deployment").click().run()
    assert "1 change not yet run" in _pending(app)
    assert _keyed(app, "selectbox", ".sensor_choice").value == len(PRESET.sensors)  # the new one is shown
    config = _run(app)
    added = config.sensors[-1]
    assert (added.kind, added.name, added.placement.zone_share) == ("anpr", "anpr_1", draft.NEW_SENSOR_SHARE)
    assert len(config.sensors) == len(PRESET.sensors) + 1
    assert config.name == f"{DEFAULT_PRESET}_edited" and config.description.startswith("Edited from preset")
    assert "No changes" in " ".join(c.value for c in app.caption)


def test_duplicate_then_remove_leaves_nothing_to_run(app):
    app.run()
    _button(app, "Duplicate").click().run()
    data = app.session_state["draft"]
    assert [s["name"] for s in data["sensors"][:2]] == [PRESET.sensors[0].name, f"{PRESET.sensors[0].name}_1"]
    assert data["sensors"][1]["placement"] == data["sensors"][0]["placement"]
    _button(app, "Remove").click().run()  # the copy is shown: it is the one removed
    assert app.session_state["draft"] == PRESET.model_dump(mode="json")
    assert not _pending(app)


def test_a_removed_deployment_is_gone_from_the_scenario_that_runs(app):
    app.run()
    _keyed(app, "selectbox", ".sensor_choice").set_value(2).run()
    _button(app, "Remove").click().run()
    config = _run(app)
    assert [s.name for s in config.sensors] == [s.name for i, s in enumerate(PRESET.sensors) if i != 2]


def test_placement_shows_only_the_ways_chosen_and_empties_the_others(app):
    app.run()
    camera = PRESET.sensors[0]
    assert camera.placement.districts and camera.placement.zone_share == 0
    placed_by = _keyed(app, "segmented_control", ".placed_by")
    assert placed_by.value == ["districts"]
    assert not [s for s in app.slider if (s.key or "").endswith(".zone_share")]  # no share shown for districts
    placed_by.set_value(["share"]).run()
    share = _keyed(app, "slider", ".zone_share")
    assert share.value == draft.NEW_SENSOR_SHARE
    config = _run(app)
    assert config.sensors[0].placement.districts == [] and config.sensors[0].placement.zone_share > 0
    _keyed(app, "segmented_control", ".placed_by").set_value([]).run()
    assert "no device" in " ".join(w.value for w in app.warning)


def test_residents_and_days_stay_within_the_server_cap(app):
    app.run()
    cap = stages.server().limits.max_resident_days
    residents = _keyed(app, "number_input", ".population.residents")
    assert residents.max == min(200_000, cap // PRESET.world.days)
    assert _keyed(app, "slider", ".world.days").max == min(28, cap // PRESET.population.residents)
    residents.set_value(250)
    _keyed(app, "number_input", ".utility_weights.environment").set_value(0.0)
    config = _run(app)
    assert config.population.residents == 250 and config.utility_weights["environment"] == 0.0
    assert not app.error


def test_the_edited_name_goes_back_when_the_preset_settings_return(app):
    app.run()
    _keyed(app, "slider", ".adversary.known_points").set_value(2)
    assert _run(app).name == f"{DEFAULT_PRESET}_edited"
    assert _keyed(app, "text_input", _name_key(app)).value == f"{DEFAULT_PRESET}_edited"
    _keyed(app, "slider", ".adversary.known_points").set_value(PRESET.adversary.known_points)
    config = _run(app)
    assert config == PRESET  # the preset itself, with its name and description


def test_a_name_of_your_own_is_kept(app):
    app.run()
    _keyed(app, "text_input", _name_key(app)).set_value("my_plan")
    _keyed(app, "slider", ".adversary.known_points").set_value(2)
    config = _run(app)
    assert config.name == "my_plan" and config.description.startswith("Edited from preset")


def test_discard_drops_the_changes_not_yet_run(app):
    app.run()
    _keyed(app, "slider", ".adversary.known_points").set_value(2).run()
    assert "1 change not yet run" in _pending(app)
    _button(app, "Discard").click().run()
    assert not _pending(app)
    assert _keyed(app, "slider", ".adversary.known_points").value == PRESET.adversary.known_points
    assert app.session_state["scenario"] == PRESET


def test_the_changes_not_yet_run_are_listed_by_title_and_plain_value(app):
    app.run()
    _keyed(app, "toggle", ".controls.differential_privacy.enabled").set_value(True)
    _keyed(app, "slider", ".population.car_share").set_value(0.25).run()
    listed = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in app.markdown))  # as a reader sees it
    assert "Differential privacy: off → **on**" in listed
    assert "Residents with a car: 45% → **25%**" in listed
    assert "controls.differential_privacy" not in listed and "True" not in listed
    assert not shown_errors(app)


def _infos(at) -> str:
    return re.sub(r"\\(.)", r"\1", " ".join(box.value for box in at.info))


def test_a_change_that_cannot_change_anything_is_said_so_before_and_after_the_run(app):
    app.run()
    assert not any(getattr(s, "face_recognition", False) for s in PRESET.sensors)
    _keyed(app, "slider", ".controls.face_recognition.match_threshold").set_value(0.9).run()
    assert "Face-match threshold: no camera in this scenario recognises faces." in _infos(app)
    _run(app)
    note = _infos(app)
    assert "Your last change moved no number" in note and "no camera in this scenario recognises faces" in note


def test_noise_on_published_counts_while_records_are_released_is_explained_after_the_run(app):
    app.run()
    assert PRESET.controls.release.level == "records" and not PRESET.controls.differential_privacy.enabled
    before = {k: v for k, v in stages.outcomes_of(PRESET).items() if k != "risk_dp_epsilon_total"}
    _keyed(app, "toggle", ".controls.differential_privacy.enabled").set_value(True)
    config = _run(app)
    after = {k: v for k, v in stages.outcomes_of(config).items() if k != "risk_dp_epsilon_total"}
    assert after == before  # what the note explains
    assert "noise to the published counts only" in _infos(app)


def test_compare_lists_the_settings_by_title_in_plain_words(app):
    app.run()
    _keyed(app, "toggle", ".controls.differential_privacy.enabled").set_value(True)
    _keyed(app, "slider", ".population.car_share").set_value(0.25)
    _run(app)
    app.switch_page("dashboard/pages/compare.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert table.loc["Differential privacy"].tolist() == ["off", "on"]
    assert table.loc["Residents with a car"].tolist() == ["45%", "25%"]
    shown = " ".join(map(str, [*table.index, *table.to_numpy().ravel()]))
    assert not any(word in shown for word in ("controls.", "True", "False", "(absent)", "None"))


def test_a_new_time_slot_moves_every_sampling_interval_onto_its_grid(app):
    app.run()
    _keyed(app, "selectbox", ".world.slot_minutes").set_value(60).run()
    assert not app.error
    assert all(s["sampling_interval_minutes"] % 60 == 0 for s in app.session_state["draft"]["sensors"])
    slider = _keyed(app, "slider", ".sampling_interval_minutes")
    assert (slider.min, slider.step, slider.value % 60) == (60, 60, 0)


def test_more_residents_lower_the_days_allowed_at_once(app):
    app.run()
    cap = stages.server().limits.max_resident_days
    _keyed(app, "number_input", ".population.residents").set_value(cap // 3).run()
    assert _keyed(app, "slider", ".world.days").max == 3  # in the same run as the change
    assert "of at most" in " ".join(c.value for c in app.caption)
