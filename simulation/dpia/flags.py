"""Screening flags: rules of the GDPR, the EDPB's DPIA guidelines and the EU AI Act, checked against a scenario.

These are screening aids, not legal advice (:data:`SCREENING_NOTE`). Each flag states the rule, the scenario facts
that raise it (or why it is not raised), and where the rule comes from. The thresholds a rule does not fix itself
(what counts as "large scale", how long is too long) are this project's screening choices, named as such.

Sources:
- GDPR: Regulation (EU) 2016/679, Art. 5(1)(c) and (e), Art. 9, Art. 25, Art. 35(1) and (3).
- EDPB (Article 29 Working Party), "Guidelines on Data Protection Impact Assessment (DPIA) and determining whether
  processing is likely to result in a high risk", WP248 rev.01, 4 October 2017, section III.B.a: nine criteria;
  "in most cases, a data controller can consider that a processing meeting two criteria would require a DPIA".
- Article 29 Working Party, "Guidelines on Data Protection Officers", WP243 rev.01, 2017, section 2.1.3 (what large
  scale means; its examples include travel data of a city's public transport users).
- EDPB Guidelines 3/2019 on processing of personal data through video devices, v2.0, 2020, paragraph 121 (storage
  of footage beyond 72 hours needs more justification).
- EU AI Act, Regulation (EU) 2024/1689: Art. 5(1)(h), 5(2)-(3) (real-time remote biometric identification in
  publicly accessible spaces for law enforcement), Annex III point 1(a) (remote biometric identification systems
  are high-risk).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulation.dpia.facts import PUBLIC_SPACE_KINDS, ScenarioFacts

SCREENING_NOTE = ("Screening aids, not legal advice: each flag applies a published rule to the simulated scenario's "
                  "facts. Whether a DPIA is required, and whether processing is lawful, is for the controller, its "
                  "data protection officer and the supervisory authority to decide.")
LARGE_SCALE_SHARE = 0.10
"""Screening choice: personal data of at least this share of residents counts as large scale (WP243 gives no
number; its examples include the travel data of a city's public transport users)."""
CCTV_HOURS = 72
"""EDPB Guidelines 3/2019, paragraph 121: footage kept beyond 72 hours needs more justification."""
RECORD_DAYS = 30
"""Screening choice: identifying records kept longer than this while every modelled service is computed from
aggregates made as the data arrive."""
TRACKING_SHARE = 0.01
"""Screening choice: movement profiles count as profiling when they follow at least 1% of residents on 2+ days."""
COUNT_ONLY_KINDS: dict[str, str] = {"wifi_bt": "crowd levels"}
"""Kinds whose only modelled purpose needs counts, not records (the purpose in words)."""


@dataclass(frozen=True)
class Rule:
    """A rule a scenario is screened against.

    Attributes:
        code: Short name; the results table's column is ``flag_<code>``.
        title: The rule in a few words.
        rule: What the rule says, in one or two sentences.
        source: The article or guideline it comes from.
        check: Returns (raised, facts): whether the scenario's facts raise it, and those facts in words.
    """

    code: str
    title: str
    rule: str
    source: str
    check: Callable[[ScenarioFacts], tuple[bool, list[str]]]


@dataclass(frozen=True)
class Flag:
    """A rule checked against a scenario.

    Attributes:
        rule: The rule.
        raised: Whether the scenario's facts raise it.
        facts: The facts that raise it, or why it is not raised.
    """

    rule: Rule
    raised: bool
    facts: tuple[str, ...]

    @property
    def column(self) -> str:
        """Return the results-table column of this flag."""
        return f"flag_{self.rule.code}"


def _names(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


# ---------------------------------------------------------------- the nine WP248 criteria


def _evaluation(f: ScenarioFacts) -> tuple[bool, list[str]]:
    tracked = f.outcome("risk_tracking")
    return tracked >= TRACKING_SHARE, [
        f"The records the {f.role} holds follow {_percent(tracked)} of residents on two or more days (measured "
        f"tracking); movement profiles count from {_percent(TRACKING_SHARE)}."]


def _automated(f: ScenarioFacts) -> tuple[bool, list[str]]:
    faces, police = f.face_recognition, "police" in f.readers("cctv")
    raised = bool(faces) and police
    return raised, [f"Live facial recognition: {_names(faces)}; the police read camera records: "
                    f"{'yes' if police else 'no'}. A watchlist alert can lead to a stop."]


def _monitoring(f: ScenarioFacts) -> tuple[bool, list[str]]:
    public = f.deployed(PUBLIC_SPACE_KINDS)
    return bool(public), [f"Sensors recording people in publicly accessible places, records kept: {_names(public)}."]


def _sensitive(f: ScenarioFacts) -> tuple[bool, list[str]]:
    faces, inferred = f.face_recognition, f.outcome("risk_sensitive_inference")
    facts = [f"Face templates (biometric data, GDPR Art. 9(1)) from: {_names(faces)}.",
             f"Visits to clinics, hospitals, places of worship or nightlife attributable to {_percent(inferred)} of "
             f"residents (measured); health and religious beliefs are special categories (Art. 9(1))."]
    return bool(faces) or inferred > 0, facts


def _large_scale(f: ScenarioFacts) -> tuple[bool, list[str]]:
    share = f.recorded_share
    if share is None:
        return False, ["Not known: the share of residents recorded comes from a run."]
    return share >= LARGE_SCALE_SHARE, [
        f"Personal-data sensors record {_percent(share)} of residents at least once in {f.config.world.days} days "
        f"(large scale from {_percent(LARGE_SCALE_SHARE)}, a screening choice)."]


def _matching(f: ScenarioFacts) -> tuple[bool, list[str]]:
    linked = f.outcome("risk_linkage")
    return linked > 0, [f"The {f.role} links records of {_percent(linked)} of residents across two or more datasets "
                        "(measured co-occurrence linkage)."]


def _vulnerable(f: ScenarioFacts) -> tuple[bool, list[str]]:
    students = f.config.population.archetype_shares.get("student", 0.0)
    public = f.deployed(PUBLIC_SPACE_KINDS)
    return bool(public) and students > 0, [
        f"Students and pupils are {_percent(students)} of residents; sensors in public places record everyone "
        f"passing, children included: {_names(public)}."]


def _innovative(f: ScenarioFacts) -> tuple[bool, list[str]]:
    faces = f.face_recognition
    return bool(faces), [f"Live facial recognition (WP248's example of an innovative technology): {_names(faces)}."]


def _service(f: ScenarioFacts) -> tuple[bool, list[str]]:
    cards = f.deployed(("transit_card",))
    return bool(cards), [f"Travelling by public transport means tapping a card whose journeys are kept: "
                         f"{_names(cards)}."]


WP248 = (
    Rule("wp248_evaluation_scoring", "Evaluation or scoring",
         "Evaluation or scoring, including profiling and predicting, especially from a person's location or "
         "movements.", "EDPB WP248 rev.01, III.B.a, criterion 1", _evaluation),
    Rule("wp248_automated_decision", "Automated decision with legal or similar effect",
         "Automated decision-making with legal or similarly significant effect (GDPR Art. 22).",
         "EDPB WP248 rev.01, III.B.a, criterion 2", _automated),
    Rule("wp248_systematic_monitoring", "Systematic monitoring",
         "Systematic monitoring, including of a publicly accessible area, where people may not know who collects "
         "their data or how it will be used, and cannot avoid it.", "EDPB WP248 rev.01, III.B.a, criterion 3",
         _monitoring),
    Rule("wp248_sensitive_data", "Sensitive or highly personal data",
         "Special categories of data (GDPR Art. 9: biometric data for identification, health, religious beliefs) "
         "or data of a highly personal nature.", "EDPB WP248 rev.01, III.B.a, criterion 4; GDPR Art. 9(1)",
         _sensitive),
    Rule("wp248_large_scale", "Large scale",
         "Data processed on a large scale: number or share of people concerned, volume, duration, geographical "
         "extent.", "EDPB WP248 rev.01, III.B.a, criterion 5; WP243 rev.01, 2.1.3", _large_scale),
    Rule("wp248_matching_datasets", "Matching or combining datasets",
         "Datasets from different operations or controllers matched or combined beyond what people would expect.",
         "EDPB WP248 rev.01, III.B.a, criterion 6", _matching),
    Rule("wp248_vulnerable_subjects", "Vulnerable data subjects",
         "Data concerning vulnerable people, such as children, who cannot easily consent or object.",
         "EDPB WP248 rev.01, III.B.a, criterion 7", _vulnerable),
    Rule("wp248_innovative_technology", "Innovative technology",
         "Innovative use or new technological solutions, such as face recognition.",
         "EDPB WP248 rev.01, III.B.a, criterion 8", _innovative),
    Rule("wp248_prevents_service", "Prevents using a service",
         "Processing that prevents people from exercising a right or using a service or a contract.",
         "EDPB WP248 rev.01, III.B.a, criterion 9", _service),
)
"""The nine criteria of WP248, in its order."""


# ---------------------------------------------------------------- the rules built on them, and the others


def _criteria_met(f: ScenarioFacts) -> list[str]:
    return [rule.title for rule in WP248 if rule.check(f)[0]]


def _dpia_likely(f: ScenarioFacts) -> tuple[bool, list[str]]:
    met = _criteria_met(f)
    return len(met) >= 2, [f"{len(met)} of the nine criteria met: {_names(met)}."]


def _art35_3b(f: ScenarioFacts) -> tuple[bool, list[str]]:
    sensitive, large = _sensitive(f)[0], _large_scale(f)[0]
    return sensitive and large, [f"Special categories: {'yes' if sensitive else 'no'}; large scale: "
                                 f"{'yes' if large else 'no'} (criteria 4 and 5 above)."]


def _art35_3c(f: ScenarioFacts) -> tuple[bool, list[str]]:
    monitoring, large = _monitoring(f)[0], _large_scale(f)[0]
    return monitoring and large, [f"Systematic monitoring of publicly accessible places: "
                                  f"{'yes' if monitoring else 'no'}; large scale: {'yes' if large else 'no'} "
                                  "(criteria 3 and 5 above)."]


def _minimisation(f: ScenarioFacts) -> tuple[bool, list[str]]:
    pseudonyms = f.config.controls.pseudonymisation
    kept = [k for k in f.kept_kinds if k != "cctv" or f.face_recognition]
    if not kept:
        return False, ["No identifier is kept at record level."]
    if not pseudonyms.enabled:
        return True, [f"Raw identifiers kept at record level (pseudonymisation off): {_names(kept)}."]
    if pseudonyms.rotation == "never":
        return True, [f"One pseudonym per person for the whole period (keys never rotate): {_names(kept)}; the "
                      "statistical services need counts per place and hour, not a lifelong identifier."]
    return False, [f"Identifiers pseudonymised at capture with keys rotated {pseudonyms.rotation}."]


def _storage(f: ScenarioFacts) -> tuple[bool, list[str]]:
    days = f.config.controls.retention.for_kind
    facts = []
    if "cctv" in f.kept_kinds and days("cctv") * 24 > CCTV_HOURS:
        facts.append(f"Camera records kept {days('cctv'):g} days, beyond {CCTV_HOURS} hours (EDPB 3/2019, para. "
                     "121).")
    long = [f"{kind} {days(kind):g} days" for kind in f.kept_kinds if kind != "cctv" and days(kind) > RECORD_DAYS]
    if long:
        facts.append(f"Identifying records kept beyond {RECORD_DAYS} days (a screening choice), while every "
                     f"modelled service is computed from aggregates made as data arrive: {', '.join(long)}.")
    return bool(facts), facts or ["No record is kept beyond the screening limits."]


def _by_design(f: ScenarioFacts) -> tuple[bool, list[str]]:
    facts = []
    kept = [k for k in f.kept_kinds if k != "cctv" or f.face_recognition]
    if kept and not f.config.controls.pseudonymisation.enabled:
        facts.append(f"Identifiers are not pseudonymised at capture: {_names(kept)}.")
    for kind, purpose in COUNT_ONLY_KINDS.items():
        if kind in f.kept_kinds:
            facts.append(f"{kind} records are kept although their only purpose ({purpose}) needs counts, which "
                         "edge aggregation gives without any record.")
    return bool(facts), facts or ["Identifiers pseudonymised at capture; count-only data counted at the edge."]


def _ai_act_prohibited(f: ScenarioFacts) -> tuple[bool, list[str]]:
    faces, police = f.face_recognition, "police" in f.readers("cctv")
    return bool(faces) and police, [
        f"Real-time facial recognition in public places: {_names(faces)}; police access to camera records: "
        f"{'yes' if police else 'no'}. Allowed only for a targeted search for victims or missing persons, an "
        "imminent threat to life or of terrorism, or suspects of serious crimes (Annex II), each authorised "
        "beforehand by a judicial or independent authority (Art. 5(2)-(3))."]


def _ai_act_high_risk(f: ScenarioFacts) -> tuple[bool, list[str]]:
    faces = f.face_recognition
    return bool(faces), [f"Remote biometric identification: {_names(faces)}."]


RULES: tuple[Rule, ...] = (
    *WP248,
    Rule("dpia_likely_required", "A DPIA is likely required",
         "Processing meeting two or more of the nine WP248 criteria is likely to need a DPIA.",
         "GDPR Art. 35(1); EDPB WP248 rev.01, III.B.a", _dpia_likely),
    Rule("gdpr_art35_3b", "DPIA required: special categories at large scale",
         "A DPIA is required for large-scale processing of special categories of data.", "GDPR Art. 35(3)(b)",
         _art35_3b),
    Rule("gdpr_art35_3c", "DPIA required: monitoring public places at large scale",
         "A DPIA is required for systematic monitoring of a publicly accessible area on a large scale.",
         "GDPR Art. 35(3)(c)", _art35_3c),
    Rule("gdpr_art5_1c_minimisation", "Data minimisation",
         "Personal data must be adequate, relevant and limited to what is necessary for the purposes.",
         "GDPR Art. 5(1)(c)", _minimisation),
    Rule("gdpr_art5_1e_storage", "Storage limitation",
         "Personal data must be kept in a form that identifies people no longer than the purposes need.",
         "GDPR Art. 5(1)(e)", _storage),
    Rule("gdpr_art25_by_design", "Data protection by design",
         "The controller must build in measures such as pseudonymisation and minimisation from the design on.",
         "GDPR Art. 25(1)", _by_design),
    Rule("ai_act_art5_1h", "Prohibited: live face recognition for law enforcement",
         "Real-time remote biometric identification in publicly accessible spaces for law enforcement is "
         "prohibited outside narrow exceptions.", "EU AI Act (Regulation 2024/1689) Art. 5(1)(h), 5(2)-(3)",
         _ai_act_prohibited),
    Rule("ai_act_annex_iii_high_risk", "High-risk AI system",
         "Remote biometric identification systems are high-risk AI systems with obligations before use.",
         "EU AI Act (Regulation 2024/1689) Annex III point 1(a)", _ai_act_high_risk),
)
"""Every rule, in the order the report lists them."""


def screen(facts: ScenarioFacts) -> list[Flag]:
    """Return every rule checked against a scenario's facts, in the order of :data:`RULES`."""
    flags = []
    for rule in RULES:
        raised, reasons = rule.check(facts)
        flags.append(Flag(rule=rule, raised=bool(raised), facts=tuple(reasons)))
    return flags


def flag_columns(facts: ScenarioFacts) -> dict[str, bool]:
    """Return ``flag_<code>`` -> raised, for the results table."""
    return {flag.column: flag.raised for flag in screen(facts)}
