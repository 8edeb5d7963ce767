"""Recommendations: try each control's alternatives one at a time, then a greedy combination, and rank them.

1. **One at a time.** The current scenario and every alternative of :func:`.alternatives.alternatives` (each
   moves one control) run through stages 3-4 on the same world and observation log, with the sweep engine
   (:func:`simulation.engine.run_many`: stages 1-2 built once per process; a local pool or a Dask cluster).
2. **Ranking** (:mod:`.ranking`): the alternatives that lower the headline risk, by risk reduction per unit of
   overall utility lost.
3. **Greedy combination.** Going down the ranking, one alternative per lever (the best of the rungs of one
   setting) and per dataset (a dataset counted at the edge leaves nothing for its retention to do), up to
   ``MAX_COMBINED``: these are also the top recommendations. Every prefix of two or more is run (in one parallel
   wave), so each step's marginal effect on top of the previous ones is measured, not assumed.
4. **Pareto frontier** over every scenario run (the current one, each lever's alternatives, the combinations).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

import pandas as pd

from simulation.recommend.alternatives import alternatives, combine
from simulation.recommend.ranking import (
    Evaluated,
    pareto_frontier,
    rank,
    risk_reduction,
    score,
    sentence,
    utility_lost,
)
from simulation.scenario import ScenarioConfig

MAX_COMBINED = 5
"""Alternatives the greedy combination takes at most (one per lever)."""
CURRENT = "Current scenario"

Progress = Callable[[int, int], None]
"""Called with (runs done, runs planned); the plan grows once the greedy combinations are known."""


@dataclass(frozen=True)
class Recommendations:
    """What :func:`recommend` found.

    Attributes:
        base: The current scenario, run.
        singles: Every alternative, run one at a time, in the order generated.
        combinations: The greedy combinations: the best two, three, ... alternatives applied together.
        extra: The results rows of the other scenarios asked for (``recommend``'s ``extra``), in order.
    """

    base: Evaluated
    singles: list[Evaluated]
    combinations: list[Evaluated]
    extra: list[dict] = field(default_factory=list)

    @property
    def ranked(self) -> list[Evaluated]:
        """Return the single alternatives that lower the risk, best risk reduction per utility lost first."""
        return rank(self.base, self.singles)

    def top(self, n: int = 5) -> list[Evaluated]:
        """Return the ``n`` best single alternatives, one per lever and per dataset (see :func:`distinct`)."""
        return distinct(self.ranked, n)

    def sentences(self, n: int = 5) -> list[str]:
        """Return the ``n`` best alternatives as sentences with their numbers."""
        return [sentence(self.base, choice) for choice in self.top(n)]

    @property
    def frontier(self) -> list[Evaluated]:
        """Return the Pareto frontier over every scenario run, lowest risk first."""
        return pareto_frontier([self.base, *self.singles, *self.combinations])

    def table(self) -> pd.DataFrame:
        """Return one row per scenario run: what it is, its rank, its headline figures and every outcome.

        Columns: kind (current / alternative / combination), rank (1 = best; empty when it does not lower the
        risk), label, control, settings, risk_overall, utility_overall, risk_reduction, utility_lost,
        risk_reduction_per_utility_lost, on_pareto_frontier, then every other outcome and flag of the run.
        """
        ranks = {id(choice): position for position, choice in enumerate(self.ranked, start=1)}
        on_frontier = {id(point) for point in self.frontier}
        rows = []
        for kind, points in (("current", [self.base]), ("alternative", self.singles),
                             ("combination", self.combinations)):
            for point in points:
                extra = {k: v for k, v in point.row.items() if k.startswith(("utility_", "risk_", "flag_"))}
                rows.append({
                    "kind": kind, "rank": ranks.get(id(point)), "label": point.label,
                    "control": ", ".join(dict.fromkeys(a.control for a in point.alternatives)),
                    "settings": "; ".join(a.settings for a in point.alternatives),
                    "risk_overall": point.risk, "utility_overall": point.utility,
                    "risk_reduction": risk_reduction(self.base, point), "utility_lost": utility_lost(self.base, point),
                    "risk_reduction_per_utility_lost": score(self.base, point) if point is not self.base else None,
                    "on_pareto_frontier": id(point) in on_frontier, **extra,
                })
        table = pd.DataFrame(rows)
        table["rank"] = table["rank"].astype("Int64")
        return table


def distinct(ranked: list[Evaluated], limit: int) -> list[Evaluated]:
    """Return at most ``limit`` of the ranked alternatives, skipping those that would repeat one already taken.

    Down the ranking, an alternative is taken unless one already taken moves the same lever (another rung of the
    same setting) or acts on the same single dataset (see ``Alternative.dataset``: counting Wi-Fi at the edge and
    no longer reading Wi-Fi records do the same thing).
    """
    chosen: list[Evaluated] = []
    for choice in ranked:
        new = choice.alternatives[0]
        if all(new.lever != taken.lever and (not new.dataset or new.dataset != taken.dataset)
               for taken in (c.alternatives[0] for c in chosen)):
            chosen.append(choice)
        if len(chosen) == limit:
            break
    return chosen


def recommend(config: ScenarioConfig, executor: Executor | None = None, workers: int = 2,
              on_progress: Progress | None = None, extra: Sequence[ScenarioConfig] = ()) -> Recommendations:
    """Run the current scenario and its alternatives, then the greedy combinations, and return them.

    Args:
        config: The current scenario.
        executor: A ``concurrent.futures`` executor (a Dask client's ``get_executor()``); by default a local
            process pool of ``workers`` processes (1: in this process).
        workers: Size of the local pool.
        on_progress: Called with (runs done, runs planned) after each run.
        extra: Other scenarios on the same world to run with the first wave (the DPIA report's scenarios without
            each measure), so they share its workers.

    Returns:
        The runs; ``.sentences()``, ``.table()`` and ``.frontier`` present them.
    """
    from simulation.engine import run_many

    options = alternatives(config)
    planned = 1 + len(options) + len(extra) + MAX_COMBINED - 1
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if on_progress:
            on_progress(done, planned)

    first = run_many([(config, 0), *((option.apply(config), 0) for option in options), *((c, 0) for c in extra)],
                     executor=executor, workers=workers, on_done=tick)
    base = Evaluated(CURRENT, (), first[0])
    singles = [Evaluated(option.phrase, (option,), row)
               for option, row in zip(options, first[1:1 + len(options)], strict=True)]
    chosen = [choice.alternatives[0] for choice in distinct(rank(base, singles), MAX_COMBINED)]
    prefixes = [chosen[:size] for size in range(2, len(chosen) + 1)]
    planned = done + len(prefixes)
    rows = run_many([(combine(config, prefix), 0) for prefix in prefixes], executor=executor, workers=workers,
                    on_done=tick) if prefixes else []
    combinations = [Evaluated(f"Top {len(prefix)} combined", tuple(prefix), row)
                    for prefix, row in zip(prefixes, rows, strict=True)]
    if on_progress:
        on_progress(done, done)
    return Recommendations(base=base, singles=singles, combinations=combinations, extra=first[1 + len(options):])
