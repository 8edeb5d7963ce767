"""The scenario editor in a real browser: the run bar, lists closed with Escape, sliders on the schema's grid,
placement by district, deployments added, removed and duplicated, zones clicked on the map."""

from __future__ import annotations

import pytest

from simulation.labels import SENSOR_LABELS
from simulation.presets import DEFAULT_PRESET, load_preset
from tests.browser.conftest import wait_for_app
from tests.browser.playwright_guard import choose_option, expect

pytestmark = pytest.mark.browser
PRESET = load_preset(DEFAULT_PRESET)


def _open(page, url: str):
    page.goto(url)
    wait_for_app(page)
    expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible()
    return page.get_by_test_id("stSidebar")


def _expand(page, sidebar, title: str) -> None:
    """Open the sidebar's section whose header starts with ``title``."""
    sidebar.locator("summary").filter(has_text=title).click()
    wait_for_app(page)


def _run(page, sidebar) -> None:
    """Press Run once and wait until the run bar says nothing is pending."""
    sidebar.get_by_role("button", name="Run scenario").click()
    expect(sidebar.get_by_text("No changes: the results shown are this scenario's")).to_be_visible()
    wait_for_app(page)


def test_run_works_after_a_list_is_closed_with_escape(page, server):
    sidebar = _open(page, server)
    _expand(page, sidebar, "Controls on release")
    choose_option(page, sidebar, "Release level", "Aggregates")
    _run(page, sidebar)  # the earlier run that the bug needed
    _expand(page, sidebar, "Controls at capture")
    for label in ("Wi-Fi/Bluetooth counter", "Number-plate reader", "Smart meter"):
        before = page.url
        choose_option(page, sidebar, "Aggregate at the edge", label)
        page.keyboard.press("Escape")
        expect(sidebar.get_by_text("1 change not yet run")).to_be_visible()
        sidebar.get_by_role("button", name="Run scenario").click()  # one click, as a planner would
        expect(sidebar.get_by_text("No changes: the results shown are this scenario's")).to_be_visible()
        wait_for_app(page)
        assert page.url != before  # the link now carries the new scenario
    assert page.get_by_test_id("stException").count() == 0


def test_the_sampling_interval_slider_offers_only_multiples_of_the_time_slot(page, server):
    sidebar = _open(page, server)
    _expand(page, sidebar, "Sensors (")
    slider = sidebar.get_by_role("slider", name="Sampling interval (minutes)")
    slot = PRESET.world.slot_minutes
    assert (slider.get_attribute("min"), slider.get_attribute("step")) == (str(slot), str(slot))
    seen = []
    for _ in range(3):
        slider.focus()
        page.keyboard.press("ArrowRight")
        wait_for_app(page)
        seen.append(int(slider.input_value()))
    assert seen == [PRESET.sensors[0].sampling_interval_minutes + slot * n for n in (1, 2, 3)]
    _run(page, sidebar)  # the schema accepts every value the slider offered
    assert page.get_by_test_id("stAlertContentError").count() == 0
    assert int(sidebar.get_by_role("slider", name="Sampling interval (minutes)").input_value()) == seen[-1]


def test_cameras_placed_by_district_show_their_districts_and_no_share(page, server):
    sidebar = _open(page, server)
    _expand(page, sidebar, "Sensors (")
    by_district = next(s for s in PRESET.sensors if s.placement.districts and not s.placement.zone_share)
    by_share = next(s for s in PRESET.sensors if s.placement.zone_share and not s.placement.districts)
    choose_option(page, sidebar, "Deployment", f"{by_district.name} ({SENSOR_LABELS[by_district.kind]})")
    wait_for_app(page)
    expect(sidebar.get_by_role("button", name=by_district.placement.districts[0])).to_be_visible()  # the chip
    expect(sidebar.get_by_text("Share of eligible zones")).to_have_count(0)
    choose_option(page, sidebar, "Deployment", f"{by_share.name} ({SENSOR_LABELS[by_share.kind]})")
    wait_for_app(page)
    share = sidebar.get_by_role("slider", name="Share of eligible zones")
    expect(share).to_have_attribute("aria-valuetext", f"{by_share.placement.zone_share:.0%}")


def test_the_run_button_stays_in_view_and_says_what_is_not_yet_run(page, server):
    sidebar = _open(page, server)
    for title in ("Sensors (", "Controls at capture", "Controls in storage", "Controls on release", "Adversary"):
        _expand(page, sidebar, title)
    sidebar.get_by_role("slider", name="Known points").focus()
    page.keyboard.press("ArrowRight")
    wait_for_app(page)
    sidebar.get_by_test_id("stSidebarContent").evaluate("content => content.scrollTop = content.scrollHeight")
    page.wait_for_timeout(300)
    button = sidebar.get_by_role("button", name="Run scenario").bounding_box()
    height = page.viewport_size["height"]
    assert button is not None and 0 <= button["y"] and button["y"] + button["height"] <= height
    expect(sidebar.get_by_text("1 change not yet run")).to_be_in_viewport()


def _deployment(page, sidebar, sensor) -> None:
    choose_option(page, sidebar, "Deployment", f"{sensor.name} ({SENSOR_LABELS[sensor.kind]})")
    wait_for_app(page)


ZONE_CENTRE_JS = """(plot, xy) => {
  const area = plot.querySelector('.nsewdrag').getBoundingClientRect();
  return [area.left + plot._fullLayout.xaxis.l2p(xy[0]), area.top + plot._fullLayout.yaxis.l2p(xy[1])];
}"""


def test_sensors_are_placed_by_clicking_zones_on_the_map(page, server):
    from simulation.world.city_source import load_city

    sidebar = _open(page, server)
    _expand(page, sidebar, "Sensors (")
    sensor = next(s for s in PRESET.sensors if s.placement.zones)
    city = load_city(PRESET.world, PRESET.seed)
    zone = next(int(z) for z in city.zones.index if z not in sensor.placement.zones)
    _deployment(page, sidebar, sensor)
    expect(sidebar.get_by_text(f"{len(sensor.placement.zones)} zones picked on the map")).to_be_visible()
    sidebar.get_by_role("button", name="Pick zones on the map").click()
    dialog = page.get_by_role("dialog")
    plot = dialog.locator(".js-plotly-plot")
    expect(plot).to_be_visible()
    page.wait_for_timeout(500)  # plotly lays the axes out after the element appears
    x, y = plot.evaluate(ZONE_CENTRE_JS, [int(city.zones.loc[zone, "x"]), int(city.zones.loc[zone, "y"])])
    page.mouse.click(x, y)
    dialog.get_by_role("button", name="Add 1 zone").click()
    expect(dialog.get_by_text(f"{len(sensor.placement.zones) + 1} zones picked")).to_be_visible()
    dialog.get_by_role("button", name="Done").click()
    expect(sidebar.get_by_text(f"{len(sensor.placement.zones) + 1} zones picked on the map")).to_be_visible()
    _run(page, sidebar)
    page.get_by_role("link", name="Export and share").click()
    expect(page.get_by_role("heading", name="Export, load and share")).to_be_visible()
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Scenario (YAML)").click()
    from simulation.scenario_io import parse_scenario

    config = parse_scenario(download.value.path().read_bytes())
    placed = next(s for s in config.sensors if s.name == sensor.name)
    assert placed.placement.zones == sorted([*sensor.placement.zones, zone])
    assert download.value.suggested_filename == f"{DEFAULT_PRESET}_edited.yaml"  # not the preset's name


def test_deployments_are_added_duplicated_and_removed(page, server):
    sidebar = _open(page, server)
    _expand(page, sidebar, "Sensors (")
    count = len(PRESET.sensors)
    choose_option(page, sidebar, "Kind of sensor to add", "Number-plate reader")
    sidebar.get_by_role("button", name="Add a deployment").click()
    expect(sidebar.get_by_text(f"Sensors ({count + 1} deployments)")).to_be_visible()
    name = sidebar.get_by_role("textbox", name="Name", exact=True)
    expect(name).to_have_value("anpr_1")  # the new deployment is the one shown
    sidebar.get_by_role("button", name="Duplicate").click()
    expect(sidebar.get_by_text(f"Sensors ({count + 2} deployments)")).to_be_visible()
    expect(name).to_have_value("anpr_1_1")
    sidebar.get_by_role("button", name="Remove").click()
    expect(sidebar.get_by_text(f"Sensors ({count + 1} deployments)")).to_be_visible()
    expect(sidebar.get_by_text("1 change not yet run")).to_be_visible()
    _run(page, sidebar)
    expect(page.get_by_text(f"{count + 1} sensor deployments").first).to_be_visible()  # the banner
    assert page.get_by_test_id("stException").count() == 0
