"""The content of the DPIA report's sections, as plain data, from a run and its recommendations.

The structure follows the DPIA templates it is anchored on: the CNIL PIA method (context, fundamental principles,
risks on a severity x likelihood map, measures), the ICO DPIA template (processing, necessity and proportionality,
risks, measures and their effect, residual risk) and EDPB WP248 rev.01 Annex 2 (the criteria for an acceptable
DPIA). Every figure is measured by the simulation on the scenario; nothing here is estimated by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from simulation.dpia.flags import Flag
from simulation.dpia.measures import Measure
from simulation.dpia.risk_map import LEVELS, RiskPoint, risk_points
from simulation.labels import SENSOR_LABELS, SENSOR_RECORDS, UTILITY_LABELS, pretty
from simulation.metrics.explain import SERVICE_TASKS
from simulation.metrics.utility.crowd import CROWD_KINDS
from simulation.metrics.utility.public_safety import IDENTIFIER_COLUMNS
from simulation.pipeline import RunResult
from simulation.recommend.engine import Recommendations
from simulation.recommend.ranking import risk_reduction, utility_lost
from simulation.scenario import SERVICES

IDENTIFIERS: dict[str, str] = {
    "cctv": "images; a face template with live facial recognition",
    "wifi_bt": "device (MAC) address",
    "anpr": "number plate",
    "transit_card": "card number (named if registered)",
    "smart_meter": "meter id (household)",
    "people_counter": "none",
    "env_iot": "none",
}
"""The identifier each kind captures (DESIGN.md's sensor table)."""
SERVICE_SOURCES: dict[str, tuple[str, ...]] = {
    "crowd": CROWD_KINDS, "transit": ("transit_card",), "traffic": ("anpr",), "energy": ("smart_meter",),
    "public_safety": tuple(IDENTIFIER_COLUMNS), "environment": ("env_iot",),
}
"""The sensor kinds each service's estimator reads (see ``simulation.metrics.utility``)."""
COUNT_OUTCOMES: tuple[str, ...] = ("risk_exposure_resident_days", "risk_face_false_alerts_per_10k",
                                   "risk_dp_epsilon_total")
"""Figures shown beside the per-resident risks when the run measured them (read by name; another version of the
simulation may not have them)."""


@dataclass(frozen=True)
class Row:
    """A row of a report table: cells as text, in column order."""

    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A report table: header and rows, all text."""

    header: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)

    @classmethod
    def of(cls, header: tuple[str, ...], rows: list[tuple]) -> Table:
        """Return a table of text cells from any values."""
        return cls(header, [Row(tuple(str(cell) for cell in row)) for row in rows])


def percent(value: float) -> str:
    """Return a share as a percentage with one decimal."""
    return f"{100 * value:.1f}%"


def points(value: float) -> str:
    """Return a difference of shares in percentage points, signed."""
    return f"{100 * value:+.1f} pts"


# ---------------------------------------------------------------- 1. description of the processing


def sensors_table(result: RunResult) -> Table:
    """Return one row per sensor deployment: what it captures, where, what is kept and who reads it."""
    config, devices = result.config, result.log.sensors
    per_device = devices["name"].astype(str).value_counts()
    detections = result.log.records.groupby("sensor", observed=True).size()
    by_name = devices.assign(records=devices["sensor"].map(detections).fillna(0)).groupby(
        devices["name"].astype(str))["records"].sum()
    controls = config.controls
    rows = []
    for sensor in config.sensors:
        kind = sensor.kind
        if kind in controls.edge_aggregation.kinds:
            handling = "counted at the sensor; no record leaves it"
        elif IDENTIFIERS[kind] == "none":
            handling = "readings kept"
        elif controls.pseudonymisation.enabled:
            handling = (f"pseudonymised at capture (keys rotated {controls.pseudonymisation.rotation}); kept "
                        f"{controls.retention.for_kind(kind):g} days")
        else:
            handling = f"raw identifiers kept {controls.retention.for_kind(kind):g} days"
        readers = [party for party, kinds in controls.access.grants.items() if kind in kinds]
        capture = IDENTIFIERS[kind] if kind != "cctv" or sensor.face_recognition else "images, no face template"
        rows.append((sensor.name, SENSOR_LABELS.get(kind, kind), SENSOR_RECORDS.get(kind, ""), capture,
                     f"{int(per_device.get(sensor.name, 0)):,}", f"{int(by_name.get(sensor.name, 0)):,}", handling,
                     ", ".join(readers) or "nobody"))
    return Table.of(("deployment", "sensor", "what it records", "identifier captured", "devices",
                     f"records in {config.world.days} days", "what is kept", "who may read the records"), rows)


def purposes_table(result: RunResult) -> Table:
    """Return one row per service (the purposes): what it needs, the data it uses, its weight and utility."""
    config, outcomes = result.config, result.outcomes
    deployed = {s.kind for s in config.sensors}
    rows = []
    for service in SERVICES:
        sources = [SENSOR_LABELS[k] for k in SERVICE_SOURCES[service] if k in deployed]
        rows.append((UTILITY_LABELS[f"utility_{service}"], SERVICE_TASKS[service], ", ".join(sources) or "none",
                     f"{config.utility_weights.get(service, 0.0):g}", percent(outcomes.get(f"utility_{service}", 0))))
    return Table.of(("purpose (service)", "task", "data used", "weight", "utility"), rows)


def recipients_table(result: RunResult) -> Table:
    """Return who may read which record datasets (aggregates are published to everyone)."""
    grants = result.config.controls.access.grants
    rows = [(party, ", ".join(SENSOR_LABELS[k] for k in kinds) or "no record dataset")
            for party, kinds in grants.items()]
    return Table.of(("recipient", "record datasets it may read (aggregates are public)"), rows)


# ---------------------------------------------------------------- 2. necessity and proportionality


def datasets_table(result: RunResult) -> Table:
    """Return, per dataset the adversary reads, the share of residents it exposes and the services it serves."""
    breakdown = result.assessment.breakdowns.get("risk_unicity", pd.DataFrame())
    deployed = {s.kind for s in result.config.sensors}
    rows = []
    for _, line in breakdown.iterrows():
        kind = str(line["dataset"])
        services = [UTILITY_LABELS[f"utility_{s}"] for s in SERVICES if kind in SERVICE_SOURCES[s]]
        rows.append((SENSOR_LABELS.get(kind, kind), (", ".join(services) or "none") if kind in deployed else "",
                     percent(line.get("residents_in_profiles", 0.0)), percent(line.get("singled_out", 0.0)),
                     percent(line.get("tracked", 0.0)), percent(line.get("linked_across", 0.0))))
    return Table.of(("dataset", "serves", "residents in the adversary's profiles", "singled out through it",
                     "tracked through it", "linked across through it"), rows)


# ---------------------------------------------------------------- 3. risks to residents


@dataclass(frozen=True)
class Risks:
    """The risks section: each feared event as measured now, and without any measure.

    Attributes:
        points: The feared events with their measured shares.
        inherent: Event column -> share of residents without any measure (None if not measured).
        table: The same as a table.
        counts: Figures reported beside the shares (label, value).
    """

    points: list[RiskPoint]
    inherent: dict[str, float]
    table: Table
    counts: list[tuple[str, str]]


def risks_section(result: RunResult, inherent_row: dict | None) -> Risks:
    """Return the risks: per-resident shares now (residual) and without any measure (inherent)."""
    found = risk_points(result.assessment.breakdowns["resident_outcomes"])
    inherent = {}
    for point in found:
        name = point.event.outcome or f"risk_{point.event.column}"
        if inherent_row is not None and name in inherent_row:
            inherent[point.event.column] = float(inherent_row[name])
    rows = [(p.event.title, percent(p.share), percent(inherent[p.event.column]) if p.event.column in inherent else "",
             LEVELS[p.likelihood], LEVELS[p.event.severity], p.overall, p.event.why) for p in found]
    table = Table.of(("feared event", "residents reached", "without any measure", "likelihood", "severity",
                      "overall (ICO)", "why this severity"), rows)
    outcomes = result.outcomes
    counts = [(pretty(name), _count(outcomes[name])) for name in COUNT_OUTCOMES if name in outcomes]
    return Risks(points=found, inherent=inherent, table=table, counts=counts)


def _count(value: float) -> str:
    """Return a count or a small figure readably: 24,566 or 0.31."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# ---------------------------------------------------------------- 4. measures


def measures_table(result: RunResult, found: list[Measure], without_rows: list[dict]) -> Table:
    """Return each measure, what it did (the release audit) and its measured effect (the scenario without it)."""
    audit = result.release.audit
    risk, utility = result.outcomes["risk_overall"], result.outcomes["utility_overall"]
    rows = []
    for measure, row in zip(found, without_rows, strict=True):
        notes = audit.loc[audit["control"] == measure.control, "note"].astype(str)
        did = "; ".join(dict.fromkeys(n for n in notes if n))[:400]
        rows.append((pretty(measure.control), measure.setting, did, percent(row["risk_overall"]),
                     points(row["risk_overall"] - risk), points(row["utility_overall"] - utility)))
    return Table.of(("measure", "setting", "what it did (release audit)", "risk without it", "risk it removes",
                     "utility it costs"), rows)


# ---------------------------------------------------------------- 5. recommendations


def recommendations_table(found: Recommendations, top: int) -> Table:
    """Return the top recommendations with their numbers."""
    rows = [(i, choice.label, percent(choice.risk), percent(choice.utility),
             points(-risk_reduction(found.base, choice)), points(-utility_lost(found.base, choice)))
            for i, choice in enumerate(found.top(top), start=1)]
    return Table.of(("#", "change", "privacy risk", "utility", "risk change", "utility change"), rows)


def greedy_table(found: Recommendations) -> Table:
    """Return the greedy combination step by step (each step on top of the previous ones)."""
    if not found.combinations:
        return Table(("step", "added", "privacy risk", "utility"))
    steps = [found.top(1)[0], *found.combinations]
    rows = [(i, point.alternatives[-1].phrase, percent(point.risk), percent(point.utility))
            for i, point in enumerate(steps, start=1)]
    return Table.of(("step", "added", "privacy risk", "utility"), rows)


def flags_table(flags: list[Flag]) -> Table:
    """Return every flag, raised first: the rule, the facts, the source."""
    ordered = sorted(flags, key=lambda f: not f.raised)
    rows = [("RAISED" if f.raised else "not raised", f.rule.title, f.rule.rule, " ".join(f.facts), f.rule.source)
            for f in ordered]
    return Table.of(("status", "rule", "what it says", "scenario facts", "source"), rows)
