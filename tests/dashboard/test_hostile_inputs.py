"""A hostile visitor's links and uploads: each is refused clearly, and the next honest request still works.

Every case runs the whole app in AppTest (a browser session without the browser): it opens the hostile link or
uploads the hostile file, checks that no exception escaped, that the refusal says what is wrong in a short message
showing the visitor's text as text (Markdown escaped), and then that an honest request works: in the same session
(the default preset's charts are shown, an honest upload loads) and in a fresh one.
"""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import stages
from dashboard.share import decode_blob, encode_blob
from simulation.presets import DEFAULT_PRESET
from simulation.scenario_io import dump_scenario
from simulation.world.city_gen import generate_city
from simulation.world.city_io import write_zone_table
from tests.dashboard.conftest import APP

EXPLORE_CHARTS = 3
MAX_MESSAGE_CHARS = 9_000
INJECTION = "[click](http://evil.example) ![x](http://evil.example/p.png) <img src=x onerror=alert(1)> $x$"


def _raw_link(json_text: str) -> dict[str, str]:
    """Return the query parameters of a link whose scenario part is this JSON text, however malformed."""
    blob = base64.urlsafe_b64encode(zlib.compress(json_text.encode("utf-8"), 9)).decode("ascii").rstrip("=")
    return {"preset": DEFAULT_PRESET, "s": blob}


def _link(changes: dict) -> dict[str, str]:
    return {"preset": DEFAULT_PRESET, "s": encode_blob(changes)}


def _open(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(params)
    return at.run()


def _shown(at: AppTest) -> str:
    """The text of the error boxes as a reader sees it (Markdown escapes removed)."""
    return " ".join(re.sub(r"\\(.)", r"\1", error.value).replace("\u2060", "") for error in at.error)


def _assert_refused(at: AppTest, expected: str) -> str:
    assert not at.exception, at.exception
    message = _shown(at)
    assert expected in message, message
    assert sum(len(error.value) for error in at.error) < MAX_MESSAGE_CHARS
    return message


def _assert_honest_session_works(at: AppTest) -> None:
    """The session shows the default preset's results, and a fresh session opening an honest link too."""
    assert at.session_state["scenario"] == stages.preset_config(at.session_state["reference"])
    assert len(at.get("plotly_chart")) == EXPLORE_CHARTS
    honest = _open(_link({"controls": {"k_suppression": {"k": 7}}}))
    assert not honest.exception and not honest.error
    assert honest.session_state["scenario"].controls.k_suppression.k == 7
    assert len(honest.get("plotly_chart")) == EXPLORE_CHARTS


def _assert_markdown_escaped(at: AppTest) -> None:
    raw = " ".join(error.value for error in at.error).replace("\u2060", "")  # the joiner that stops autolinks
    assert "](http" not in raw and "<img" not in raw and "$x$" not in raw
    assert r"\[click\]\(http\:\/\/evil\.example\)" in raw


# ---------------------------------------------------------------- links


@pytest.mark.parametrize("depth", [25, 100_000])
def test_a_deeply_nested_link_is_refused_before_decoding(depth):
    at = _open(_raw_link("[" * depth + "]" * depth))
    _assert_refused(at, "nesting deeper than 20 levels")
    at.run()  # a reload of the same link
    _assert_refused(at, "nesting deeper than 20 levels")
    _assert_honest_session_works(at)


def test_a_field_name_with_markdown_and_html_is_shown_as_text():
    at = _open(_link({"world": {INJECTION: 1}}))
    message = _assert_refused(at, "unknown field")
    assert INJECTION[:40] in message
    _assert_markdown_escaped(at)
    _assert_honest_session_works(at)


def test_a_huge_field_name_gives_a_short_refusal():
    at = _open(_link({"world": {"x" * 150_000: 1}}))
    _assert_refused(at, "world: unknown field 'xxx")
    _assert_honest_session_works(at)


@pytest.mark.parametrize("city", ["/etc/passwd", "/etc/hostname.csv", "/nonexistent/zones.csv", "../data/x.csv",
                                  "data/../app.py", "tests/browser/server.py"])
def test_a_link_naming_a_server_path_is_refused_without_touching_it(city):
    at = _open(_link({"world": {"city": city}}))
    message = _assert_refused(at, "world.city: found")
    assert "never opens a file" in message
    assert "not found" not in message and "cannot be read" not in message  # no answer about the file itself
    _assert_honest_session_works(at)


@pytest.mark.parametrize("changes, expected", [
    ({"seed": True}, "seed: found true; expected a valid integer"),
    ({"population": {"residents": "300"}}, "population.residents: found '300'; expected a valid integer"),
    ({"controls": {"differential_privacy": {"epsilon": 1e-300}}},
     "controls.differential_privacy.epsilon: found 1e-300; allowed: at least 0.001"),
])
def test_a_link_is_checked_as_strictly_as_a_file(changes, expected):
    _assert_honest_session_works(_assert_refused_link(changes, expected))


def _assert_refused_link(changes: dict, expected: str) -> AppTest:
    at = _open(_link(changes))
    _assert_refused(at, expected)
    return at


EVERY_ZONE_EVERY_5_MINUTES = [
    {"kind": kind, "name": kind, "placement": {"zone_share": 1.0}, "detection_probability": 1.0,
     "sampling_interval_minutes": 5}
    for kind in ("cctv", "wifi_bt", "anpr", "transit_card", "smart_meter", "people_counter", "env_iot")]


@pytest.mark.parametrize("changes, expected", [
    ({"population": {"residents": 200_000}, "world": {"days": 28}},
     "at most 70,000 resident-days (residents x days) for its visitors; this one has 200,000 x 28 = 5,600,000"),
    ({"population": {"residents": 8_000}, "world": {"days": 7, "slot_minutes": 5},
      "sensors": {"__replace__": EVERY_ZONE_EVERY_5_MINUTES}}, "GB of memory"),
])
def test_an_oversize_link_is_refused_before_anything_runs(changes, expected):
    calls = dict(stages.STAGE_CALLS)
    at = _open(_link(changes))
    message = _assert_refused(at, expected)
    assert "python -m simulation run scenario.yaml" in message
    assert stages.STAGE_CALLS["world"] == calls.get("world", 0)  # refused before any simulation
    _assert_honest_session_works(at)


def test_duplicate_keys_in_a_link_are_refused():
    at = _open(_raw_link('{"seed": 1, "seed": 2}'))
    _assert_refused(at, "key 'seed' is given twice")
    _assert_honest_session_works(at)


def test_a_link_to_another_session_s_uploaded_city_is_refused():
    at = _open(_link({"world": {"city": "upload:0123456789abcdef"}}))
    _assert_refused(at, "uploaded in another browser session")
    _assert_honest_session_works(at)


# ---------------------------------------------------------------- uploads


def _export_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    return at.switch_page("dashboard/pages/export.py").run()


def _upload(at: AppTest, index: int, name: str, data: bytes) -> AppTest:
    return at.file_uploader[index].set_value((name, data, "application/octet-stream")).run()


def _honest_upload_works(at: AppTest) -> None:
    honest = stages.preset_config(DEFAULT_PRESET).model_copy(update={"name": "honest", "seed": 5})
    _upload(at, 0, "honest.yaml", dump_scenario(honest).encode())
    assert not at.exception
    assert at.session_state["scenario"] == honest
    at.switch_page("dashboard/pages/explore.py").run()
    assert not at.exception and len(at.get("plotly_chart")) == EXPLORE_CHARTS


@pytest.mark.parametrize("text, expected", [
    ("name: x\npopulation:\n  residents: 10\n  residents: 20\n", "given twice in one mapping, at line 3 and line 4"),
    ("name: x\nworld:\n  city: /etc/passwd\n", "world.city: found '/etc/passwd'"),
    ("name: x\ncontrols:\n  differential_privacy: {epsilon: 1.0e-200}\n", "allowed: at least 0.001"),
    ("a: " + "[" * 100_000, "nesting deeper than 20 levels"),
    ("name: x\npopulation: {residents: 100000}\nworld: {days: 7}\n", "at most 70,000 resident-days"),
    (f"name: x\nworld:\n  '{INJECTION}': 1\n", "unknown field"),
])
def test_a_hostile_scenario_upload_is_refused_and_the_next_honest_one_loads(text, expected):
    at = _export_page()
    before = at.session_state["scenario"]
    _upload(at, 0, "hostile.yaml", text.encode())
    _assert_refused(at, expected)
    assert at.session_state["scenario"] == before
    if "unknown field" in expected:
        _assert_markdown_escaped(at)
    _honest_upload_works(at)


def _zone_table(tmp_path, suffix: str = ".csv") -> bytes:
    return write_zone_table(generate_city(24, 200.0, seed=3, name="small"), tmp_path / f"small{suffix}").read_bytes()


@pytest.mark.parametrize("name, data, expected", [
    ("zones.csv", b"zone_id,x\n" + b"1,2\n" * 300_000, "at most 1,000,000"),
    ("zones.geojson", b"[" * 200_000, "nesting deeper than 20 levels"),
    ("zones.csv", b"DB_PASSWORD=hunter2\n", "missing column(s)"),
    ("zones.json", b'{"type": "FeatureCollection", "type": "x"}', "given twice"),
])
def test_a_hostile_zone_table_is_refused_and_the_next_honest_one_is_used(tmp_path, name, data, expected):
    at = _export_page()
    before = at.session_state["scenario"]
    _upload(at, 1, name, data)
    _assert_refused(at, expected)
    assert at.session_state["scenario"] == before
    _upload(at, 1, "small.geojson", _zone_table(tmp_path, ".geojson"))
    assert not at.exception and not at.error
    assert at.session_state["scenario"].world.city.startswith("upload:")
    at.switch_page("dashboard/pages/city_map.py").run()
    assert not at.exception and not at.error
    assert at.session_state["last_good"].world.city.startswith("upload:")


def test_an_uploaded_city_is_kept_in_the_session_and_its_link_works_only_there(tmp_path):
    at = _export_page()
    _upload(at, 1, "small.csv", _zone_table(tmp_path))
    assert not at.exception and not at.error
    city = at.session_state["scenario"].world.city
    at.switch_page("dashboard/pages/explore.py").run()
    assert not at.exception and len(at.get("plotly_chart")) == EXPLORE_CHARTS
    link = dict(at.query_params)
    assert decode_blob(link["s"])["world"]["city"] == city  # the link names the table by its digest, never a path
    assert re.fullmatch(r"upload:[0-9a-f]{16}", city)
    other = _open(link)
    _assert_refused(other, "uploaded in another browser session")


# ---------------------------------------------------------------- a scenario that passes validation but fails


def test_a_scenario_that_fails_to_run_does_not_trap_the_session(monkeypatch):
    from simulation import pipeline

    build = pipeline.build_world

    def failing(config, **kwargs):
        if config.seed == 666:
            raise RuntimeError("boom")
        return build(config, **kwargs)

    monkeypatch.setattr(pipeline, "build_world", failing)
    at = _export_page()
    doomed = stages.preset_config(DEFAULT_PRESET).model_copy(update={"name": "doomed", "seed": 666})
    _upload(at, 0, "doomed.yaml", dump_scenario(doomed).encode())
    _assert_refused(at, "could not run this scenario (RuntimeError)")
    assert at.session_state["scenario"] == stages.preset_config(DEFAULT_PRESET)
    assert len(at.file_uploader) == 2  # the page goes on to its loaders
    for page in ("explore.py", "compare.py", "city_map.py", "export.py"):
        at.switch_page(f"dashboard/pages/{page}").run()
        assert not at.exception and not at.error, page
    _honest_upload_works(at)
