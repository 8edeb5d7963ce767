"""AppTest of "Is the model realistic?": every fact charted against its published value, with its reference."""

from simulation.validity import FAMILIES


def test_the_realism_page_charts_every_fact_with_its_source(app):
    app.run()
    app.switch_page("dashboard/pages/realism.py").run()
    assert not app.exception, app.exception
    n_facts = sum(len(family.FACTS) for family in FAMILIES)
    assert len(app.get("plotly_chart")) == n_facts
    table = app.dataframe[0].value
    assert len(table) == n_facts and {"Published", "Source", "Tolerance", "This model", "Verdict"} <= set(table)
    text = " ".join(m.value for m in app.markdown)
    assert "Unique in the Crowd" in text and "Understanding individual human mobility patterns" in text
    assert app.metric[0].value.endswith(f"of {n_facts - 1}")  # travel time is reported, not judged


def test_the_realism_page_follows_the_scenario(app):
    app.run()
    app.switch_page("dashboard/pages/realism.py").run()
    before = app.dataframe[0].value["This model"].tolist()
    scenario = app.session_state["scenario"]
    app.session_state["scenario"] = scenario.with_seed(scenario.seed + 1)
    app.run()
    assert not app.exception
    assert app.dataframe[0].value["This model"].tolist() != before
