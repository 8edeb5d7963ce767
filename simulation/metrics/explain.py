"""One plain-language sentence per headline number, for the dashboard and workshop handouts."""

from __future__ import annotations

from simulation.scenario import ScenarioConfig

SERVICE_TASKS: dict[str, str] = {
    "crowd": "counting how many people are in each area each hour",
    "transit": "knowing how many people travel between each pair of stations",
    "traffic": "counting cars on each covered road each hour",
    "energy": "knowing electricity demand per district and hour",
    "public_safety": "finding a wanted person at a given hour",
    "environment": "mapping air pollution per area and hour",
}


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _grade(value: float) -> str:
    if value >= 0.8:
        return "works well"
    if value >= 0.5:
        return "works in part"
    if value > 0.05:
        return "works poorly"
    return "does not work"


def plain_sentences(outcomes: dict[str, float], config: ScenarioConfig) -> dict[str, str]:
    """Return a sentence per outcome the dashboard headlines (only for outcomes present).

    Args:
        outcomes: ``Assessment.outcomes``.
        config: The scenario (adversary knowledge, for the attack sentences).

    Returns:
        Outcome name -> one sentence in plain language.
    """
    points = config.adversary.known_points
    sentences: dict[str, str] = {}
    for service, task in SERVICE_TASKS.items():
        name = f"utility_{service}"
        if name in outcomes:
            value = outcomes[name]
            sentences[name] = f"With the released data, {task} {_grade(value)} (score {_percent(value)} of perfect)."
    templates = {
        "utility_overall": ("Across all services, the released data reach {p} of a perfect score "
                            "(exact figures everywhere)."),
        "risk_unicity": (f"{points} known places and times single out {{p}} of residents in what the attacker "
                         "holds."),
        "risk_reidentification": ("Someone who knows where a person lives and works picks out their records for "
                                  "{p} of residents."),
        "risk_tracking": "{p} of residents can be followed on two or more days.",
        "risk_identified": "The attacker holds records tied to the name of {p} of residents.",
        "risk_linkage": "{p} of residents have records in two or more datasets that the attacker joins together.",
        "risk_sensitive_inference": ("Visits to clinics, places of worship or nightlife can be attributed for "
                                     "{p} of residents."),
        "risk_trajectory_recovery": ("From the published counts alone, a day of the movements of {p} of residents "
                                     "can be rebuilt and picked out."),
        "risk_overall": "At least one attack succeeds against {p} of residents.",
    }
    for name, template in templates.items():
        if name in outcomes:
            sentences[name] = template.format(p=_percent(outcomes[name]))
    if "risk_exposure" in outcomes:
        days = outcomes.get("risk_exposure_resident_days")
        amount = f" (about {days:,.0f} resident-days)" if days is not None else ""
        sentences["risk_exposure"] = ("A data breach at the end of the simulated period would leak records tied to "
                                      f"a person for {_percent(outcomes['risk_exposure'])} of residents' days"
                                      f"{amount}.")
    if "risk_face_false_alerts_per_10k" in outcomes:
        sentences["risk_face_false_alerts_per_10k"] = (
            f"Face recognition wrongly flags {outcomes['risk_face_false_alerts_per_10k']:.1f} of every 10,000 "
            "faces passing a camera.")
    return sentences
