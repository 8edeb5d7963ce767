"""The alternatives a planner could choose for each privacy control, generated from the current scenario.

Each :class:`Alternative` moves one control to one more protective setting and says so in a short imperative phrase
("Rotate keys hourly"). The candidates are the settings a city can actually pick (the rungs below), more protective
than the current one; controls with nothing to act on (no sensor of that kind, no face recognition) offer
nothing. Sensors are not moved: recommendations change only stage 3, so stages 1-2 are built once.

| control | alternatives offered |
|---|---|
| opt_out | phones invisible for half of residents; half of registered cards anonymous; every meter daily only |
| edge_aggregation | each deployed identifying kind counted at the sensor |
| pseudonymisation | switched on; each faster key rotation; a key per sensor |
| face_recognition | match thresholds 0.8 and 0.9, when live face recognition is on |
| retention | each deployed identifying dataset kept 7 days and 1 day (when shorter than now and than the horizon) |
| access | the adversary's role loses each identifying dataset it may read |
| generalisation | blocks of zones twice as wide (up to 8 x 8); time bins twice as long (up to a day) |
| differential_privacy | on at epsilon 1 and 0.1 (or a tenth of the current epsilon) |
| k_suppression | k = 10, 20 and 50 |
| release | aggregates only |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from simulation.scenario import IDENTIFYING_KINDS, ScenarioConfig

SENSOR_NAMES: dict[str, str] = {
    "cctv": "CCTV", "wifi_bt": "Wi-Fi/Bluetooth", "anpr": "number-plate (ANPR)", "transit_card": "transit-card",
    "smart_meter": "smart-meter", "people_counter": "people-counter", "env_iot": "air/noise",
}
"""How a sentence names each sensor kind's dataset."""
RETENTION_DAYS: tuple[float, ...] = (7.0, 1.0)
"""Retention rungs offered for each identifying dataset (days)."""
FACE_THRESHOLDS: tuple[float, ...] = (0.8, 0.9)
MAX_SPATIAL_BLOCK: int = 8
"""Coarsest block offered (zones per side): the generalisation alternatives double the block and the time bin."""
MAX_TIME_BIN: int = 1440
K_VALUES: tuple[int, ...] = (10, 20, 50)
DP_EPSILONS: tuple[float, ...] = (1.0, 0.1)
ROTATIONS: tuple[str, ...] = ("never", "daily", "hourly")
"""Key rotations, least protective first."""
OPT_OUT_SHARE: float = 0.5
"""Share of residents (phones, registered cards) an opt-out campaign is assumed to reach."""


Op = Literal["set", "add", "remove"]


@dataclass(frozen=True)
class Change:
    """One edit of a scenario: set a dotted path to a value, or add or remove one item of a list at that path."""

    path: str
    value: Any
    op: Op = "set"

    def applied_to(self, data: dict) -> None:
        """Make this edit in a scenario's JSON dump (``ScenarioConfig.model_dump(mode="json")``), in place.

        A missing last key of a mapping is created (a retention for a kind the scenario did not list).
        """
        *parents, last = self.path.split(".")
        node: Any = data
        for part in parents:
            node = node[part]
        if self.op == "set":
            node[last] = self.value
            return
        items = [item for item in node.get(last, []) if item != self.value]
        node[last] = [*items, self.value] if self.op == "add" else items


@dataclass(frozen=True)
class Alternative:
    """One control moved to one other setting.

    Attributes:
        control: The control's name in ``ScenarioConfig.controls`` (e.g. "pseudonymisation").
        phrase: What a planner would do, as an imperative phrase ("Rotate keys hourly").
        changes: The edits that make it (relative edits of lists, so alternatives combine).
        lever: Which setting of the control moves (e.g. "pseudonymisation.rotation"); a combination takes at most
            one alternative per lever.
        dataset: The one dataset (sensor kind) it acts on, or "" when it acts on all of them; a combination takes
            at most one alternative per dataset (counting Wi-Fi at the edge leaves nothing for Wi-Fi retention to do).
    """

    control: str
    phrase: str
    changes: tuple[Change, ...]
    lever: str
    dataset: str = ""

    def apply(self, config: ScenarioConfig) -> ScenarioConfig:
        """Return the scenario with this alternative's edits made (validated)."""
        return combine(config, [self])

    @property
    def settings(self) -> str:
        """Return the edits as readable text ("controls.k_suppression.k = 20; ...")."""
        signs = {"set": "=", "add": "+=", "remove": "-="}
        return "; ".join(f"{c.path} {signs[c.op]} {_text(c.value)}" for c in self.changes)


def _text(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def apply_changes(config: ScenarioConfig, changes: list[Change]) -> ScenarioConfig:
    """Return the scenario with the edits made, in order (validated)."""
    data = config.model_dump(mode="json")
    for change in changes:
        change.applied_to(data)
    return ScenarioConfig.model_validate(data)


def combine(config: ScenarioConfig, chosen: list[Alternative]) -> ScenarioConfig:
    """Return the scenario with every chosen alternative's edits made, in order (validated)."""
    return apply_changes(config, [change for alternative in chosen for change in alternative.changes])


def _set(control: str, phrase: str, lever: str, dataset: str = "", **paths: Any) -> Alternative:
    """Return an alternative that sets paths (keyword names use ``__`` for dots) to values."""
    changes = tuple(Change(f"controls.{path.replace('__', '.')}", value) for path, value in paths.items())
    return Alternative(control, phrase, changes, lever, dataset)


def _deployed(config: ScenarioConfig) -> list[str]:
    """Return the sensor kinds deployed that record an identifier, in the order of ``IDENTIFYING_KINDS``.

    Cameras record an identifier (a face template) only with live facial recognition; without it they record
    that someone was in view, which no control on the camera records changes for any attack.
    """
    kinds = {sensor.kind for sensor in config.sensors if sensor.kind != "cctv" or sensor.face_recognition}
    return [kind for kind in IDENTIFYING_KINDS if kind in kinds]


def _recorded(config: ScenarioConfig) -> list[str]:
    """Return the deployed identifying kinds whose records exist (not counted at the edge)."""
    edge = set(config.controls.edge_aggregation.kinds)
    return [kind for kind in _deployed(config) if kind not in edge]


def _opt_out(config: ScenarioConfig) -> list[Alternative]:
    opt, kinds, out = config.controls.opt_out, set(_recorded(config)), []
    if "wifi_bt" in kinds and opt.device_share < OPT_OUT_SHARE:
        out.append(_set("opt_out", f"Let residents opt their phones out (reaching {OPT_OUT_SHARE:.0%})",
                        "opt_out.device_share", "wifi_bt", opt_out__device_share=OPT_OUT_SHARE))
    if "transit_card" in kinds and opt.anonymous_card_share < OPT_OUT_SHARE:
        out.append(_set("opt_out", f"Offer anonymous transit cards (taken by {OPT_OUT_SHARE:.0%} of card holders)",
                        "opt_out.anonymous_card_share", "transit_card", opt_out__anonymous_card_share=OPT_OUT_SHARE))
    if "smart_meter" in kinds and opt.meter_share < 1.0:
        out.append(_set("opt_out", "Read every smart meter daily, not half-hourly", "opt_out.meter_share",
                        "smart_meter", opt_out__meter_share=1.0))
    return out


def _edge_aggregation(config: ScenarioConfig) -> list[Alternative]:
    return [Alternative("edge_aggregation", f"Count {SENSOR_NAMES[kind]} data at the sensor (edge aggregation)",
                        (Change("controls.edge_aggregation.kinds", kind, "add"),), f"edge_aggregation.{kind}", kind)
            for kind in _recorded(config)]


def _pseudonymisation(config: ScenarioConfig) -> list[Alternative]:
    settings = config.controls.pseudonymisation
    if not settings.enabled:
        return [_set("pseudonymisation", "Pseudonymise identifiers at capture", "pseudonymisation.enabled",
                     pseudonymisation__enabled=True)]
    faster = ROTATIONS[ROTATIONS.index(settings.rotation) + 1:]
    out = [_set("pseudonymisation", f"Rotate keys {rotation}", "pseudonymisation.rotation",
                pseudonymisation__rotation=rotation) for rotation in faster]
    if settings.scope == "city_wide":
        out.append(_set("pseudonymisation", "Use a separate key per sensor", "pseudonymisation.scope",
                        pseudonymisation__scope="per_sensor"))
    return out


def _face_recognition(config: ScenarioConfig) -> list[Alternative]:
    if not any(s.kind == "cctv" and s.face_recognition for s in config.sensors):
        return []
    current = config.controls.face_recognition.match_threshold
    return [_set("face_recognition", f"Raise the face-match threshold to {value:.2f}",
                 "face_recognition.match_threshold", "cctv", face_recognition__match_threshold=value)
            for value in FACE_THRESHOLDS if value > current]


def _retention(config: ScenarioConfig) -> list[Alternative]:
    out = []
    for kind in _recorded(config):
        current = min(config.controls.retention.for_kind(kind), float(config.world.days))  # longer changes nothing
        for days in RETENTION_DAYS:
            if days < current:
                unit = "day" if days == 1 else "days"
                out.append(Alternative("retention", f"Keep {SENSOR_NAMES[kind]} records {days:g} {unit}",
                                       (Change(f"controls.retention.days.{kind}", days),), f"retention.{kind}", kind))
    return out


def _access(config: ScenarioConfig) -> list[Alternative]:
    role = config.adversary.role
    granted, recorded = set(config.controls.access.datasets_for(role)), set(_recorded(config))
    return [Alternative("access", f"Stop the {role} reading {SENSOR_NAMES[kind]} records",
                        (Change(f"controls.access.grants.{role}", kind, "remove"),), f"access.{role}.{kind}", kind)
            for kind in IDENTIFYING_KINDS if kind in granted and kind in recorded]


def _generalisation(config: ScenarioConfig) -> list[Alternative]:
    settings = config.controls.generalisation
    block, minutes = 2 * settings.spatial_block_zones, 2 * settings.temporal_bin_minutes
    out = []
    if block <= MAX_SPATIAL_BLOCK:
        out.append(_set("generalisation", f"Release places as {block} x {block} blocks of zones",
                        "generalisation.spatial_block_zones", generalisation__spatial_block_zones=block))
    if minutes <= MAX_TIME_BIN:
        hours = f"{minutes // 60}-hour" if minutes % 60 == 0 else f"{minutes}-minute"
        out.append(_set("generalisation", f"Release times in {hours} bins",
                        "generalisation.temporal_bin_minutes", generalisation__temporal_bin_minutes=minutes))
    return out


def _differential_privacy(config: ScenarioConfig) -> list[Alternative]:
    dp = config.controls.differential_privacy
    if dp.enabled:
        epsilon = round(dp.epsilon / 10, 6)
        return [_set("differential_privacy", f"Lower the differential-privacy epsilon to {epsilon:g}",
                     "differential_privacy.epsilon", differential_privacy__epsilon=epsilon)]
    return [_set("differential_privacy", f"Add differential-privacy noise (epsilon {epsilon:g})",
                 "differential_privacy.epsilon", differential_privacy__enabled=True,
                 differential_privacy__epsilon=epsilon)
            for epsilon in DP_EPSILONS]


def _k_suppression(config: ScenarioConfig) -> list[Alternative]:
    return [_set("k_suppression", f"Suppress published cells counting fewer than {k} people", "k_suppression.k",
                 k_suppression__k=k)
            for k in K_VALUES if k > config.controls.k_suppression.k]


def _release(config: ScenarioConfig) -> list[Alternative]:
    if config.controls.release.level == "aggregates":
        return []
    return [_set("release", "Release only aggregates (no record-level data)", "release.level",
                 release__level="aggregates")]


GENERATORS = (_opt_out, _edge_aggregation, _pseudonymisation, _face_recognition, _retention, _access,
              _generalisation, _differential_privacy, _k_suppression, _release)
"""One generator per control, in the order the controls are applied."""


def alternatives(config: ScenarioConfig) -> list[Alternative]:
    """Return every control's alternatives to the current scenario, in the order the controls are applied.

    Args:
        config: The current scenario.

    Returns:
        The alternatives; each changes one setting of one control.
    """
    return [alternative for generate in GENERATORS for alternative in generate(config)]
