import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts
from dashboard.frames import pareto_front


def _points() -> pd.DataFrame:
    return pd.DataFrame({
        "label": ["gdpr_baseline", "surveillance", "mine", "run 2"],
        "role": ["preset", "preset", "current", "session"],
        "utility": [0.6, 0.9, 0.7, 0.5],
        "risk": [0.3, 0.8, 0.2, 0.4],
        "hover": ["Preset: GDPR baseline", "Preset: heavy surveillance", "Your scenario", "Run 2 of this session"],
    })


def test_tradeoff_has_one_trace_per_role_and_the_frontier_first():
    points = _points()
    fig = charts.tradeoff_figure(points, pareto_front(points))
    names = [trace.name for trace in fig.data]
    assert names == ["Best trade-offs so far", "Presets", "Run in this session", "Current scenario"]
    presets = fig.data[1]
    assert list(presets.x) == [0.3, 0.8] and list(presets.y) == [0.6, 0.9]
    assert list(presets.hovertext) == ["Preset: GDPR baseline", "Preset: heavy surveillance"]
    frontier = fig.data[0]
    assert list(frontier.x) == [0.2, 0.8]  # "mine" and "surveillance"; the others are dominated
    labels = {note.text: (note.x, note.y) for note in fig.layout.annotations}
    # presets and the current scenario are labelled by annotations; earlier runs only on hover
    assert labels == {"<b>mine</b>": (0.2, 0.7), "gdpr_baseline": (0.3, 0.6), "surveillance": (0.8, 0.9)}


def test_tradeoff_without_session_points_or_frontier():
    points = _points().query("role != 'session'")
    fig = charts.tradeoff_figure(points, None)
    assert [trace.name for trace in fig.data] == ["Presets", "Current scenario"]
    assert fig.layout.xaxis.title.text.startswith("Privacy risk")


def test_bars_group_by_scenario_in_given_order():
    frame = pd.DataFrame({"scenario": ["A", "A", "B", "B"], "label": ["Crowd", "Energy", "Crowd", "Energy"],
                          "value": [0.1, 0.2, 0.3, 0.4]})
    fig = charts.bars_figure(frame, "Utility by service", "utility")
    assert [trace.name for trace in fig.data] == ["B", "A"]  # drawn bottom-up, so A's bars sit on top
    assert fig.layout.legend.traceorder == "reversed"
    assert list(fig.data[0].x) == [0.3, 0.4]
    assert fig.data[0].marker.color != fig.data[1].marker.color
    assert fig.layout.barmode == "group"
    assert list(fig.layout.xaxis.range) == [0, 1]
    assert list(fig.layout.yaxis.categoryarray) == ["Energy", "Crowd"]  # first category drawn on top


def test_shares_read_as_percentages_on_every_utility_and_risk_chart():
    frame = pd.DataFrame({"scenario": ["A", "A"], "label": ["Crowd", "Energy"], "value": [0.264, 0.5]})
    bars = charts.bars_figure(frame, "Utility by service", "utility")
    assert list(bars.data[0].text) == ["26%", "50%"] and bars.layout.xaxis.tickformat == ".0%"
    counts = charts.bars_figure(frame, "Counts", "count", value_range=None)
    assert list(counts.data[0].text) == ["0.26", "0.50"] and counts.layout.xaxis.tickformat is None
    tradeoff = charts.tradeoff_figure(_points(), pareto_front(_points()))
    compare = charts.scenarios_figure(_points())
    for figure in (tradeoff, compare):
        assert figure.layout.xaxis.tickformat == figure.layout.yaxis.tickformat == ".0%"
        assert all("%{y:.0%}" in trace.hovertemplate for trace in figure.data if trace.hovertemplate)


def _zones() -> pd.DataFrame:
    return pd.DataFrame({"x": [0, 1, 0, 1], "y": [0, 0, 1, 1],
                         "land_use": ["residential_low", "office", "park", "office"],
                         "district": ["north", "north", "south", "south"]})


def test_city_map_colours_zones_by_land_use_and_draws_sensors_by_kind():
    sensors = pd.DataFrame({"zone": [1, 1, 3], "kind": ["cctv", "anpr", "cctv"], "name": ["c", "a", "c"]})
    fig = charts.city_map_figure(_zones(), sensors)
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    z = np.asarray(heat.z)
    assert z.shape == (2, 2)
    ticks = list(heat.colorbar.ticktext)
    assert ticks[int(z[0, 1])] == "Office" and ticks[int(z[1, 0])] == "Park"
    assert z[0, 1] == z[1, 1]
    names = [trace.name for trace in fig.data[1:]]
    assert names == ["CCTV camera (2)", "Number-plate reader (1)"]
    cctv = fig.data[1]
    assert np.allclose(np.round(cctv.x), [1, 1]) and np.allclose(np.round(cctv.y), [0, 1])
    assert "zone 3" in cctv.hovertext[1]


def test_population_animation_has_a_frame_and_a_slider_step_per_hour():
    population = pd.DataFrame({"hour": [0, 0, 8, 8], "x": [0, 1, 0, 1], "y": [0, 0, 0, 0],
                               "people": [10.0, 0.0, 2.0, 8.0]})
    fig = charts.population_figure(population)
    assert [frame.name for frame in fig.frames] == ["0", "8"]
    assert [step.label for step in fig.layout.sliders[0].steps] == ["00:00", "08:00"]
    assert [button.label for button in fig.layout.updatemenus[0].buttons] == ["Play", "Pause"]
    assert np.asarray(fig.frames[1].data[0].z).tolist() == [[2.0, 8.0]]
    assert fig.frames[1].data[0].zmax == 10.0


def test_figure_html_is_standalone():
    html = charts.figure_html(charts.bars_figure(
        pd.DataFrame({"scenario": ["A"], "label": ["Crowd"], "value": [0.5]}), "t", "v"))
    assert html.lower().startswith("<!doctype html>")
    assert '<script src="http' not in html  # plotly.js embedded, no network needed
    assert "Plotly.newPlot" in html and len(html) > 1_000_000


@pytest.mark.parametrize("role", ["preset", "current"])
def test_tradeoff_labels_named_points(role):
    points = _points().query("role == @role")
    fig = charts.tradeoff_figure(points)
    assert list(fig.data[0].text) == list(points["label"])


def test_scenarios_figure_gives_each_scenario_its_own_trace_and_colour():
    points = pd.DataFrame({"label": ["A", "B", "C"], "utility": [0.1, 0.5, 0.9], "risk": [0.2, 0.3, 0.4]})
    fig = charts.scenarios_figure(points)
    assert [trace.name for trace in fig.data] == ["A", "B", "C"]
    assert [trace.x[0] for trace in fig.data] == [0.2, 0.3, 0.4]
    assert len({trace.marker.color for trace in fig.data}) == 3


def test_scenarios_figure_labels_each_point_inside_the_plot():
    points = pd.DataFrame({"label": ["Preset gdpr_baseline", "Current scenario"], "utility": [0.37, 0.06],
                           "risk": [0.98, 0.0]})
    fig = charts.scenarios_figure(points)
    notes = {note.text: note for note in fig.layout.annotations}
    assert set(notes) == {"Preset gdpr_baseline", "Current scenario"}
    assert notes["Preset gdpr_baseline"].ax < 0 < notes["Current scenario"].ax  # labels turn away from the edges
    assert notes["Current scenario"].font.color == fig.data[1].marker.color
