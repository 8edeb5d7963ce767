"""The workshop in a real browser: the projector's large type and arrow keys, the phone's layout and vote."""

from __future__ import annotations

import pytest

from dashboard.poll_store import PollStore
from dashboard.workshop import DATABASE_ENV
from dashboard.workshop_questions import answer_sets
from tests.browser.conftest import SCREENSHOTS, SERVER_ENV, TIMEOUT_MS, wait_for_app
from tests.browser.playwright_guard import expect

pytestmark = pytest.mark.browser

CHART_BOXES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
  const frame = plot.querySelector('svg.main-svg').getBoundingClientRect();
  const box = selector => Array.from(plot.querySelectorAll(selector)).map(e => {
    const r = e.getBoundingClientRect();
    return [r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top];
  }).filter(b => b[2] > b[0]);
  const sizes = Array.from(plot.querySelectorAll('svg text')).filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize));
  return {width: frame.width, height: frame.height, title: box('.gtitle'), legend: box('.legend'),
          axis_titles: box('.xtitle').concat(box('.ytitle')), smallest_text: Math.min(...sizes)};
})"""
LARGE_PX = 18


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box, width, height) -> bool:
    return box[0] >= -1 and box[1] >= -1 and box[2] <= width + 1 and box[3] <= height + 1


def _charts(page) -> list[dict]:
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.wait_for_timeout(500)  # plotly lays the texts out after the element appears
    return page.evaluate(CHART_BOXES_JS)


@pytest.fixture
def sized_page(browser, request):
    def make(width: int, height: int):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        request.addfinalizer(context.close)
        return context.new_page()
    return make


def test_the_projector_shows_large_type_without_a_sidebar_and_steps_on_arrow_keys(server, sized_page):
    page = sized_page(1920, 1080)
    page.goto(f"{server}/present")
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    for step, title in enumerate(["The city", "Its sensors", "One resident's week", "The trade-off"], start=1):
        expect(page.get_by_role("heading", name=f"{step} / 5 · {title}")).to_be_visible()
        wait_for_app(page)
        for chart in _charts(page):
            assert chart["smallest_text"] >= LARGE_PX, (title, chart)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"projector_step_{step}.png")
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", name="5 / 5 · Your say")).to_be_visible()
    expect(page.get_by_text("/vote").first).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("heading", name="4 / 5 · The trade-off")).to_be_visible()


def test_a_phone_sees_whole_chart_titles_that_overlap_nothing(server, sized_page):
    page = sized_page(390, 844)
    page.goto(server)
    wait_for_app(page)
    charts = _charts(page)
    assert len(charts) >= 3
    for chart in charts:
        texts = chart["title"] + chart["axis_titles"]
        assert all(_inside(box, chart["width"], chart["height"]) for box in texts), chart
        assert not any(_overlap(title, other) for title in chart["title"]
                       for other in chart["legend"] + chart["axis_titles"]), chart
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_phone_votes_on_an_open_question(server, sized_page):
    store = PollStore(SERVER_ENV[DATABASE_ENV], answer_sets())  # the server's own vote file
    store.reset("retention")
    store.set_state("retention", "open")
    page = sized_page(390, 844)
    page.goto(f"{server}/vote")
    wait_for_app(page)
    expect(page.get_by_text("How long may the city keep records")).to_be_visible()
    page.get_by_text("One week").click()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Counted: One week")).to_be_visible()
    assert "p=" in page.url  # the phone's token stays in the address, so a reload keeps its vote
    assert store.results("retention")["One week"] == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
