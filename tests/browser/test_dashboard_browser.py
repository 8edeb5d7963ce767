"""The dashboard in a real browser: first load, a control change, a download, a shared link, every page."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from simulation.presets import DEFAULT_PRESET, load_preset
from simulation.scenario_io import parse_scenario
from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS, wait_for_app
from tests.browser.playwright_guard import choose_option, expect

pytestmark = pytest.mark.browser

CURRENT_POINT_JS = """() => {
  const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const trace = plot._fullData.find(t => t.name === 'Current scenario');  // decoded arrays
  return [Array.from(trace.x)[0], Array.from(trace.y)[0]];
}"""


EXPLORE_TITLE = "What the city gains, what residents give away"
HEADLINE_METRICS = 5


def _metrics(page) -> list[str]:
    """The headline numbers, read once all of them are on the page (a rerun can be between elements)."""
    values = page.get_by_test_id("stMetricValue")
    expect(values).to_have_count(HEADLINE_METRICS)
    return values.all_inner_texts()


def _go_to(page, link: str, title: str) -> None:
    """Follow a navigation link and wait until the new page's own title is shown and its script has finished.

    Waiting for the script alone can succeed before the click's rerun has started, on the old page.
    """
    page.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    wait_for_app(page)


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible()  # drawn by plotly


def _change_release_level(page) -> str:
    """Switch the release level to the other choice, run the scenario, and return the new level.

    Returns once the headline numbers have changed, so the next step starts from the finished run.
    """
    before = _metrics(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Controls on release").click()
    current = load_preset(DEFAULT_PRESET).controls.release.level
    target = "Records" if current == "aggregates" else "Aggregates"
    choose_option(page, sidebar, "Release level", target)
    sidebar.get_by_role("button", name="Run scenario").last.click()
    expect(page.get_by_test_id("stMetricValue")).not_to_have_text(before)
    wait_for_app(page)
    return target.lower()


def test_first_load_shows_the_chart_and_the_numbers(page, server):
    _open(page, server)
    assert page.get_by_test_id("stPlotlyChart").count() == 3
    metrics = _metrics(page)
    assert all(value.strip() not in ("", "n/a") for value in metrics[:2])
    expect(page.get_by_text("Utility against risk").first).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0


def test_a_control_change_updates_chart_and_metrics(page, server):
    _open(page, server)
    before_metrics, before_point = _metrics(page), page.evaluate(CURRENT_POINT_JS)
    _change_release_level(page)
    assert None not in before_point
    page.wait_for_function(f"() => ({CURRENT_POINT_JS})().join() !== {json.dumps(before_point)}.join()",
                           timeout=TIMEOUT_MS)
    assert _metrics(page) != before_metrics
    assert "s=" in page.url  # the address bar now holds the shareable link
    assert page.get_by_test_id("stException").count() == 0


def test_downloads_arrive_with_the_right_content(page, server):
    _open(page, server)
    level = _change_release_level(page)
    _go_to(page, "Export and share", "Export, load and share")
    with page.expect_download() as download:
        page.get_by_role("button", name="Scenario (YAML)").click()
    config = parse_scenario(download.value.path().read_bytes())
    assert config.controls.release.level == level
    with page.expect_download() as download:
        page.get_by_role("button", name="Results (CSV, zip)").click()
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        names = set(archive.namelist())
        results = pd.read_csv(archive.open("results.csv"))
        assert parse_scenario(archive.read("scenario.yaml")) == config
    assert {"results.csv", "manifest.json", "scenario.yaml"} <= names
    assert any(name.startswith("breakdown_") for name in names)
    assert len(results) == 1 and 0.0 <= results["utility_overall"].iloc[0] <= 1.0
    with page.expect_download() as download:
        page.get_by_role("button", name="Chart (HTML)").click()
    html = download.value.path().read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and "Utility against risk" in html


def test_a_shared_link_reopens_the_same_scenario(page, server, browser):
    _open(page, server)
    _change_release_level(page)
    _go_to(page, "Export and share", "Export, load and share")
    link = page.get_by_test_id("stCode").inner_text().strip()
    assert link.startswith(server) and "s=" in link
    _go_to(page, "Explore", EXPLORE_TITLE)
    expected = _metrics(page)
    other = browser.new_context(viewport={"width": 1500, "height": 1800})
    try:
        tab = other.new_page()
        _open(tab, link)
        assert _metrics(tab) == expected
        expect(tab.get_by_text("a shared link").first).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=SCREENSHOTS / "shared_link_other_browser.png", full_page=True)
    finally:
        other.close()


def test_every_other_page_opens_with_its_charts(page, server):
    _open(page, server)
    _change_release_level(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {"City map": ("The city and its sensors", 2), "Compare": ("Compare scenarios", 3),
             "Methods": ("How the numbers are measured", 0)}
    for link, (title, charts) in pages.items():
        _go_to(page, link, title)
        if charts:
            expect(page.locator(".js-plotly-plot").nth(charts - 1)).to_be_visible()
        assert page.get_by_test_id("stPlotlyChart").count() == charts
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=SCREENSHOTS / f"page_{link.lower().replace(' ', '_')}.png", full_page=True)
    _go_to(page, "Compare", "Compare scenarios")
    expect(page.get_by_text("Settings that differ")).to_be_visible()
    expect(page.get_by_text("Current scenario").first).to_be_visible()


def test_the_realism_page_charts_every_fact_and_says_why_unicity_is_measured_among_20000(page, server):
    from simulation.validity import FAMILIES

    _open(page, server)
    _go_to(page, "Is the model realistic?", "Is the model realistic?")
    n_facts = sum(len(family.FACTS) for family in FAMILIES)
    expect(page.locator(".js-plotly-plot").nth(n_facts - 1)).to_be_visible()
    assert page.get_by_test_id("stPlotlyChart").count() == n_facts
    assert page.get_by_test_id("stException").count() == 0
    expect(page.get_by_text("measured among 20,000 residents of this city")).to_be_visible()
    expect(page.get_by_text("published (1.5 million people)").first).to_be_attached()  # the unicity charts' legend
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "page_realism.png", full_page=True)
