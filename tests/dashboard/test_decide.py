"""The Decide page: flags shown at once, the recommendations on request, then the report's downloads."""

from dashboard import decision
from simulation.dpia.facts import ScenarioFacts
from simulation.dpia.flags import RULES, screen
from simulation.scenario import ScenarioConfig

PAGE = "dashboard/pages/decide.py"


def test_flags_frame_lists_raised_rules_first_with_their_facts_and_sources():
    config = ScenarioConfig.model_validate({"sensors": [{"kind": "wifi_bt", "name": "wifi"}]})
    frame = decision.flags_frame(screen(ScenarioFacts(config=config, recorded_share=0.5)))
    assert len(frame) == len(RULES)
    status = list(frame["Status"])
    assert status == sorted(status, key=lambda s: s != "Raised") and "Raised" in status
    assert frame["Scenario facts"].str.len().min() > 0 and frame["Source"].str.len().min() > 0


def test_the_page_shows_flags_then_finds_recommendations_and_offers_the_report(app):
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert any("rules are raised" in m.value for m in app.markdown)
    assert len(app.dataframe) == 1 and not app.get("download_button")
    [button] = [b for b in app.button if b.label == "Find the changes that help most"]
    button.click().run(timeout=300)
    assert not app.exception, app.exception
    assert len(app.get("plotly_chart")) == 1
    assert len(app.get("download_button")) == 2
    config = app.session_state["scenario"]
    assert decision.known_analysis(config) is not None
    app.run()  # a rerun (another session too) finds the analysis kept: no button, the same downloads
    assert not [b for b in app.button if b.label == "Find the changes that help most"]


def test_report_bytes_hold_every_section(tiny_run):
    from simulation.dpia.report import analyse
    from simulation.engine import using_stages

    with using_stages(tiny_run.config, tiny_run.world, tiny_run.log):
        analysis = analyse(tiny_run.config, workers=1)
    html = decision.report_html(tiny_run, analysis).decode("utf-8")
    for title in ("1. The need for a DPIA", "4. Risks to residents", "6. Recommendations", "Appendix"):
        assert title in html
    assert decision.report_html(tiny_run, analysis).decode("utf-8") == html  # kept, not made again
