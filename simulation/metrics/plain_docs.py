"""Every headline metric explained for planners: the question it answers, its formula, unit, direction and source.

The methods page shows these first; the metric's own docstring (:mod:`simulation.metrics.docs`), written for
analysts, follows each. Shares are given as percentages, as everywhere on the dashboard. The constants a formula
names are read from the code that uses them, so the text follows the code when a constant changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulation.labels import pretty
from simulation.metrics.risk.aggregate_recovery import ACCURACY_THRESHOLD
from simulation.metrics.risk.resident_attacks import TRACKED_MIN_DAYS
from simulation.metrics.utility.public_safety import PERSONS_WITHOUT_WATCHLIST, QUERIES_PER_PERSON

HIGHER = "higher is better"
LOWER = "lower is better"
SCORE = "% of a perfect score (0-100%)"
RESIDENTS = "% of all residents (0-100%)"
KAPP = "Kapp et al., \"Towards mobility reports with user-level privacy\" (2022): mass-weighted error of aggregates"
SMAPE = "accuracy = 1 − Σ |estimate − truth| ÷ Σ (estimate + truth)"


@dataclass(frozen=True)
class MetricCard:
    """One metric, for planners.

    Attributes:
        outcome: The outcome's name in the results (``utility_*`` or ``risk_*``).
        question: The question it answers, in plain words.
        formula: How it is computed (Markdown; symbols explained in the text).
        unit: What the number counts.
        direction: Which way is better.
        source: Where the measure comes from.
    """

    outcome: str
    question: str
    formula: str
    unit: str
    direction: str
    source: str

    @property
    def label(self) -> str:
        """The metric's plain-language name (as on the charts)."""
        return pretty(self.outcome)


def _service(outcome: str, question: str, where: str, coverage: str) -> MetricCard:
    return MetricCard(
        outcome, question,
        f"score = accuracy × coverage, with {SMAPE} over {where} (truth from the simulation, the estimate from "
        f"the released data only), and coverage = {coverage}. 100% means exact figures everywhere.",
        SCORE, HIGHER, KAPP)


CARDS: tuple[MetricCard, ...] = (
    MetricCard(
        "utility_overall", "How well do the city's services work on the data as released, all together?",
        "the weighted mean of the six service scores: Σ wᵢ × scoreᵢ ÷ Σ wᵢ, with the weights wᵢ set under "
        "'Service weights'.", SCORE, HIGHER, "this model (a weighted mean, the weights are the city's choice)"),
    _service("utility_crowd", "How well can the city tell how many people are in each public place, hour by hour?",
             "every hour and every zone with a people counter, camera or Wi-Fi counter",
             "the share of the time people spend out of home that is spent in those zones"),
    MetricCard(
        "utility_transit", "How well can transit planners see who travels from which station to which?",
        "score = accuracy × coverage, where accuracy = 1 − ½ Σ |share estimated − true share| over the pairs of "
        "stations (the share of the trips that land in the right pair) and coverage = the share of transit trips "
        "with a card reader at both ends.", SCORE, HIGHER, KAPP),
    _service("utility_traffic", "How well can the city count cars on each road, hour by hour?",
             "every hour and every zone with a number-plate reader",
             "the share of the time driven that is driven in those zones"),
    _service("utility_energy", "How well can the grid operator see electricity demand per district and hour?",
             "every district and hour", "the share of residents whose home zone has smart meters"),
    MetricCard(
        "utility_public_safety", "How precisely can the police find where a person of interest was at a given time?",
        f"for each person on the watchlist (or {PERSONS_WITHOUT_WATCHLIST} residents without one), "
        f"{QUERIES_PER_PERSON} times are drawn; an answer scores 1 ÷ (zones in the released unit) when that unit "
        "holds the person's true zone, else 0. The score is the mean over all questions, read only from the "
        "records the police may read.", SCORE, HIGHER,
        "Fussey and Murray, Independent Report on the London Metropolitan Police Service's Trial of Live Facial "
        "Recognition (2019): the locate-a-suspect use case"),
    _service("utility_environment", "How well can the city map air quality and noise per zone and hour?",
             "every zone and hour with a reading", "the share of people's time spent in zones with a sensor"),
    MetricCard(
        "risk_overall", "What share of residents does at least one attack reach?",
        "residents reached by one attack or more ÷ all residents. The attacks are the seven below the line "
        "(singled out, re-identified, followed, named, joined across datasets, a sensitive visit, rebuilt from "
        "published counts), run by the adversary on every dataset its role may read, joined into profiles.",
        RESIDENTS, LOWER, "this model: the union of the attacks' per-resident results, each attack with its own "
                          "source below"),
    MetricCard(
        "risk_unicity", "Could someone who knows a few places and times of your week pick out your records?",
        "residents singled out ÷ all residents. A resident is singled out when p points drawn from their profile "
        "(p = 'Known points') fit that profile and no other.", RESIDENTS, LOWER,
        "de Montjoye, Hidalgo, Verleysen and Blondel, \"Unique in the Crowd\", Scientific Reports 3:1376 (2013)"),
    MetricCard(
        "risk_reidentification", "Could someone who knows where you live and work find your records?",
        "residents re-identified ÷ all residents. Re-identified when exactly one profile has the resident's home "
        "and workplace (its most frequent place at night and on weekday daytimes) and it is theirs; an adversary "
        "who does not know home and work uses p points of their week instead.", RESIDENTS, LOWER,
        "Golle and Partridge, \"On the Anonymity of Home/Work Location Pairs\", Pervasive 2009"),
    MetricCard(
        "risk_tracking", "Could the data holder follow you from one day to the next?",
        f"residents followed ÷ all residents. Followed when one profile holds their records on {TRACKED_MIN_DAYS} "
        "days or more, pseudonyms re-linked across key changes by where one disappears and the next appears. "
        "(Beside it: the share of the week's hours followed.)", RESIDENTS, LOWER,
        "Gruteser and Hoh, \"On the anonymity of periodic location samples\", SPC 2005; Hoh et al., CCS 2007"),
    MetricCard(
        "risk_identified", "Does the data holder have your name beside your movements?",
        "residents named ÷ all residents. A profile holding records that carry a name (a raw number plate, a card "
        "registered to its holder, a face-recognition alert) names its owner, and every pseudonymous record "
        "joined to it.", RESIDENTS, LOWER,
        "GDPR Art. 4(1): data relating to an identified person"),
    MetricCard(
        "risk_linkage", "Were your records in different datasets joined into one profile?",
        "residents whose profile holds their records from two datasets or more ÷ all residents; datasets are "
        "joined where the same places and hours keep recurring (co-occurrence).", RESIDENTS, LOWER,
        "Kondor, Hashemian, de Montjoye and Ratti, \"Towards matching user mobility traces in large-scale "
        "datasets\", IEEE Transactions on Big Data (2020)"),
    MetricCard(
        "risk_sensitive_inference",
        "Could a visit to a clinic, hospital, place of worship or nightlife be tied to you?",
        "residents with such a visit recorded in a profile the adversary knows is theirs (named or re-identified) "
        "÷ all residents.", RESIDENTS, LOWER,
        "Shokri et al., \"Quantifying location privacy\", IEEE S&P 2011; GDPR Art. 9 (special categories)"),
    MetricCard(
        "risk_trajectory_recovery", "Could someone rebuild your movements from the published counts alone?",
        "residents recovered ÷ all residents. The adversary chains the counts into trajectories and picks the one "
        "that fits what it knows of a resident; recovered when the pick matches at least "
        f"{ACCURACY_THRESHOLD:.0%} of their true places on some day.", RESIDENTS, LOWER,
        "Xu et al., \"Trajectory Recovery From Ash\", WWW 2017"),
    MetricCard(
        "risk_exposure", "How much of residents' lives would a data breach leak?",
        "resident-days with a record that can be tied to the resident (a name or a pseudonym), still held at the "
        "end of the simulated period, ÷ (residents × days). A breach ignores who may read what.",
        "% of residents' days (0-100%)", LOWER,
        "ENISA, Recommendations for a methodology of the assessment of severity of personal data breaches (2013); "
        "GDPR Recital 26 (pseudonymised data are personal data)"),
    MetricCard(
        "risk_face_false_alerts_per_10k", "How many innocent passers-by does live face recognition flag?",
        "alerts on people not on the watchlist ÷ faces scanned × 10,000 ('off' without face recognition).",
        "false alerts per 10,000 faces", LOWER,
        "National Physical Laboratory, Facial Recognition Technology in Law Enforcement: Equitability Study "
        "(2023); NIST IR 8280 (2019)"),
    MetricCard(
        "risk_dp_epsilon_total", "How much privacy loss does differential privacy allow one person, at most?",
        "the sum of the epsilons of every noised table a person counts in (basic composition). 0 means no table "
        "was noised: no guarantee at all, not a perfect one; it covers the published counts only.",
        "epsilon (no unit; smaller is a stronger guarantee)", LOWER,
        "Dwork and Roth, The Algorithmic Foundations of Differential Privacy (2014), Theorem 3.16"),
)
"""The cards, headline first, then each service, then each attack, then the figures reported beside the risk."""


def card_of(outcome: str) -> MetricCard:
    """Return the card of one outcome.

    Raises:
        KeyError: No card explains it.
    """
    for card in CARDS:
        if card.outcome == outcome:
            return card
    raise KeyError(f"no plain-language card for {outcome}")
