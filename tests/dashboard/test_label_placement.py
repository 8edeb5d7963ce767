"""Label placement: labels stay inside the plot and clear of each other and of the points."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.charts import TRADEOFF_AREA, tradeoff_figure
from dashboard.label_placement import POINT_RADIUS_PX, PlotArea, label_box, place_labels

AREA = PlotArea(x_range=(-0.1, 1.1), y_range=(-0.08, 1.1), width_px=820.0, height_px=330.0)


def boxes(x, y, texts, offsets, area):
    px, py = area.to_pixels(x, y)
    return [label_box(px[i], py[i], text, offsets[i]) for i, text in enumerate(texts)]


def overlaps(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_the_presets_cluster_of_the_default_city_gets_labels_that_do_not_collide():
    # the six presets and the current scenario as the default dashboard shows them: four points within 0.1
    x = np.array([0.98, 0.0, 0.0, 0.98, 0.95, 0.99, 0.97])
    y = np.array([0.36, 0.21, 0.28, 0.43, 0.45, 0.53, 0.36])
    texts = ["You are here", "data_commons", "edge_only", "amsterdam_register", "public_safety",
             "unregulated_surveillance", "gdpr_baseline"]
    offsets = place_labels(x, y, texts, AREA)
    placed = boxes(x, y, texts, offsets, AREA)
    assert not any(overlaps(a, b) for i, a in enumerate(placed) for b in placed[i + 1:])
    px, py = AREA.to_pixels(x, y)
    for box in placed:
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= AREA.width_px and box[3] <= AREA.height_px
        for cx, cy in zip(px, py, strict=True):  # no label covers a point
            assert not overlaps(box, (cx - POINT_RADIUS_PX, cy - POINT_RADIUS_PX,
                                      cx + POINT_RADIUS_PX, cy + POINT_RADIUS_PX))


@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=5))
def test_a_few_points_anywhere_get_disjoint_labels_inside_the_plot(points):
    x, y = np.array(points).T
    texts = [f"preset_{i}" for i in range(len(points))]
    placed = boxes(x, y, texts, place_labels(x, y, texts, AREA), AREA)
    assert not any(overlaps(a, b) for i, a in enumerate(placed) for b in placed[i + 1:])
    assert all(box[0] >= 0 and box[2] <= AREA.width_px and box[1] >= 0 and box[3] <= AREA.height_px
               for box in placed)


def test_the_trade_off_chart_uses_the_placer_for_current_and_presets():
    import pandas as pd

    points = pd.DataFrame({"label": ["a", "b", "You are here"], "role": ["preset", "preset", "current"],
                           "utility": [0.5, 0.52, 0.5], "risk": [0.9, 0.91, 0.9]})
    fig = tradeoff_figure(points)
    notes = {note.text: (note.ax, note.ay) for note in fig.layout.annotations}
    assert set(notes) == {"<b>You are here</b>", "a", "b"}
    assert list(fig.layout.xaxis.range) == list(TRADEOFF_AREA.x_range)
    assert len(set(notes.values())) == 3  # three labels around nearly one point, each in its own place


def leaders_cross(x, y, offsets, area) -> bool:
    from dashboard.label_placement import _crosses

    px, py = area.to_pixels(x, y)
    starts = np.stack([px, py], axis=1)
    ends = starts + np.array(offsets)
    return any(_crosses(starts[i], ends[i], starts[j:j + 1], ends[j:j + 1])[0]
               for i in range(len(x)) for j in range(i + 1, len(x)))


def test_two_presets_on_one_column_are_not_labelled_on_each_others_points():
    # data_commons and edge_only both at risk 0, utilities 0.21 and 0.28 (the review's crossing pair)
    x = np.array([0.54, 0.0, 0.0, 0.34, 0.60, 0.95, 0.54])
    y = np.array([0.36, 0.21, 0.28, 0.43, 0.45, 0.53, 0.36])
    texts = ["You are here", "Data commons", "Edge only", "Amsterdam register", "Public safety",
             "Unregulated surveillance", "GDPR baseline"]
    offsets = place_labels(x, y, texts, AREA)
    assert not leaders_cross(x, y, offsets, AREA)


@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=2, max_size=6))
def test_leader_lines_do_not_cross_when_labels_have_room(points):
    x, y = np.array(points).T
    texts = [f"p{i}" for i in range(len(points))]
    offsets = place_labels(x, y, texts, AREA)
    placed = boxes(x, y, texts, offsets, AREA)
    if not any(overlaps(a, b) for i, a in enumerate(placed) for b in placed[i + 1:]):
        assert not leaders_cross(x, y, offsets, AREA)
