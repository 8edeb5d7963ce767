"""Differential privacy's privacy loss per person over the released aggregates, as stage 3 accounted for it.

The accounting itself is made where the noise is added (:mod:`simulation.controls.dp_accounting`); this module
reports it as an outcome. It reads nothing but the release.
"""

from __future__ import annotations

from simulation.metrics.base import AssessmentContext, MetricResult


def privacy_budget(ctx: AssessmentContext) -> MetricResult:
    """Total epsilon per person over every noised aggregate table.

    Definition: each people-counting table noised by differential privacy costs one person the table's epsilon when
    the curator bounds everyone's contributions (per raw identifier, over the whole horizon, at capture); where it
    cannot (counts without an identifier, a phone showing a new random address each day), the table costs what the
    most-counted resident's contribution implies (epsilon x their contribution / the bound m) and is marked as no
    formal guarantee. ``risk_dp_epsilon_total`` adds the tables up by basic composition: the epsilons of every
    statistic a person contributes to add up. It is 0 when differential privacy noised nothing, which is no
    guarantee at all, not a perfect one; it covers the published counts, never the records kept or shared.
    Breakdown: one row per noised table (``Release.noised_frame``).
    Sources: Dwork and Roth, "The Algorithmic Foundations of Differential Privacy" (2014), Theorem 3.16 (basic
    composition) and section 3.3 (the Laplace mechanism); contribution bounding per user, Wilson et al.,
    "Differentially Private SQL with Bounded User Contribution", PoPETs 2020.
    """
    return MetricResult(name="risk_dp_epsilon_total", value=ctx.release.epsilon_total,
                        breakdown=ctx.release.noised_frame())
