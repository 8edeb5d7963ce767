"""Every registered metric's definition as written in its code, for the methods page and the DPIA report.

A metric's docstring gives its definition and source; its module's docstring the background.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from simulation.labels import pretty
from simulation.metrics.privacy_budget import privacy_budget
from simulation.metrics.risk import RISK_METRICS
from simulation.metrics.risk.aggregate_recovery import aggregate_recovery
from simulation.metrics.utility import UTILITY_METRICS

REGISTRIES: dict[str, dict[str, Callable]] = {
    "utility": UTILITY_METRICS,
    "risk": {**RISK_METRICS, "risk_trajectory_recovery": aggregate_recovery,  # the attack on released aggregates
             "risk_dp_epsilon_total": privacy_budget},  # differential privacy's accounting
}


@dataclass(frozen=True)
class MetricDoc:
    """A metric's definition as written in its code.

    Attributes:
        outcome: Outcome name (``utility_*`` or ``risk_*``).
        label: Plain-language name.
        definition: The metric function's docstring (definition and source).
        background: The docstring of the module the metric lives in.
    """

    outcome: str
    label: str
    definition: str
    background: str


SECTION_HEADERS: tuple[str, ...] = ("Args:", "Returns:", "Raises:", "Yields:")
CROSS_REFERENCE = re.compile(r":(?:func|mod|class|meth|attr|data):`~?([^`]+)`")
"""A Sphinx cross-reference role (``:func:`name```), shown on the page as the plain code name."""


def prose(docstring: str) -> str:
    """Return a docstring without its Args/Returns/Raises sections and with cross-references as plain code."""
    kept = []
    for line in docstring.splitlines():
        if line.strip() in SECTION_HEADERS:
            break
        kept.append(line)
    return CROSS_REFERENCE.sub(r"`\1`", "\n".join(kept).strip())


def metric_docs(kind: str) -> list[MetricDoc]:
    """Return the documentation of every metric of one kind ("utility" or "risk"), in registry order."""
    docs = []
    for outcome, function in REGISTRIES[kind].items():
        module = sys.modules.get(function.__module__)
        docs.append(MetricDoc(outcome=outcome, label=pretty(outcome), definition=prose(inspect.getdoc(function) or ""),
                              background=CROSS_REFERENCE.sub(r"`\1`", inspect.getdoc(module) or "") if module else ""))
    return docs
