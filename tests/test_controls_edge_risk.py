"""Edge aggregation alone drives tracking and linkage risk to zero (issue 3), measured by the risk metrics."""

from simulation.controls.pipeline import apply_controls
from simulation.metrics.base import AssessmentContext
from simulation.metrics.risk.shares import risk_linkage
from simulation.metrics.risk.tracking import tracking
from simulation.scenario import IDENTIFYING_KINDS


def risks(run, controls):
    config = run.config.model_copy(update={"controls": run.config.controls.model_validate(controls)})
    release = apply_controls(run.world, run.log, config)
    ctx = AssessmentContext(world=run.world, log=run.log, release=release, config=config)
    return tracking(ctx).value, risk_linkage(ctx).value


def test_edge_aggregation_of_every_identifying_kind_leaves_nothing_to_track_or_link(tiny_run):
    unregulated = {"pseudonymisation": {"rotation": "never"}}
    tracking, linkage = risks(tiny_run, unregulated)
    assert tracking > 0 and linkage > 0
    edge_tracking, edge_linkage = risks(tiny_run, {**unregulated,
                                                   "edge_aggregation": {"kinds": list(IDENTIFYING_KINDS)}})
    assert edge_tracking == 0 and edge_linkage == 0
