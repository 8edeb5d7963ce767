"""A readable plain-text summary of a run, for the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulation.pipeline import RunResult


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
    return "\n".join(lines)
