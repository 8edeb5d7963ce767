"""The measures a scenario takes, and the scenario without each of them, to measure what each one buys.

A control counts as a measure when it is more protective than its least protective setting; its effect is
measured by running the scenario with that control alone set back to the least protective setting ("without
it"), on the same world and observation log. The scenario with every measure removed gives the inherent risk, the
current scenario the residual risk. Live face-recognition thresholds are not undone (there is no setting without a
threshold).

| control | least protective setting ("without") |
|---|---|
| opt_out | nobody opts out |
| edge_aggregation | no kind counted at the sensor |
| pseudonymisation | raw identifiers |
| retention | every dataset kept ten years (longer than any simulated period) |
| access | the adversary's role reads every dataset |
| generalisation | 1 x 1 zones, times at the simulated slot |
| differential_privacy | no noise |
| k_suppression | k = 0 |
| release | record-level release |
"""

from __future__ import annotations

from dataclasses import dataclass

from simulation.recommend.alternatives import Change, apply_changes
from simulation.scenario import SENSOR_KINDS, ScenarioConfig

FOREVER_DAYS = 3650.0


@dataclass(frozen=True)
class Measure:
    """A control the scenario sets more protectively than its least protective setting.

    Attributes:
        control: The control's name in ``ScenarioConfig.controls``.
        setting: The current setting in words.
        without: The edits that set it back to its least protective setting.
    """

    control: str
    setting: str
    without: tuple[Change, ...]


def _c(path: str, value: object) -> Change:
    return Change(f"controls.{path}", value)


def measures(config: ScenarioConfig) -> list[Measure]:
    """Return the measures of a scenario, in the order the controls are applied."""
    c, found = config.controls, []
    if max(c.opt_out.device_share, c.opt_out.anonymous_card_share, c.opt_out.meter_share) > 0:
        opt = c.opt_out
        found.append(Measure("opt_out", f"opted out: phones {opt.device_share:.0%}, registered cards "
                             f"{opt.anonymous_card_share:.0%}, meters {opt.meter_share:.0%}",
                             (_c("opt_out.device_share", 0.0), _c("opt_out.anonymous_card_share", 0.0),
                              _c("opt_out.meter_share", 0.0))))
    if c.edge_aggregation.kinds:
        found.append(Measure("edge_aggregation", "counted at the sensor: " + ", ".join(c.edge_aggregation.kinds),
                             (_c("edge_aggregation.kinds", []),)))
    if c.pseudonymisation.enabled:
        found.append(Measure("pseudonymisation", f"keyed hash at capture, keys rotated {c.pseudonymisation.rotation}, "
                             f"{c.pseudonymisation.scope.replace('_', ' ')} keys",
                             (_c("pseudonymisation.enabled", False),)))
    days = {kind: c.retention.for_kind(kind) for kind in SENSOR_KINDS}
    if min(days.values()) < config.world.days:
        shorter = [f"{kind} {value:g} d" for kind, value in days.items() if value < config.world.days]
        found.append(Measure("retention", "kept less than the simulated period: " + ", ".join(shorter),
                             (_c("retention.days", dict.fromkeys(SENSOR_KINDS, FOREVER_DAYS)),)))
    role = config.adversary.role
    missing = [kind for kind in SENSOR_KINDS if kind not in c.access.datasets_for(role)]
    if missing:
        found.append(Measure("access", f"the {role} may not read: " + ", ".join(missing),
                             (_c(f"access.grants.{role}", list(SENSOR_KINDS)),)))
    slot = config.world.slot_minutes
    if c.generalisation.spatial_block_zones > 1 or c.generalisation.temporal_bin_minutes > slot:
        found.append(Measure("generalisation", f"{c.generalisation.spatial_block_zones} x "
                             f"{c.generalisation.spatial_block_zones} blocks, {c.generalisation.temporal_bin_minutes}-"
                             "minute bins",
                             (_c("generalisation.spatial_block_zones", 1),
                              _c("generalisation.temporal_bin_minutes", slot))))
    if c.differential_privacy.enabled:
        found.append(Measure("differential_privacy", f"epsilon {c.differential_privacy.epsilon:g} per release, "
                             f"{c.differential_privacy.max_contributions} contributions per person",
                             (_c("differential_privacy.enabled", False),)))
    if c.k_suppression.k > 1:
        found.append(Measure("k_suppression", f"cells under {c.k_suppression.k} people suppressed",
                             (_c("k_suppression.k", 0),)))
    if c.release.level == "aggregates":
        found.append(Measure("release", "aggregates only", (_c("release.level", "records"),)))
    return found


def without(config: ScenarioConfig, removed: list[Measure]) -> ScenarioConfig:
    """Return the scenario with the given measures set back to their least protective settings."""
    return apply_changes(config, [change for measure in removed for change in measure.without])
