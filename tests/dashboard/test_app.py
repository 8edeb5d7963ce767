"""AppTest of every page: no exception, a control change changes the numbers, uploads and links are validated."""

import re

import pytest

from dashboard import stages
from simulation.presets import DEFAULT_PRESET
from simulation.scenario_io import dump_scenario

PAGES = ["dashboard/pages/explore.py", "dashboard/pages/city_map.py", "dashboard/pages/compare.py",
         "dashboard/pages/export.py", "dashboard/pages/methods.py"]
CHARTS = {"explore.py": 3, "city_map.py": 2, "compare.py": 3, "export.py": 0, "methods.py": 0}


def shown_errors(at) -> str:
    """Return the text of every error box as a reader sees it (Markdown escapes removed)."""
    return " ".join(re.sub(r"\\(.)", r"\1", error.value).replace("\u2060", "") for error in at.error)


def _metrics(at) -> list[str]:
    return [metric.value for metric in at.metric]


def _widget(at, suffix):
    matches = [w for w in at.get("selectbox") + at.get("toggle") + at.get("slider")
               if (w.key or "").endswith(suffix)]
    assert matches, f"no widget whose key ends with {suffix!r}"
    return matches[0]


def _submit(at):
    buttons = [b for b in at.get("button") if b.label == "Run scenario"]
    buttons[-1].click()
    return at.run()


def test_opens_on_the_default_preset_with_results(app):
    app.run()
    assert not app.exception
    assert app.session_state["reference"] == DEFAULT_PRESET
    assert len(app.get("plotly_chart")) == CHARTS["explore.py"]
    assert len(app.metric) == 5 and all(value != "n/a" for value in _metrics(app)[:2])
    assert app.query_params["preset"] == DEFAULT_PRESET
    assert any(caption.value.startswith("Differential privacy is off") for caption in app.caption)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(app, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert len(app.get("plotly_chart")) == CHARTS[page.rsplit("/", 1)[1]]
    assert not app.error


def test_a_control_change_changes_the_numbers_and_reruns_only_stages_3_and_4(app):
    app.run()
    before = _metrics(app)
    calls = dict(stages.STAGE_CALLS)
    _widget(app, ".controls.generalisation.spatial_block_zones").set_value(6)
    _widget(app, ".controls.generalisation.temporal_bin_minutes").set_value(1440)
    _submit(app)
    assert not app.exception and not app.error
    assert app.session_state["scenario"].controls.generalisation.spatial_block_zones == 6
    assert _metrics(app) != before
    assert stages.STAGE_CALLS["world"] == calls["world"]
    assert stages.STAGE_CALLS["observe"] == calls["observe"]
    assert stages.STAGE_CALLS["release"] >= calls["release"] + 1
    assert stages.STAGE_CALLS["assess"] >= calls["assess"] + 1
    assert "s" in app.query_params  # the URL now carries the change


def test_a_shared_link_reopens_the_same_scenario(app):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    app.run()
    _widget(app, ".controls.k_suppression.k").set_value(5)
    _widget(app, ".adversary.known_points").set_value(2)
    _submit(app)
    link = dict(app.query_params)
    other = AppTest.from_file(str(APP), default_timeout=120)
    other.query_params.update(link)
    other.run()
    assert not other.exception
    assert other.session_state["source"] == "a shared link"
    assert other.session_state["scenario"] == app.session_state["scenario"]
    assert _metrics(other) == _metrics(app)


def test_a_damaged_link_shows_its_problems_and_the_default_preset(app):
    app.query_params.update({"preset": DEFAULT_PRESET, "s": "not-a-scenario"})
    app.run()
    assert not app.exception
    assert "damaged" in shown_errors(app)
    assert app.session_state["reference"] == DEFAULT_PRESET
    assert len(app.get("plotly_chart")) == CHARTS["explore.py"]


def test_a_bad_upload_lists_its_problems_and_keeps_the_scenario(app):
    app.run()
    app.switch_page("dashboard/pages/export.py").run()
    before = app.session_state["scenario"]
    bad = b"name: Bad Name!\npopulation:\n  residents: -5\ncontrols:\n  k_suppression: {k: 1e9}\nwhatever: 1\n"
    app.file_uploader[0].set_value(("bad.yaml", bad, "application/yaml")).run()
    assert not app.exception
    message = shown_errors(app)
    assert "bad.yaml" in message and "residents" in message and "whatever" in message
    assert app.session_state["scenario"] == before


def test_a_good_upload_becomes_the_scenario_on_every_page(app):
    app.run()
    app.switch_page("dashboard/pages/export.py").run()
    edited = stages.preset_config(DEFAULT_PRESET).model_copy(update={"name": "uploaded_one", "seed": 99})
    app.file_uploader[0].set_value(("mine.yaml", dump_scenario(edited).encode(), "application/yaml")).run()
    assert not app.exception and not app.error
    assert app.session_state["scenario"] == edited
    app.switch_page("dashboard/pages/explore.py").run()
    assert "uploaded_one" in app.caption[0].value


def test_settings_that_cannot_run_are_listed_by_their_titles_and_change_nothing(app):
    app.run()
    before = app.session_state["scenario"]
    _widget(app, ".controls.differential_privacy.enabled").set_value(True)
    name = [w for w in app.text_input if (w.key or "").endswith(".name") and ".sensor" in w.key][0]
    name.set_value("Bad Name!")
    _submit(app)
    assert not app.exception
    message = shown_errors(app)
    assert "Name: found 'Bad Name!'" in message and "lowercase letters" in message
    assert "sensors[" not in message  # named by its title, not its path
    assert app.session_state["scenario"] == before


def test_picking_a_preset_loads_it_and_compares_against_it(app):
    app.run()
    other = [name for name in stages.presets() if name != DEFAULT_PRESET][-1]
    before, epoch = _metrics(app), app.session_state["form_epoch"]
    app.selectbox(key="preset_picker").set_value(other).run()
    assert not app.exception
    assert app.session_state["reference"] == other
    assert app.session_state["scenario"] == stages.preset_config(other)
    assert app.session_state["form_epoch"] == epoch + 1  # the form now shows the preset's own values
    assert _metrics(app) != before
    assert app.query_params == {"preset": other}


def test_false_face_alerts_read_off_without_face_recognition(app):
    app.run()
    face = [m for m in app.metric if m.label == "False face alerts"][0]
    uses = any(getattr(s, "face_recognition", False) for s in app.session_state["scenario"].sensors)
    assert (face.value == "off") == (not uses)
    app.selectbox(key="preset_picker").set_value("public_safety").run()
    face = [m for m in app.metric if m.label == "False face alerts"][0]
    assert face.value != "off"  # public safety runs live face recognition
