"""Facts of re-identification by points: unicity against p, under coarsening, and of dense traces.

Definition (de Montjoye, Hidalgo, Verleysen and Blondel 2013, "Unique in the Crowd"): a trace is the set of its
(place, time bin) points; draw p of a trace's distinct points at random; the trace is unique if no other trace
contains all p; unicity epsilon_p is the share of traces that are unique. Every trace is drawn for, with
DRAWS independent draws (streams ``validity/unicity/...``), and the shares are averaged.

The traces are transit-card taps at every station (:mod:`simulation.validity.evidence`): events at instants,
as the paper's call records are, among at least ``CROWD_RESIDENTS`` residents (``Evidence.crowd``: unicity falls
as the population grows, and the paper's had 1.5 million people). Places are zones (or blocks of b x b zones),
time bins are hours of the horizon (or h hours).

Dense traces (the ground truth, every slot) are sampled the way event data arise: p random instants of the
resident's horizon, each revealed as the (zone, time bin) the resident was in. Drawing among the *distinct*
points of a dense trace instead picks the rare points (zones passed through while travelling) more often as
bins widen, so its unicity rises with coarsening for a reason that has nothing to do with real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.metrics.risk.location_attack import unicity_counts
from simulation.metrics.risk.point_index import PointIndex
from simulation.rng import stream
from simulation.validity.evidence import Evidence
from simulation.validity.fact import Fact
from simulation.validity.movements import presence_places

FAMILY = "unicity"
DRAWS = 5
"""Independent draws of the known points, averaged."""
COARSENING: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (1, 4), (1, 12), (2, 1), (2, 2), (2, 6), (4, 1),
                                           (4, 4), (4, 12))
"""(b, h): blocks of b x b zones and bins of h hours in the coarsening fit."""
DENSE_HOURS: tuple[int, ...] = (1, 2, 4, 6, 12)
"""Time bins of the dense-trace curve."""
DECAY_PUBLISHED = -0.1
PAPER_PEOPLE = 1_500_000
"""People in de Montjoye et al.'s data."""
PUBLISHED: dict[int, float] = {4: 0.95, 2: 0.5}
"""Published unicity with p points."""


def block_of_zone(evidence: Evidence, b: int) -> np.ndarray:
    """Return each zone's block of b x b zones as a dense code."""
    city = evidence.world.city
    zone = np.arange(city.n_zones)
    blocks_per_row = -(-city.width // b)
    return (zone // city.width // b) * blocks_per_row + (zone % city.width) // b


def card_unicity(evidence: Evidence, p: int, b: int = 1, h: int = 1) -> float:
    """Return the unicity of the evidence's own card traces with p known points at b x b zones and h-hour bins."""
    taps = evidence.card_taps
    if len(taps["card"]) == 0:
        return float("nan")
    slots_per_hour = 60 // evidence.world.slot_minutes
    time_bin = taps["slot"] // (slots_per_hour * h)
    point = block_of_zone(evidence, b)[taps["zone"]] * (int(time_bin.max()) + 1) + time_bin
    pairs = np.unique(taps["card"] * (int(point.max()) + 1) + point)
    trace, point = np.divmod(pairs, int(point.max()) + 1)
    index = PointIndex(trace, point)
    shares = []
    for draw in range(DRAWS):
        rng = stream(evidence.config.seed, "validity", "unicity", p, b, h, draw)
        counts, _ = unicity_counts(trace, point, p, rng, None, index)
        shares.append(float(np.mean(counts == 1)))
    return float(np.mean(shares))


def _unicity_fact(evidence: Evidence, p: int, published: str, low: float, high: float) -> Fact:
    crowd = evidence.crowd
    value = card_unicity(crowd, p)
    traces = len(np.unique(crowd.card_taps["card"]))
    detail = f"{traces} card traces of {crowd.world.n_residents:,} residents, {DRAWS} draws"
    curve = None
    if crowd is not evidence:
        own = card_unicity(evidence, p)
        detail += f"; {own:.3f} among the scenario's own {evidence.world.n_residents:,}"
        curve = pd.DataFrame({"x": [evidence.world.n_residents, crowd.world.n_residents, PAPER_PEOPLE],
                              "ours": [own, value, np.nan], "published": [np.nan, np.nan, PUBLISHED[p]],
                              "label": ["the scenario", "measured here", "de Montjoye et al. 2013"]})
        curve.attrs.update(x_title="people in the data", y_title=f"unicity, p = {p}", log_x=True, log_y=False,
                           published_label="published (1.5 million people)", band=True)
    return Fact(f"unicity_p{p}", FAMILY, f"Unicity with p = {p} points (zone x hour), transit-card traces",
                published, "de Montjoye et al. 2013", low, high, value, "share", detail, curve=curve)


def unicity_four_points(evidence: Evidence) -> Fact:
    """Unicity of card traces with p = 4 known (zone, hour) points.

    Definition: the module docstring. Source: de Montjoye et al. 2013, 95% of 1.5 million phone users are unique
    with 4 (antenna, hour) points. Tolerance 0.90 to 1.0.
    """
    return _unicity_fact(evidence, 4, "about 0.95", 0.90, 1.0)


def unicity_two_points(evidence: Evidence) -> Fact:
    """Unicity of card traces with p = 2 known (zone, hour) points.

    Definition: the module docstring. Source: de Montjoye et al. 2013, two points single out about half the
    users. Tolerance 0.35 to 0.65.
    """
    return _unicity_fact(evidence, 2, "about 0.5", 0.35, 0.65)


def unicity_coarsening(evidence: Evidence) -> Fact:
    """Decay of unicity with resolution: the slope of log epsilon_4 on log (b^2 h).

    Definition: epsilon_4 of the card traces at blocks of b x b zones and bins of h hours, for the (b, h) of
    COARSENING; the least-squares slope of log epsilon on log of the resolution factor b^2 h (zones per unit
    times hours per bin). Source: de Montjoye et al. 2013, unicity decays about as the 1/10 power of the
    resolution. Tolerance -0.2 to -0.05.
    """
    rows = [{"b": b, "h": h, "factor": b * b * h, "unicity": card_unicity(evidence.crowd, 4, b, h)}
            for b, h in COARSENING]
    frame = pd.DataFrame(rows)
    ok = frame["unicity"] > 0
    slope = (float(np.polyfit(np.log(frame.loc[ok, "factor"]), np.log(frame.loc[ok, "unicity"]), 1)[0])
             if ok.sum() >= 2 else float("nan"))
    curve = pd.DataFrame({"x": frame["factor"], "ours": frame["unicity"],
                          "published": frame["unicity"].iloc[0] * frame["factor"].astype(float) ** DECAY_PUBLISHED,
                          "label": [f"{b}x{b} zones, {h} h" for b, h in COARSENING]}).sort_values("x")
    curve.attrs.update(x_title="resolution factor (zones per unit x hours per bin)", y_title="unicity, p = 4",
                       log_x=True, log_y=True, published_label="factor^-0.1, through our finest")
    coarsest = frame.iloc[frame["factor"].idxmax()]
    return Fact("unicity_coarsening", FAMILY, "Unicity under coarsening: slope of log epsilon_4 on log resolution",
                "about -1/10", "de Montjoye et al. 2013", -0.2, -0.05, slope, "",
                f"{frame['unicity'].iloc[0]:.3f} at zone x 1 h, {coarsest['unicity']:.3f} at "
                f"{int(coarsest['b'])}x{int(coarsest['b'])} zones x {int(coarsest['h'])} h", curve=curve)


def dense_unicity(evidence: Evidence, p: int = 4) -> pd.DataFrame:
    """Return epsilon_p of the dense ground-truth traces at each time bin of DENSE_HOURS (module docstring)."""
    world = evidence.world
    n, slots = world.n_residents, world.n_slots
    place = presence_places(world)
    n_places = int(place.max()) + 1
    slots_per_hour = 60 // world.slot_minutes
    rows = []
    instants = [stream(evidence.config.seed, "validity", "dense", draw).integers(0, slots, size=(n, p))
                for draw in range(DRAWS)]
    resident = np.arange(n)
    for h in DENSE_HOURS:
        time_bin = np.arange(slots) // (slots_per_hour * h)
        n_bins = int(time_bin[-1]) + 1
        point = place * n_bins + time_bin[:, None]
        index = PointIndex(np.broadcast_to(resident, (slots, n)).ravel(), point.ravel())
        shares = []
        for drawn in instants:
            known = place[drawn, resident[:, None]] * n_bins + time_bin[drawn]
            counts, _ = index.containing(known, at_most=2)
            shares.append(float(np.mean(counts == 1)))
        rows.append({"hours": h, "unicity": float(np.mean(shares))})
        del index
    frame = pd.DataFrame(rows)
    frame.attrs["n_places"] = n_places
    return frame


def dense_time_coarsening(evidence: Evidence) -> Fact:
    """Unicity of dense ground-truth traces as time bins widen: the slope of log epsilon_4 on log h.

    Definition: the module docstring (p = 4 random instants, h = 1, 2, 4, 6, 12 hours). Source: de Montjoye et
    al. 2013: unicity falls as the resolution coarsens. Tolerance: at most -0.01 (it falls).
    """
    frame = dense_unicity(evidence)
    ok = frame["unicity"] > 0
    slope = (float(np.polyfit(np.log(frame.loc[ok, "hours"]), np.log(frame.loc[ok, "unicity"]), 1)[0])
             if ok.sum() >= 2 else float("nan"))
    curve = pd.DataFrame({"x": frame["hours"], "ours": frame["unicity"]})
    curve.attrs.update(x_title="time bin (hours)", y_title="unicity of dense traces, p = 4", log_x=True,
                       log_y=False)
    return Fact("dense_time_coarsening", FAMILY, "Dense ground-truth traces: slope of log epsilon_4 on log time bin",
                "falls (negative)", "de Montjoye et al. 2013", None, -0.01, slope, "",
                ", ".join(f"{r.unicity:.3f} at {r.hours} h" for r in frame.itertuples()), curve=curve)


FACTS = (unicity_four_points, unicity_two_points, unicity_coarsening, dense_time_coarsening)
"""The facts of this family, in the order they are reported."""
