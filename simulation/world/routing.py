"""Routing on a raster of zones: straight 4-connected lines and shortest paths on a network of zones.

Everything here works on whole arrays of trips at once, so the model can place every traveller of a day in the
zones they pass through without a Python loop per trip. :class:`simulation.world.city.City` wraps it for single routes.

A route is the sequence of zones a trip passes through, origin and destination included; its length is the number
of steps (zones in the route minus one). Zone ids are row-major: ``id = y * width + x``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, shortest_path


def manhattan(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    """Return the Manhattan distance in zones between zone ids ``a`` and ``b`` (broadcast)."""
    ay, ax = np.divmod(np.asarray(a, np.int64), width)
    by, bx = np.divmod(np.asarray(b, np.int64), width)
    return np.abs(ax - bx) + np.abs(ay - by)


def line_zone_at(a: np.ndarray, b: np.ndarray, k: np.ndarray, width: int) -> np.ndarray:
    """Return the ``k``-th zone of the straight 4-connected line from ``a`` to ``b`` (digital line, k=0 is ``a``).

    After k steps the line has made ``round(k * |dx| / m)`` steps along x and the rest along y, where m is the
    Manhattan distance: each step moves to an edge-adjacent zone and the line stays within half a zone of the
    straight segment.

    Args:
        a: Origin zone ids.
        b: Destination zone ids.
        k: Step index, 0 <= k <= manhattan(a, b).
        width: Zones per row.

    Returns:
        Zone ids (int64), broadcast over the inputs.
    """
    ay, ax = np.divmod(np.asarray(a, np.int64), width)
    by, bx = np.divmod(np.asarray(b, np.int64), width)
    k = np.asarray(k, np.int64)
    dx, dy = bx - ax, by - ay
    m = np.abs(dx) + np.abs(dy)
    xs = np.where(m > 0, (2 * k * np.abs(dx) + m) // np.maximum(2 * m, 1), 0)
    ys = k - xs
    return (ay + np.sign(dy) * ys) * width + ax + np.sign(dx) * xs


@dataclass(frozen=True, eq=False)
class Network:
    """Shortest paths (in steps) on a set of zones joined by links, with the node nearest to every zone.

    Attributes:
        nodes: Zone id of each node.
        dist: (node, node) number of steps of the shortest path; -1 where no path exists.
        pred: (node, node) predecessor of the target on the shortest path from the source (-9999 at the source).
        nearest: For every zone of the raster, the index of the nearest access node (Manhattan distance, lowest
            zone id on ties); -1 when the network has no access node.
    """

    nodes: np.ndarray
    dist: np.ndarray
    pred: np.ndarray
    nearest: np.ndarray

    @classmethod
    def build(cls, nodes: np.ndarray, links: np.ndarray, access: np.ndarray, n_zones: int, width: int) -> Network:
        """Build the network.

        Args:
            nodes: Zone ids of the nodes, sorted and unique.
            links: (k, 2) pairs of zone ids joined by a link (both directions).
            access: Zone ids where a trip may enter or leave the network (a subset of nodes).
            n_zones: Zones in the raster.
            width: Zones per row.

        Returns:
            The network with all-pairs shortest paths.
        """
        nodes = np.asarray(nodes, np.int64)
        index = np.full(n_zones, -1, np.int64)
        index[nodes] = np.arange(len(nodes))
        n = len(nodes)
        if n and len(links):
            src, dst = index[links[:, 0]], index[links[:, 1]]
            graph = coo_matrix((np.ones(2 * len(src)), (np.r_[src, dst], np.r_[dst, src])), shape=(n, n)).tocsr()
            dist, pred = shortest_path(graph, unweighted=True, return_predecessors=True)
            dist = np.where(np.isfinite(dist), dist, -1).astype(np.int32)
        else:
            dist = np.where(np.eye(n, dtype=bool), 0, -1).astype(np.int32)
            pred = np.full((n, n), -9999, np.int32)
        access_index = index[np.asarray(access, np.int64)]
        if len(access_index):
            near = manhattan(np.arange(n_zones)[:, None], nodes[access_index][None, :], width)
            nearest = access_index[np.argmin(near, axis=1)]
        else:
            nearest = np.full(n_zones, -1, np.int64)
        return cls(nodes=nodes, dist=dist, pred=pred.astype(np.int32), nearest=nearest.astype(np.int64))

    def zone_at(self, s: np.ndarray, t: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Return the zone ``k`` steps along the shortest path from node ``s`` to node ``t`` (vectorised).

        Args:
            s: Source node indices.
            t: Target node indices (reachable from ``s``).
            k: Steps from the source, 0 <= k <= dist[s, t].

        Returns:
            Zone ids (int64).
        """
        s, t, k = np.broadcast_arrays(np.asarray(s, np.int64), np.asarray(t, np.int64), np.asarray(k, np.int64))
        back = self.dist[s, t] - k
        current = t.copy()
        flat = self.pred.ravel()
        row = s * len(self.nodes)
        for _ in range(int(back.max(initial=0))):
            current = np.where(back > 0, flat[row + current], current)
            back -= 1
        return self.nodes[current]


def components(nodes: np.ndarray, links: np.ndarray, n_zones: int) -> np.ndarray:
    """Return the connected-component label of every node (zone ids ``nodes`` joined by ``links``)."""
    index = np.full(n_zones, -1, np.int64)
    index[nodes] = np.arange(len(nodes))
    n = len(nodes)
    src, dst = (index[links[:, 0]], index[links[:, 1]]) if len(links) else (np.array([], int), np.array([], int))
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def grid_links(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """Return (k, 2) zone pairs of edge-adjacent zones that are both in ``mask`` (a boolean per zone)."""
    grid = mask.reshape(height, width)
    ids = np.arange(width * height).reshape(height, width)
    right = grid[:, :-1] & grid[:, 1:]
    down = grid[:-1, :] & grid[1:, :]
    pairs = [np.c_[ids[:, :-1][right], ids[:, 1:][right]], np.c_[ids[:-1, :][down], ids[1:, :][down]]]
    return np.concatenate(pairs).astype(np.int64)
