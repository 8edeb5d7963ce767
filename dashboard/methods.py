"""The definitions shown on the methods page (made in :mod:`simulation.metrics.docs`, which the report shares)."""

from simulation.metrics.docs import MetricDoc, metric_docs, prose

__all__ = ["MetricDoc", "metric_docs", "prose"]
