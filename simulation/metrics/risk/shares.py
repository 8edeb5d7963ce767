"""The attacks on released records, each a share of ALL residents, as one adversary runs them.

The adversary holds every record dataset its role may read. It re-links each dataset's pseudonyms across key
rotations into chains (tracking), links the chains of different datasets by co-occurrence into person profiles
(Kondor et al. 2020; acceptance rule of Narayanan and Shmatikov 2008), and attacks the profiles. Each function
below returns one outcome; all of them read one computation per assessment (``record_attacks``), whose
per-resident table is the ``resident_outcomes`` breakdown. Definitions and sources are in
``simulation/metrics/risk/resident_attacks.py`` and ``docs/risk.md``.
"""

from __future__ import annotations

from simulation.metrics.base import AssessmentContext, MetricResult
from simulation.metrics.risk.record_attacks import record_attacks


def risk_unicity(ctx: AssessmentContext) -> MetricResult:
    """Share of residents singled out: p known points of their week match their profile and no other.

    de Montjoye, Hidalgo, Verleysen and Blondel, "Unique in the Crowd", Sci. Rep. 3:1376 (2013), run on the
    adversary's linked profiles. Breakdown: per dataset, the share of residents whose profile holds its records.
    """
    return record_attacks(ctx).results["risk_unicity"]


def risk_reidentification(ctx: AssessmentContext) -> MetricResult:
    """Share of residents whose profile an adversary who knows their home and work picks out, uniquely and rightly.

    Golle and Partridge, "On the Anonymity of Home/Work Location Pairs", Pervasive 2009 (without home/work
    knowledge: p known points, the location-time attack). Also reports the shares of residents whose profile
    reveals their home and their workplace (each resident's anonymity set is in the per-resident table).
    """
    return record_attacks(ctx).results["risk_reidentification"]


def risk_tracking(ctx: AssessmentContext) -> MetricResult:
    """Share of residents followed on at least two days by one profile (pseudonyms re-linked across rotations).

    Gruteser and Hoh (SPC 2005), Hoh et al. (CCS 2007). Also reports the mean share of the week's hours in which
    a resident's profile holds their records (``risk_tracked_time``). Breakdown: per dataset, re-linking accuracy.
    """
    return record_attacks(ctx).results["risk_tracking"]


def risk_identified(ctx: AssessmentContext) -> MetricResult:
    """Share of residents whose name the adversary holds beside their movements.

    A profile holding named records (a raw plate, a registered card, a face-recognition alert) carries the name of
    their owner; linking pseudonymous chains to it (co-occurrence) names them too.
    """
    return record_attacks(ctx).results["risk_identified"]


def risk_linkage(ctx: AssessmentContext) -> MetricResult:
    """Share of residents whose records in two or more datasets the adversary joined into one profile.

    Kondor, Hashemian, de Montjoye and Ratti, IEEE Trans. Big Data (2020). Also reports the precision of the
    accepted cross-dataset links. Breakdown: per dataset pair, chains, links accepted, links correct, precision.
    """
    return record_attacks(ctx).results["risk_linkage"]


def risk_sensitive_inference(ctx: AssessmentContext) -> MetricResult:
    """Share of residents whose visit to a clinic, hospital, place of worship or nightlife the adversary attributes.

    A visit is attributed when a record of it sits in a profile the adversary knows is theirs (named or
    re-identified). Shokri et al., "Quantifying location privacy", IEEE S&P 2011; GDPR Art. 9.
    """
    return record_attacks(ctx).results["risk_sensitive_inference"]
