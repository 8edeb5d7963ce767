"""Readable plain-text summaries of a run, an extrapolation and recommendations, for the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulation.extrapolation import Extrapolation
    from simulation.pipeline import RunResult
    from simulation.recommend.engine import Recommendations


def format_summary(result: RunResult, summary: dict, seconds: float) -> str:
    """Return a short report: the world, the detections, then every outcome grouped by direction.

    Args:
        result: The run.
        summary: Its world summary (``simulation.export.world_summary``).
        seconds: Wall-clock time of the run.
    """
    config = result.config
    lines = [
        f"scenario {config.name} (seed {config.seed}): {summary['residents']:,} residents, {summary['days']} days, "
        f"{summary['zones']} zones, {summary['trips']:,} trips; ran in {seconds:.2f} s",
        "",
        "residents per archetype: " + ", ".join(f"{k} {v:,}" for k, v in summary["residents_per_archetype"].items()),
        "detections per sensor kind: " + ", ".join(
            f"{k} {v:,}" for k, v in summary["detections_per_kind"].items() if v),
        "",
        "utility (higher is better)            risk (lower is better; shares are of ALL residents)",
    ]
    outcomes = result.outcomes
    utilities = sorted((k, v) for k, v in outcomes.items() if k.startswith("utility_"))
    risks = sorted(((k, v) for k, v in outcomes.items() if k.startswith("risk_")),
                   key=lambda item: (item[0] != "risk_overall", item[0]))  # the headline first
    width = max((len(k) for k, _ in risks), default=0) + 2
    for index in range(max(len(utilities), len(risks))):
        left = f"{utilities[index][0]:<28}{utilities[index][1]:>7.3f}" if index < len(utilities) else " " * 35
        right = f"{risks[index][0]:<{width}}{risks[index][1]:>9.3f}" if index < len(risks) else ""
        lines.append(f"{left}   {right}")
    try:
        from simulation.metrics.explain import plain_sentences

        sentences = plain_sentences(outcomes, config)
    except ImportError:
        sentences = {}
    if sentences:
        lines += ["", *[f"- {text}" for text in sentences.values()]]
    if config.population.real_population is not None:
        lines += ["", f"These shares are of the {config.population.residents:,} simulated residents. For the risk "
                      f"at the real city's {config.population.real_population:,} (an extrapolation): "
                      f"python -m simulation extrapolate SCENARIO"]
    return "\n".join(lines)


def format_extrapolation(result: Extrapolation) -> str:
    """Return the shares of residents at each simulated size and, marked as such, at the real population.

    Args:
        result: The extrapolation (``simulation.extrapolation.extrapolate``).
    """
    sizes = [int(n) for n in result.measured["residents"]]
    target = result.real_population
    head = "".join(f"{f'{n:,} sim.':>13}" for n in sizes)
    lines = [f"{'share of residents':<28}{head}{f'{target:,} EXTRAPOLATED':>24}{'max residual':>14}"]
    for metric, fit in result.fits.items():
        measured = "".join(f"{v:>13.3f}" for v in result.measured[metric])
        lines.append(f"{metric:<28}{measured}{result.predicted(metric):>24.3f}{fit.max_residual:>14.3f}")
    lines += ["", f"The last column is an extrapolation, not a simulation: logit(share) fitted linearly in "
                  f"ln(residents) over {', '.join(f'{n:,}' for n in sizes)} simulated residents, assuming the "
                  f"same density of sensors and residents at {target:,}."]
    return "\n".join(lines)


def format_recommendations(found: Recommendations, top: int, seconds: float) -> str:
    """Return the top recommendations as numbered sentences, then the greedy combinations and the frontier.

    Args:
        found: The recommendations (``simulation.recommend.engine.recommend``).
        top: How many sentences.
        seconds: Wall-clock time they took.
    """
    name = found.base.row.get("scenario", "scenario")
    lines = [f"{name}: {len(found.singles)} alternatives and {len(found.combinations)} combinations run in "
             f"{seconds:.1f} s", ""]
    sentences = found.sentences(top)
    lines += [f"{i}. {text}" for i, text in enumerate(sentences, start=1)] or [
        "No alternative lowers the privacy risk by half a point or more."]
    if found.combinations:
        lines += ["", "Greedy combination, each step on top of the previous ones:"]
        steps = [found.top(1)[0], *found.combinations]
        lines += [f"  {'+ ' if i else ''}{point.alternatives[-1].phrase}: risk {point.risk:.1%}, utility "
                  f"{point.utility:.1%}" for i, point in enumerate(steps)]
    lines += ["", "Pareto frontier (no scenario run has both lower risk and higher utility):"]
    lines += [f"  risk {point.risk:.1%}, utility {point.utility:.1%}: {point.label}" for point in found.frontier]
    return "\n".join(lines)
