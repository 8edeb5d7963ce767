"""The risk at the real city's population, extrapolated on request from a few smaller simulated cities."""

from __future__ import annotations

import streamlit as st

from dashboard import stages
from dashboard.formatting import format_value
from simulation.extrapolation import extrapolate, simulated_sizes
from simulation.pipeline import RunResult

MAX_REAL_POPULATION = 100_000_000
"""The schema's bound on ``population.real_population``."""


def real_population_panel(result: RunResult) -> None:
    """Offer the privacy risk at a stated real population, marked as an extrapolation, beside the simulated one.

    The smaller cities (a quarter and a half of the simulated residents) are run only when asked, through the
    same cached runs as every other scenario, so a second look costs nothing.
    """
    config = result.config
    simulated = config.population.residents
    with st.expander("At the real city's population (extrapolated)"):
        stated = config.population.real_population
        target = st.number_input(
            "Residents of the real city", min_value=10, max_value=MAX_REAL_POPULATION, step=10_000,
            value=stated if stated is not None else max(simulated, 100_000), key="real_population",
            help="The simulation has fewer residents than most cities. Re-identification gets harder as more "
                 "people could be confused with each other, so the risk is measured at smaller sizes and "
                 "extrapolated to this one.")
        sizes = simulated_sizes(config)
        if not st.button(f"Estimate (runs the city at {', '.join(f'{n:,}' for n in sizes[:-1])} residents too)",
                         key="extrapolate"):
            st.caption(f"The figures above are for the {simulated:,} simulated residents.")
            return
        with st.spinner("Running the smaller cities..."):
            estimate = extrapolate(config, real_population=int(target), sizes=sizes, outcomes_of=stages.outcomes_of)
        measured = ", ".join(f"{format_value('risk_overall', v)} at {int(n):,}"
                             for n, v in zip(estimate.measured["residents"], estimate.measured["risk_overall"],
                                             strict=True))
        st.metric(f"Privacy risk at {int(target):,} residents (extrapolated)",
                  format_value("risk_overall", estimate.predicted()),
                  help="An extrapolation, not a simulation: logit(risk) fitted linearly in ln(residents) through "
                       "the simulated sizes, assuming the same density of sensors and residents.")
        st.caption(f"Simulated: {measured}. The curve passes within "
                   f"{estimate.fits['risk_overall'].max_residual:.1%} of each simulated figure.")
