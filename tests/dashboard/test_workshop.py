"""AppTest of the workshop: a resident's week, the presentation's five steps, the phones' vote, the facilitator."""

import pytest

from dashboard.workshop import DATABASE_ENV, PASSPHRASE_ENV
from simulation.scenario import IDENTIFYING_KINDS

PASSPHRASE = "correct horse battery"


@pytest.fixture
def workshop(monkeypatch, tmp_path, app):
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setenv(DATABASE_ENV, str(tmp_path / "votes.sqlite"))
    app.run()
    return app


def _texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_a_residents_week_follows_the_controls(app):
    app.run()
    app.switch_page("dashboard/pages/resident_week.py").run()
    assert not app.exception and len(app.get("plotly_chart")) == 2
    assert "Resident " in _texts(app)
    kept_before = app.dataframe[0].value["Kept"].sum()
    scenario = app.session_state["scenario"]
    edged = scenario.model_copy(update={"controls": scenario.controls.model_copy(update={
        "edge_aggregation": scenario.controls.edge_aggregation.model_copy(update={"kinds": list(IDENTIFYING_KINDS)})})})
    app.session_state["scenario"] = edged
    app.run()
    assert not app.exception
    assert "none was kept" in _texts(app) and kept_before > 0
    assert app.dataframe[0].value["Kept"].sum() == 0  # the same resident, nothing kept once counted at the edge


def test_someone_like_me_picks_a_matching_resident(app):
    app.run()
    app.switch_page("dashboard/pages/resident_week.py").run()
    app.segmented_control(key="persona_mode").set_value("Someone like me").run()
    app.radio(key="persona_has_card").set_value("yes").run()
    assert not app.exception
    assert "a transit card" in _texts(app)
    first = _texts(app)
    app.button(key="persona_another").click().run()
    assert "a transit card" in _texts(app) and _texts(app) != first


def test_the_presentation_steps_through_five_screens_and_back(workshop):
    workshop.switch_page("dashboard/pages/present.py").run()
    titles = []
    for _ in range(4):
        titles.append([m.value for m in workshop.markdown if m.value.startswith("## ")][0])
        assert not workshop.exception
        workshop.button(key="present_next").click().run()
    titles.append([m.value for m in workshop.markdown if m.value.startswith("## ")][0])
    assert titles == ["## 1 / 5 · The city", "## 2 / 5 · Its sensors", "## 3 / 5 · One resident's week",
                      "## 4 / 5 · The trade-off", "## 5 / 5 · Your say"]
    assert workshop.button(key="present_next").disabled
    assert any("/vote" in m.value for m in workshop.markdown)  # the short address under the QR code
    workshop.button(key="present_back").click().run()
    assert [m.value for m in workshop.markdown if m.value.startswith("## ")][0] == "## 4 / 5 · The trade-off"


def test_the_facilitator_needs_the_passphrase_and_it_never_reaches_the_address(workshop):
    workshop.switch_page("dashboard/pages/facilitator.py").run()
    workshop.text_input[0].input("guess")
    workshop.button[0].click().run()
    assert workshop.error and not [b for b in workshop.button if (b.key or "").startswith("open_")]
    workshop.text_input[0].input(PASSPHRASE)
    workshop.button[0].click().run()
    assert [b for b in workshop.button if b.key == "open_scenario"]
    assert PASSPHRASE not in str(workshop.query_params.to_dict() if hasattr(workshop.query_params, "to_dict")
                                 else dict(workshop.query_params))


def test_without_a_passphrase_the_controls_stay_locked(monkeypatch, app):
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    app.run()
    app.switch_page("dashboard/pages/facilitator.py").run()
    assert any(PASSPHRASE_ENV in w.value for w in app.warning) and not app.text_input


def test_a_phone_votes_once_and_may_change_its_vote(workshop):
    workshop.switch_page("dashboard/pages/facilitator.py").run()
    workshop.text_input[0].input(PASSPHRASE)
    workshop.button[0].click().run()
    workshop.button(key="open_face_recognition").click().run()
    from dashboard.workshop import poll_store

    workshop.switch_page("dashboard/pages/vote.py").run()
    vote = workshop.radio(key="vote_face_recognition")
    vote.set_value(vote.options[0]).run()
    workshop.button(key="send_face_recognition").click().run()
    vote = workshop.radio(key="vote_face_recognition")
    vote.set_value(vote.options[2]).run()
    workshop.button(key="send_face_recognition").click().run()
    assert not workshop.exception
    counts = poll_store().results("face_recognition")
    assert sum(counts.values()) == 1 and counts[vote.options[2]] == 1
