"""Where to put the text labels of a scatter's points so that no label covers another label or a point.

A greedy placer, as map labelling does it (Christensen, Marks and Shieber, "An empirical study of algorithms
for point-feature label placement", ACM TOG 1995, start from the same greedy pass): labels are placed one at a
time, most important first, each at the first candidate offset (nearest ring first, around the point) whose
box stays inside the plot and overlaps no label already placed and no point, and whose leader line crosses no
other leader line and runs through no label; if none is free, the offset with the least overlap and crossings.
Sizes are estimated in pixels from the axis ranges and a nominal plot size, which is all a server-side figure
knows; labels are joined to their points by a thin line, so a label set a little off still
reads right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHAR_PX = 7.8
"""Estimated width of one character of a 13 px label."""
LABEL_HEIGHT_PX = 20.0
"""Estimated height of a one-line label, padding included."""
POINT_RADIUS_PX = 9.0
"""Half the size of a marker, kept clear of labels."""
RINGS_PX: tuple[float, ...] = (42.0, 70.0, 100.0, 135.0, 175.0)
"""Distances from a point to its label's centre, tried nearest first."""
DIRECTIONS: tuple[tuple[float, float], ...] = (
    (0.0, -1.0), (0.0, 1.0), (-1.0, -0.6), (1.0, -0.6), (-1.0, 0.6), (1.0, 0.6), (-1.0, 0.0), (1.0, 0.0),
)
"""Directions tried around each point (screen coordinates: y grows downwards), above and below first."""
OUTSIDE_PX2 = 1000.0
"""Penalty per pixel of a label outside the plotting area (it would be cut off): worse than any crossing."""
OVERLAP_WEIGHT = 10.0
"""Weight of each px^2 of a label covering another label or a point: a label hidden is worse than a crossing."""
CROSSING_PX2 = 1500.0
"""Penalty of a leader line crossing another, or running through a label (in px^2 of label overlap): a crossing
reads as if each label belonged to the other's point."""


@dataclass(frozen=True)
class PlotArea:
    """The plotting area a figure's points are drawn in.

    Attributes:
        x_range: Data range of the x axis.
        y_range: Data range of the y axis.
        width_px: Nominal width of the plotting area in pixels.
        height_px: Nominal height of the plotting area in pixels.
    """

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    width_px: float
    height_px: float

    def to_pixels(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return screen pixel coordinates (origin top left) of data points."""
        px = (np.asarray(x, float) - self.x_range[0]) / (self.x_range[1] - self.x_range[0]) * self.width_px
        py = (self.y_range[1] - np.asarray(y, float)) / (self.y_range[1] - self.y_range[0]) * self.height_px
        return px, py


def _overlap(box: np.ndarray, boxes: np.ndarray) -> float:
    """Return the total area by which ``box`` (x0, y0, x1, y1) overlaps ``boxes`` (n, 4)."""
    if not len(boxes):
        return 0.0
    width = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0.0, None)
    height = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0.0, None)
    return float((width * height).sum())


def label_box(px: float, py: float, text: str, offset: tuple[float, float]) -> np.ndarray:
    """Return the estimated pixel box (x0, y0, x1, y1) of a label centred at the point plus ``offset``."""
    half_width = (len(text) * CHAR_PX + 8.0) / 2.0
    cx, cy = px + offset[0], py + offset[1]
    return np.array([cx - half_width, cy - LABEL_HEIGHT_PX / 2, cx + half_width, cy + LABEL_HEIGHT_PX / 2])


def _crosses(a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, b1: np.ndarray) -> np.ndarray:
    """Return whether segment a0-a1 properly crosses each segment b0[i]-b1[i] (arrays of shape (n, 2))."""
    def side(p, q, r):
        return np.sign((q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
                       - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0]))
    return (side(a0, a1, b0) * side(a0, a1, b1) < 0) & (side(b0, b1, a0) * side(b0, b1, a1) < 0)


def _leader_cost(start: np.ndarray, end: np.ndarray, leaders: list[tuple[np.ndarray, np.ndarray]],
                 boxes: np.ndarray) -> float:
    """Return the penalty of a leader line: crossings with placed leader lines, and labels it runs through."""
    cost = 0.0
    if leaders:
        starts = np.array([a for a, _ in leaders])
        ends = np.array([b for _, b in leaders])
        cost += CROSSING_PX2 * float(_crosses(start, end, starts, ends).sum())
    if len(boxes):
        for t in (0.25, 0.5, 0.75):  # sample the line: a label it passes through reads as the wrong point's
            px, py = start + t * (end - start)
            inside = (boxes[:, 0] <= px) & (px <= boxes[:, 2]) & (boxes[:, 1] <= py) & (py <= boxes[:, 3])
            cost += CROSSING_PX2 * float(inside.sum()) / 3
    return cost


def place_labels(x: np.ndarray, y: np.ndarray, texts: list[str], area: PlotArea,
                 obstacles: tuple[np.ndarray, np.ndarray] | None = None) -> list[tuple[float, float]]:
    """Return the pixel offset (ax, ay) of each label's centre from its point, in the order given.

    Args:
        x: Data x of the labelled points, most important first.
        y: Data y of the labelled points.
        texts: The labels.
        area: The plotting area.
        obstacles: Data (x, y) of further points that labels must not cover (the labelled ones always count).

    Returns:
        One (ax, ay) per label, in pixels (plotly annotation ``ax``/``ay``: y grows downwards).
    """
    px, py = area.to_pixels(x, y)
    ox, oy = area.to_pixels(*obstacles) if obstacles is not None else (np.empty(0), np.empty(0))
    all_x, all_y = np.concatenate([px, ox]), np.concatenate([py, oy])
    points = np.stack([all_x - POINT_RADIUS_PX, all_y - POINT_RADIUS_PX,
                       all_x + POINT_RADIUS_PX, all_y + POINT_RADIUS_PX], axis=1)
    placed: list[np.ndarray] = []
    leaders: list[tuple[np.ndarray, np.ndarray]] = []
    offsets = []
    candidates = [(dx * ring, dy * ring) for ring in RINGS_PX for dx, dy in DIRECTIONS]
    for i, text in enumerate(texts):
        best, best_cost = candidates[0], np.inf
        start = np.array([px[i], py[i]])
        placed_boxes = np.array(placed).reshape(-1, 4)
        for offset in candidates:
            box = label_box(px[i], py[i], text, offset)
            outside = (max(0.0, -box[0]) + max(0.0, box[2] - area.width_px) + max(0.0, -box[1])
                       + max(0.0, box[3] - area.height_px)) * OUTSIDE_PX2
            cost = (outside + OVERLAP_WEIGHT * (_overlap(box, placed_boxes) + _overlap(box, points))
                    + _leader_cost(start, start + np.array(offset), leaders, placed_boxes))
            if cost < best_cost:
                best, best_cost = offset, cost
            if cost == 0.0:
                break
        placed.append(label_box(px[i], py[i], text, best))
        leaders.append((start, start + np.array(best)))
        offsets.append((float(best[0]), float(best[1])))
    return offsets
