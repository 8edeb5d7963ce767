"""Why a change of a setting had no effect: the settings a scenario makes idle, and the usual reasons for the rest.

:func:`cannot_change` names the changes that can change no figure of the scenario at all, because of the rest of
the scenario (a face-match threshold where no camera matches faces, the key rotation of identifiers that are not
pseudonymised, retention beyond the simulated days, a party's access when only the adversary's role attacks, ...).
Each rule follows what the pipeline does and is checked by running both scenarios (tests/test_no_effect.py).

:func:`why_unchanged` adds the reasons that explain a change which *could* have moved the numbers and did not
(differential privacy or suppression of the published counts while the records themselves are still released; the
retention of records that name nobody). Both speak of settings by their paths (``controls.retention.days.cctv``);
the dashboard shows them beside the setting's title.
"""

from __future__ import annotations

import re
from typing import Any

from simulation.labels import SENSOR_LABELS
from simulation.scenario import IDENTIFYING_KINDS, ScenarioConfig

_SENSOR_FIELD = re.compile(r"^sensors\[([^\]]+)\]\.(.+)$")
POLICE = "police"
"""The party whose access the public-safety service reads (:mod:`simulation.metrics.utility.public_safety`)."""
OPT_OUT_KINDS = {"device_share": "wifi_bt", "anonymous_card_share": "transit_card", "meter_share": "smart_meter"}
"""Which sensor kind each opt-out reaches."""


def _deployed(config: ScenarioConfig) -> set[str]:
    return {sensor.kind for sensor in config.sensors}


def _kind_words(kind: str) -> str:
    return SENSOR_LABELS.get(kind, kind).lower()


def _sensor_reason(name: str, field: str, config: ScenarioConfig) -> str | None:
    sensor = next((s for s in config.sensors if s.name == name), None)
    if sensor is None:
        return None
    placement = sensor.placement
    if not (placement.zone_share or placement.districts or placement.zones) and field != "placement" \
            and not field.startswith("placement."):
        return "this deployment is placed nowhere, so it has no device"
    if field == "watchlist_size" and not getattr(sensor, "face_recognition", False):
        return "this camera does not recognise faces, so its watchlist is never used"
    return None


def _controls_reason(path: str, before: Any, after: Any, config: ScenarioConfig) -> str | None:
    controls, deployed = config.controls, _deployed(config)
    if path == "controls.face_recognition.match_threshold" and not any(
            getattr(sensor, "face_recognition", False) for sensor in config.sensors):
        return "no camera in this scenario recognises faces"
    if path in ("controls.pseudonymisation.rotation", "controls.pseudonymisation.scope") \
            and not controls.pseudonymisation.enabled:
        return "identifiers are not pseudonymised, so no key is used"
    if path in ("controls.differential_privacy.epsilon", "controls.differential_privacy.max_contributions") \
            and not controls.differential_privacy.enabled:
        return "differential privacy is off"
    if path.startswith("controls.opt_out."):
        kind = OPT_OUT_KINDS.get(path.rsplit(".", 1)[1])
        if kind and kind not in deployed:
            return f"no {_kind_words(kind)} is deployed"
    if path.startswith("controls.retention.days."):
        kind = path.rsplit(".", 1)[1]
        if kind not in deployed:
            return f"no {_kind_words(kind)} is deployed"
        if kind in controls.edge_aggregation.kinds:
            return f"{_kind_words(kind)}s keep no records: they are aggregated at the edge"
        days = config.world.days
        if isinstance(before, int | float) and isinstance(after, int | float) and min(before, after) >= days:
            return f"both keep every record of the {days} simulated days"
    if path.startswith("controls.access.grants."):
        party = path.rsplit(".", 1)[1]
        if party not in (config.adversary.role, POLICE):
            return (f"only the adversary's role ({config.adversary.role}) attacks in this scenario, and only the "
                    "police's access serves a service: this party's access changes no figure (make it the "
                    "adversary to see it)")
    if path == "controls.edge_aggregation.kinds":
        changed = set(before or ()) ^ set(after or ())
        if changed and not changed & deployed:
            return f"no {', '.join(sorted(_kind_words(kind) for kind in changed))} is deployed"
    return None


def cannot_change(path: str, before: Any, after: Any, config: ScenarioConfig) -> str | None:
    """Return why changing a setting can change no figure of a scenario, or None if it may.

    Args:
        path: The setting's dotted path (sensors keyed by name: ``sensors[cctv_centre].watchlist_size``).
        before: Its value before the change.
        after: Its value after the change.
        config: The scenario after the change.

    Returns:
        A short reason in plain words ("no camera in this scenario recognises faces"), or None.
    """
    found = _SENSOR_FIELD.match(path)
    if found:
        return _sensor_reason(found[1], found[2], config)
    if path.startswith("controls."):
        return _controls_reason(path, before, after, config)
    return None


def why_unchanged(path: str, before: Any, after: Any, config: ScenarioConfig) -> str | None:
    """Return why a change may have left the numbers as they were, or None if no reason is known.

    The reasons of :func:`cannot_change` first; then those of changes that only reach what the scenario does not
    read: the noise and suppression of published counts while records are released, the retention of records that
    name nobody.
    """
    reason = cannot_change(path, before, after, config)
    if reason:
        return reason
    records = config.controls.release.level == "records"
    if records and path.startswith("controls.differential_privacy."):
        return ("differential privacy adds noise to the published counts only; with the release level at "
                "'records', the services and the attacker read the records themselves, which carry no noise "
                "(release aggregates only for the noise to matter)")
    if records and path == "controls.k_suppression.k":
        return ("suppression removes small cells from the published counts only; with the release level at "
                "'records', the services and the attacker read the records themselves")
    if path == f"controls.access.grants.{POLICE}" and config.adversary.role != POLICE:
        return ("the police's access serves only the public-safety service (locating a wanted person); it "
                "changes no risk figure while the adversary is another party")
    if path.startswith("controls.retention.days.") and path.rsplit(".", 1)[1] not in IDENTIFYING_KINDS:
        return ("these records name nobody, so how long they are kept changes no risk figure; it only changes "
                "what the services can still count")
    return None
