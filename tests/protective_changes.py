"""For each privacy control, a strictly more protective setting of it, from any scenario (metamorphic tests).

Each change returns None when the scenario is already at the most protective end of that control (nothing to
compare). The changes move one control only.
"""

from __future__ import annotations

from collections.abc import Callable

from simulation.scenario import IDENTIFYING_KINDS, ScenarioConfig
from simulation.sweep import apply_settings

ROTATIONS = ("never", "daily", "hourly")


def _set(config: ScenarioConfig, settings: dict) -> ScenarioConfig:
    return apply_settings(config, settings)


def more_opt_out(config: ScenarioConfig) -> ScenarioConfig | None:
    opt = config.controls.opt_out
    if min(opt.device_share, opt.anonymous_card_share, opt.meter_share) >= 1.0:
        return None
    return _set(config, {"controls.opt_out.device_share": min(1.0, opt.device_share + 0.4),
                         "controls.opt_out.anonymous_card_share": min(1.0, opt.anonymous_card_share + 0.4),
                         "controls.opt_out.meter_share": min(1.0, opt.meter_share + 0.4)})


def edge_aggregation_of_every_identifying_kind(config: ScenarioConfig) -> ScenarioConfig | None:
    kinds = set(config.controls.edge_aggregation.kinds)
    if set(IDENTIFYING_KINDS) <= kinds:
        return None
    return _set(config, {"controls.edge_aggregation.kinds": sorted(kinds | set(IDENTIFYING_KINDS))})


def pseudonymise(config: ScenarioConfig) -> ScenarioConfig | None:
    if config.controls.pseudonymisation.enabled:
        return None
    return _set(config, {"controls.pseudonymisation.enabled": True})


def faster_key_rotation(config: ScenarioConfig) -> ScenarioConfig | None:
    rotation = config.controls.pseudonymisation.rotation
    if rotation == ROTATIONS[-1]:
        return None
    return _set(config, {"controls.pseudonymisation.rotation": ROTATIONS[ROTATIONS.index(rotation) + 1]})


def per_sensor_keys(config: ScenarioConfig) -> ScenarioConfig | None:
    if config.controls.pseudonymisation.scope == "per_sensor":
        return None
    return _set(config, {"controls.pseudonymisation.scope": "per_sensor"})


def stricter_face_match(config: ScenarioConfig) -> ScenarioConfig | None:
    threshold = config.controls.face_recognition.match_threshold
    if threshold >= 0.95:
        return None
    return _set(config, {"controls.face_recognition.match_threshold": min(0.99, threshold + 0.3)})


def shorter_retention(config: ScenarioConfig) -> ScenarioConfig | None:
    days = config.controls.retention.days
    return _set(config, {"controls.retention.days": {kind: value / 4 for kind, value in days.items()}})


def fewer_grants(config: ScenarioConfig) -> ScenarioConfig | None:
    role = config.adversary.role
    granted = config.controls.access.datasets_for(role)
    if not granted:
        return None
    grants = {party: list(kinds) for party, kinds in config.controls.access.grants.items()}
    grants[role] = sorted(granted)[1:]  # one dataset fewer
    return _set(config, {"controls.access.grants": grants})


def coarser_space(config: ScenarioConfig) -> ScenarioConfig | None:
    block = config.controls.generalisation.spatial_block_zones
    return None if block >= 6 else _set(config, {"controls.generalisation.spatial_block_zones": block * 2})


def coarser_time(config: ScenarioConfig) -> ScenarioConfig | None:
    minutes = config.controls.generalisation.temporal_bin_minutes
    return None if minutes >= 720 else _set(config, {"controls.generalisation.temporal_bin_minutes": minutes * 4})


def differential_privacy_on(config: ScenarioConfig) -> ScenarioConfig | None:
    if config.controls.differential_privacy.enabled:
        return None
    return _set(config, {"controls.differential_privacy.enabled": True})


def smaller_epsilon(config: ScenarioConfig) -> ScenarioConfig | None:
    dp = config.controls.differential_privacy
    if not dp.enabled:
        return None
    return _set(config, {"controls.differential_privacy.epsilon": dp.epsilon / 10})


def larger_k(config: ScenarioConfig) -> ScenarioConfig | None:
    return _set(config, {"controls.k_suppression.k": max(config.controls.k_suppression.k, 1) * 5})


def aggregates_only(config: ScenarioConfig) -> ScenarioConfig | None:
    if config.controls.release.level == "aggregates":
        return None
    return _set(config, {"controls.release.level": "aggregates"})


PROTECTIVE_CHANGES: dict[str, Callable[[ScenarioConfig], ScenarioConfig | None]] = {
    "more opt-out": more_opt_out,
    "edge aggregation of identifying kinds": edge_aggregation_of_every_identifying_kind,
    "pseudonymise": pseudonymise,
    "faster key rotation": faster_key_rotation,
    "per-sensor keys": per_sensor_keys,
    "stricter face match": stricter_face_match,
    "shorter retention": shorter_retention,
    "one grant fewer": fewer_grants,
    "coarser space": coarser_space,
    "coarser time": coarser_time,
    "differential privacy on": differential_privacy_on,
    "smaller epsilon": smaller_epsilon,
    "larger k": larger_k,
    "aggregates only": aggregates_only,
}
"""Every control's strictly more protective move, by name."""
