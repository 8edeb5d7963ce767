"""Risk at the real city's population, extrapolated from a few simulated sizes.

Re-identification depends on how many people could be confused with each other: transit unicity is 97.6% / 93.4% /
85.8% at 1,250 / 5,000 / 20,000 simulated residents of the same city. A scenario that simulates 5,000 residents of
a city of 800,000 therefore overstates the share of residents an attack reaches. Simulating the whole city is
often too slow, so the risk is measured at a few simulated sizes (the same city, sensors, controls and seed; only
``population.residents`` changes) and a curve is fitted through them:

    logit(risk) = a + b * ln(residents)

The logit keeps every prediction inside (0, 1), and the logarithm follows what studies of growing populations
found: unicity falls slowly, roughly linearly in the logarithm of the population (de Montjoye et al. 2013,
"Unique in the Crowd", Sci. Rep. 3:1376; Farzanehfar, Houssiau & de Montjoye 2021, "The risk of
re-identification remains high even in country-scale location datasets", Patterns 2(3):100204). Shares of exactly
0 or 1 are held 0.5 / residents inside the bounds before the logit. A share that is 0 at every size stays 0.

The result is an extrapolation, not a measurement: it is reported apart from the simulated figures, with the
sizes it was fitted on and the fit's largest residual, and it is only as good as the assumption that the city's
density of sensors and residents stays the same as the population grows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.scenario import ScenarioConfig

SIZE_FRACTIONS: tuple[float, ...] = (0.25, 0.5, 1.0)
"""Default simulated sizes, as fractions of the scenario's residents."""

MIN_RESIDENTS = 10
"""The schema's smallest population."""

EXTRAPOLATED_METRICS: tuple[str, ...] = (
    "risk_overall", "risk_unicity", "risk_reidentification", "risk_tracking", "risk_identified", "risk_linkage",
    "risk_sensitive_inference", "risk_trajectory_recovery",
)
"""The shares of residents extrapolated (those a run reports)."""


@dataclass(frozen=True)
class LogitLogFit:
    """``logit(share) = intercept + slope * ln(residents)``, fitted by least squares.

    Attributes:
        intercept: a.
        slope: b (negative when the risk falls as the population grows).
        max_residual: Largest absolute difference between a measured share and the curve, in share points.
        always_zero: Every measured share was 0; the prediction is 0.
    """

    intercept: float
    slope: float
    max_residual: float
    always_zero: bool = False

    def predict(self, residents: float) -> float:
        """Return the fitted share of residents at a population size."""
        if self.always_zero:
            return 0.0
        z = self.intercept + self.slope * math.log(residents)
        return float(1.0 / (1.0 + math.exp(-z))) if z > -700 else 0.0


def fit_logit_log(sizes: Sequence[int], shares: Sequence[float]) -> LogitLogFit:
    """Fit the share of residents against the population size (see the module docstring).

    Args:
        sizes: Simulated populations (at least two distinct sizes).
        shares: The share measured at each size, in [0, 1].

    Raises:
        ValueError: With fewer than two distinct sizes, or a share outside [0, 1].
    """
    n = np.asarray(sizes, dtype=float)
    y = np.asarray(shares, dtype=float)
    if len(np.unique(n)) < 2:
        raise ValueError(f"the fit needs at least two distinct population sizes; got {list(sizes)}")
    if not np.all((y >= 0) & (y <= 1)):
        raise ValueError(f"shares must lie in [0, 1]; got {list(shares)}")
    if not y.any():
        return LogitLogFit(intercept=0.0, slope=0.0, max_residual=0.0, always_zero=True)
    held = np.clip(y, 0.5 / n, 1 - 0.5 / n)
    slope, intercept = np.polyfit(np.log(n), np.log(held / (1 - held)), 1)
    fit = LogitLogFit(intercept=float(intercept), slope=float(slope), max_residual=0.0)
    residual = max(abs(fit.predict(size) - share) for size, share in zip(n, y, strict=True))
    return LogitLogFit(intercept=float(intercept), slope=float(slope), max_residual=float(residual))


def simulated_sizes(config: ScenarioConfig, fractions: Sequence[float] = SIZE_FRACTIONS) -> list[int]:
    """Return the distinct population sizes to simulate: fractions of the scenario's residents, at least 10."""
    return sorted({max(MIN_RESIDENTS, round(config.population.residents * f)) for f in fractions})


def at_size(config: ScenarioConfig, residents: int) -> ScenarioConfig:
    """Return the scenario with ``population.residents`` set (everything else, seed included, unchanged)."""
    data = config.model_dump(mode="json")
    data["population"]["residents"] = int(residents)
    return ScenarioConfig.model_validate(data)


def measure_sizes(config: ScenarioConfig, sizes: Sequence[int],
                  outcomes_of: Callable[[ScenarioConfig], dict[str, float]] | None = None) -> pd.DataFrame:
    """Run the scenario at each size and return one row per size: ``residents`` and the extrapolated metrics.

    Args:
        config: The scenario.
        sizes: Populations to simulate.
        outcomes_of: Runs one scenario and returns its outcomes (default: the whole pipeline). The dashboard
            passes its cached runs.
    """
    if outcomes_of is None:
        from simulation.pipeline import run

        def outcomes_of(scenario: ScenarioConfig) -> dict[str, float]:
            return run(scenario).outcomes

    rows = []
    for size in sizes:
        outcomes = outcomes_of(at_size(config, size))
        rows.append({"residents": int(size), **{m: float(outcomes[m]) for m in EXTRAPOLATED_METRICS
                                                if m in outcomes}})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Extrapolation:
    """The measured shares at each simulated size, the fits, and the predictions at the real population.

    Attributes:
        measured: One row per simulated size (``residents`` and one column per metric).
        real_population: The size predicted for.
        fits: Metric -> fitted curve.
    """

    measured: pd.DataFrame
    real_population: int
    fits: dict[str, LogitLogFit]

    def predicted(self, metric: str = "risk_overall") -> float:
        """Return the extrapolated share of residents at the real population."""
        return self.fits[metric].predict(self.real_population)

    def table(self) -> pd.DataFrame:
        """Return, per metric: the share at each simulated size, the extrapolation, the fit's largest residual."""
        rows = []
        for metric, fit in self.fits.items():
            row = {"metric": metric}
            row.update({f"simulated_{int(n)}": float(v) for n, v in zip(self.measured["residents"],
                                                                          self.measured[metric], strict=True)})
            row[f"extrapolated_{self.real_population}"] = self.predicted(metric)
            row["slope_per_ln_residents"] = fit.slope
            row["max_residual"] = fit.max_residual
            rows.append(row)
        return pd.DataFrame(rows)


def extrapolate(config: ScenarioConfig, real_population: int | None = None, sizes: Sequence[int] | None = None,
                outcomes_of: Callable[[ScenarioConfig], dict[str, float]] | None = None) -> Extrapolation:
    """Measure the risk at a few simulated sizes and extrapolate it to the real population.

    Args:
        config: The scenario.
        real_population: Size to predict for (default: the scenario's ``population.real_population``).
        sizes: Simulated sizes (default: :func:`simulated_sizes`).
        outcomes_of: See :func:`measure_sizes`.

    Raises:
        ValueError: Without a real population, or with fewer than two distinct sizes.
    """
    target = real_population if real_population is not None else config.population.real_population
    if target is None or target < MIN_RESIDENTS:
        raise ValueError("no real population to extrapolate to: set population.real_population in the scenario "
                         f"or pass one (at least {MIN_RESIDENTS})")
    sizes = sorted(set(sizes)) if sizes is not None else simulated_sizes(config)
    if len(sizes) < 2:
        raise ValueError(f"at least two distinct simulated sizes are needed; got {list(sizes)}")
    measured = measure_sizes(config, sizes, outcomes_of)
    metrics = [m for m in EXTRAPOLATED_METRICS if m in measured.columns]
    fits = {m: fit_logit_log(measured["residents"], measured[m]) for m in metrics}
    return Extrapolation(measured=measured, real_population=int(target), fits=fits)
