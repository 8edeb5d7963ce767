"""Safe to host, on a real server in a real browser: hostile links refused, honest visitors served, memory bounded.

A server of its own (small presets, stopped at the end) so that its memory is this test's alone. The browser
checks what AppTest cannot: that a refusal quoting a hostile link shows its text as text (no link, no image the
browser would fetch) and that the page goes on to the default preset's charts. The load part is the lighter
version of ``bench/bench_hosting.py``: honest sessions and an oversize link opened again and again, at once.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from dashboard.share import encode_blob
from simulation.presets import DEFAULT_PRESET
from tests.browser.conftest import SERVER_ENV, wait_for_app
from tests.browser.playwright_guard import expect
from tests.browser.server import start_server, stop_server
from tests.browser.sessions import MemorySampler, memory_mb, open_session, run_apart

pytestmark = pytest.mark.browser

HONEST_SESSIONS = 12
MEMORY_CEILING_MB = 1_500
"""The small server's resident memory must stay below this (it starts near 350 MB with every preset run)."""
LINK_NAME, IMAGE_NAME = "[click](http://evil.example/phish)", "![x](http://evil.example/p.png)<img src=x>"


def _link(changes: dict) -> str:
    return urlencode({"preset": DEFAULT_PRESET, "s": encode_blob(changes)})


@pytest.fixture(scope="module")
def hosted():
    """A server of this module's own: (process, url)."""
    process, url = start_server(SERVER_ENV)
    yield process, url
    stop_server(process)


def _alert_text(page) -> str:
    alert = page.get_by_test_id("stAlert").first
    expect(alert).to_be_visible()
    return alert.inner_text().replace("\u2060", "")  # the invisible joiner that stops autolinks


def test_a_field_name_with_markdown_and_html_is_shown_as_text(page, hosted):
    _, url = hosted
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "evil.example" in request.url else None)
    page.goto(f"{url}/?{_link({'world': {LINK_NAME: 1, IMAGE_NAME: 2}})}")
    wait_for_app(page)
    text = _alert_text(page)
    assert "unknown field" in text and LINK_NAME in text and IMAGE_NAME in text
    alert = page.get_by_test_id("stAlert").first
    assert alert.locator("a").count() == 0 and alert.locator("img").count() == 0
    assert not fetched  # the browser never fetched the remote image
    expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0


@pytest.mark.parametrize("query, expected", [
    (_link({"population": {"residents": 200_000}, "world": {"days": 28}}), "at most 70,000 resident-days"),
    (_link({"world": {"city": "/etc/passwd"}}), "never opens a file"),
    ("preset=gdpr_baseline&s=" + "x" * 9000, "at most 8,000 allowed"),
])
def test_a_hostile_link_is_refused_and_the_default_preset_shown(page, hosted, query, expected):
    _, url = hosted
    page.goto(f"{url}/?{query}")
    wait_for_app(page)
    assert expected in _alert_text(page)
    expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0


def test_an_upload_without_the_xsrf_token_is_refused(hosted):
    _, url = hosted
    request = urllib.request.Request(f"{url}/_stcore/upload_file/session/file", data=b"name: x\n", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code in (400, 403)


async def _load(url: str) -> tuple[list, list]:
    oversize = _link({"population": {"residents": 200_000}, "world": {"days": 28}})
    honest = [("" if i % 3 else _link({"controls": {"k_suppression": {"k": 2 + i}}})) for i in range(HONEST_SESSIONS)]
    honest_task = asyncio.gather(*(open_session(url, query, 300) for query in honest))
    attacks = []
    while not honest_task.done():
        attacks.append(await open_session(url, oversize, 60))
        await asyncio.sleep(0.2)
    return await honest_task, attacks


def test_honest_sessions_get_their_charts_while_oversize_links_are_refused(hosted):
    process, url = hosted
    run_apart(open_session(url, "", 300))  # warm: every preset simulated once
    with MemorySampler(process.pid) as sampler:
        honest, attacks = run_apart(_load(url))
    assert all(report.chart_seconds is not None for report in honest), [r.alerts for r in honest]
    assert attacks and all(report.first_alert_with("resident-days") is not None for report in attacks)
    assert all(report.chart_seconds is not None for report in attacks)  # the default preset, after the refusal
    assert sampler.peak_mb < MEMORY_CEILING_MB, sampler.peak_mb
    assert memory_mb(process.pid)["VmRSS"] < MEMORY_CEILING_MB
