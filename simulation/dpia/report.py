"""The DPIA-style report of a scenario, as HTML (a Jinja2 template) and PDF (Chromium's printing, via Playwright).

Making one: :func:`analyse` runs what the report measures beyond the scenario itself (its recommendations, and
the scenario without each measure and without any), :func:`report_context` gathers the sections
(:mod:`.sections`), the flags and the charts, and :func:`render_html` / :func:`render_pdf` write it.
``python -m simulation report SCENARIO --out FILE.html|FILE.pdf`` does all of it.

The PDF is Chromium's own print of the HTML (Playwright's ``page.pdf()`` on the system's Chromium, the browser
the charts are drawn with); nothing downloads a browser.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2

from simulation.dpia import sections
from simulation.dpia.charts import events_figure, frontier_figure, png_images, risk_map_figure, utility_figure
from simulation.dpia.facts import facts_of
from simulation.dpia.flags import SCREENING_NOTE, screen
from simulation.dpia.measures import Measure, measures, without
from simulation.dpia.risk_map import LIKELIHOOD_BOUNDS
from simulation.labels import UTILITY_LABELS
from simulation.metrics.docs import metric_docs
from simulation.pipeline import RunResult
from simulation.recommend.engine import Progress, Recommendations, recommend
from simulation.scenario import ScenarioConfig

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP = 5
"""Recommendations the report lists."""
SOURCES: tuple[str, ...] = (
    "CNIL, Privacy Impact Assessment (PIA): Methodology, 2018 edition (context, fundamental principles, risks on "
    "a severity x likelihood map, measures).",
    "ICO, Sample DPIA template (need for a DPIA; nature, scope, context and purposes; necessity and "
    "proportionality; risks: likelihood, severity, overall; measures and residual risk).",
    "Article 29 Working Party / EDPB, Guidelines on Data Protection Impact Assessment, WP248 rev.01, 2017 (the "
    "nine criteria; Annex 2: criteria for an acceptable DPIA).",
    "Article 29 Working Party, Guidelines on Data Protection Officers, WP243 rev.01, 2017, 2.1.3 (large scale).",
    "EDPB Guidelines 3/2019 on processing of personal data through video devices, v2.0, 2020.",
    "Regulation (EU) 2016/679 (GDPR), Art. 5, 9, 25, 35. Regulation (EU) 2024/1689 (AI Act), Art. 5, Annex III.",
    "docs/risk.md in this repository: how the privacy risk is measured, each attack with its source.",
)


@dataclass(frozen=True)
class Analysis:
    """Everything the report measures beyond the scenario itself.

    Attributes:
        found: The recommendations (the current scenario and its alternatives, run).
        measures: The scenario's measures.
        without_each: Results row of the scenario without each measure, in the order of ``measures``.
        without_any: Results row of the scenario without any measure (None when it has none).
    """

    found: Recommendations
    measures: list[Measure]
    without_each: list[dict]
    without_any: dict | None


def analyse(config: ScenarioConfig, executor: Executor | None = None, workers: int = 2,
            on_progress: Progress | None = None) -> Analysis:
    """Run the recommendations and the scenarios without each measure and without any (one parallel wave)."""
    found_measures = measures(config)
    extra: Sequence[ScenarioConfig] = [without(config, [m]) for m in found_measures]
    if found_measures:
        extra = [*extra, without(config, found_measures)]
    found = recommend(config, executor=executor, workers=workers, on_progress=on_progress, extra=extra)
    rows = found.extra
    return Analysis(found=found, measures=found_measures, without_each=rows[:len(found_measures)],
                    without_any=rows[len(found_measures)] if found_measures else None)


def _title(config: ScenarioConfig) -> tuple[str, str]:
    first = config.description.strip().splitlines()[0] if config.description.strip() else ""
    title, _, summary = first.partition(":")
    return (title.strip() or config.name), summary.strip()


def report_context(result: RunResult, analysis: Analysis, charts: bool = True) -> dict:
    """Return everything the template shows, from the scenario's run and its analysis.

    Args:
        result: The scenario's run (the report reads its breakdowns, release audit and log).
        analysis: :func:`analyse` of the same scenario.
        charts: Draw the charts (as PNG, needs Chromium); without, the report has no images.
    """
    from simulation.export import manifest

    config, outcomes, found = result.config, result.outcomes, analysis.found
    flags = screen(facts_of(config, outcomes, result.log))
    raised = [f for f in flags if f.raised]
    risks = sections.risks_section(result, analysis.without_any)
    title, summary = _title(config)
    utilities = {UTILITY_LABELS[f"utility_{s}"]: outcomes.get(f"utility_{s}", 0.0) for s in config.utility_weights}
    figures = {"risk_map": risk_map_figure(risks.points), "events": events_figure(risks.points, risks.inherent),
               "utility": utility_figure(utilities), "frontier": frontier_figure(found)}
    images = {name: base64.b64encode(data).decode("ascii") for name, data in png_images(figures).items()} if (
        charts) else dict.fromkeys(figures, "")
    wp248 = [f for f in raised if f.rule.code.startswith("wp248_")]
    pct = sections.percent
    inherent = analysis.without_any
    return {
        "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "scenario": {"name": config.name, "title": title, "summary": summary, "seed": config.seed,
                     "residents": f"{config.population.residents:,}", "days": config.world.days,
                     "real_population": f"{config.population.real_population:,}"
                     if config.population.real_population else ""},
        "manifest": manifest(config),
        "reproduce": f"python -m simulation report {config.name}.yaml --out report.html",
        "headline": {"risk": pct(outcomes["risk_overall"]), "utility": pct(outcomes["utility_overall"]),
                     "role": config.adversary.role, "flags": len(raised), "rules": len(flags)},
        "screening_note": SCREENING_NOTE,
        "need_sentence": (f"{len(wp248)} of the nine WP248 criteria are met"
                          + (": a DPIA is likely required." if len(wp248) >= 2 else ".")
                          + f" {len(raised)} of {len(flags)} screening rules are raised; each row gives the rule, "
                          "the scenario facts that raise it (or why it is not raised) and its source."),
        "flags": sections.flags_table(flags),
        "processing_sentence": (f"{len(config.sensors)} sensor deployments record what happens in a city of "
                                f"{config.population.residents:,} simulated residents over {config.world.days} days. "
                                "The tables below are derived from the scenario file; record counts are from the "
                                "simulated week."),
        "sensors": sections.sensors_table(result),
        "purposes": sections.purposes_table(result),
        "recipients": sections.recipients_table(result),
        "retention_sentence": _retention_sentence(config),
        "necessity_sentence": (f"Together the services reach {pct(outcomes['utility_overall'])} of a perfect "
                               f"score, against a privacy risk of {pct(outcomes['risk_overall'])} of residents. "
                               "Each service is measured on the data it would really have; a dataset that "
                               "exposes many residents while serving no weighted purpose is not necessary."),
        "datasets": sections.datasets_table(result),
        "risks_sentence": (f"Each feared event is an attack run on the data the {config.adversary.role} may read, "
                           "counted per resident. Likelihood is the measured share of residents it succeeds "
                           "against (negligible under {0:.0%}, limited to {1:.0%}, significant to {2:.0%}, maximum "
                           "beyond); severity is set by what the event does to a resident."
                           .format(*LIKELIHOOD_BOUNDS)),
        "risks": risks,
        "measures_sentence": ("Each measure's effect is measured by running the same scenario without it (that "
                              "control set back to its least protective setting) on the same simulated week."
                              if analysis.measures else "The scenario takes no protective measure."),
        "measures": sections.measures_table(result, analysis.measures, analysis.without_each),
        "residual_sentence": (f"{pct(outcomes['risk_overall'])} of residents remain reached by at least one "
                              "attack" + (f", against {pct(inherent['risk_overall'])} without any of these "
                                          "measures." if inherent else ".")),
        "recommendations_sentence": (f"{len(found.singles)} alternatives, each moving one control, were run one at "
                                     "a time and ranked by the risk they remove per point of utility they cost "
                                     f"(the best of each setting and dataset shown); then {len(found.combinations)}"
                                     " greedy combinations."),
        "sentences": found.sentences(TOP) or ["No alternative lowers the privacy risk by half a point or more."],
        "greedy": sections.greedy_table(found),
        "frontier_sentence": "On the frontier (no setting tried has both lower risk and higher utility): " + "; ".join(
            f"{p.label} ({pct(p.risk)} risk, {pct(p.utility)} utility)" for p in found.frontier) + ".",
        "images": images,
        "methods": _methods(),
        "metric_docs": [*metric_docs("utility"), *metric_docs("risk")],
        "sources": SOURCES,
    }


def _retention_sentence(config: ScenarioConfig) -> str:
    c = config.controls
    kept = ", ".join(f"{s.name} {c.retention.for_kind(s.kind):g} days" for s in config.sensors)
    release = ("only aggregates are released" if c.release.level == "aggregates"
               else "record-level datasets are kept for the recipients above")
    dp = (f"differential privacy at epsilon {c.differential_privacy.epsilon:g} per table"
          if c.differential_privacy.enabled else "no differential privacy")
    return (f"Retention: {kept}. Aggregates are published in {c.generalisation.spatial_block_zones} x "
            f"{c.generalisation.spatial_block_zones} blocks of zones and {c.generalisation.temporal_bin_minutes}-"
            f"minute bins, cells under {c.k_suppression.k} people suppressed, {dp}; {release}.")


def _methods() -> list[str]:
    return [
        "The simulation runs an agent-based model of the city's residents through the simulated period, places "
        "the scenario's sensors, applies its privacy controls, and measures both sides: each service's utility "
        "from the data it would really have, scored against the truth, and the attacks an adversary with the "
        "scenario's access could run, counted per resident (docs/risk.md).",
        "Risk map: the CNIL's four levels on both axes; likelihood from the measured share of residents each "
        "attack reaches, severity by the nature of the event; the overall level on the ICO's scale.",
        "Measures: each control's effect is the difference between the scenario and the same scenario without "
        "it; the inherent risk is the scenario without any of them, the residual risk the scenario itself.",
        "Recommendations: every alternative of every control run one at a time on the same simulated week, "
        "ranked by risk reduction per unit of utility lost (losses under 0.1 point count as 0.1 point); a "
        "greedy combination down that ranking; the Pareto frontier over every setting run.",
        "Flags are screening aids, not legal advice; thresholds the rules do not fix are stated in each flag.",
    ]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(context: dict) -> str:
    """Return the report as one self-contained HTML page (styles and images inline)."""
    return _environment().get_template("report.html.j2").render(**context)


BROWSER_ARGS: tuple[str, ...] = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                 "--no-first-run")


def render_pdf(html: str) -> bytes:
    """Return the report printed to PDF (A4) by the system's Chromium through Playwright.

    Printed on a thread of its own: Playwright's sync API refuses to run in a thread whose asyncio loop is already
    running (a caller's own Playwright session, a notebook), and a fresh thread has none.

    Raises:
        simulation.dpia.charts.ChartError: If no Chromium is installed.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as printer:
        return printer.submit(_print_pdf, html).result()


def _print_pdf(html: str) -> bytes:
    """Print the HTML to PDF with Playwright (see :func:`render_pdf`)."""
    from playwright.sync_api import sync_playwright

    from simulation.dpia.charts import chromium

    footer = ('<div style="font-size:7pt;width:100%;text-align:center;color:#666">'
              '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=list(BROWSER_ARGS))
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            return page.pdf(format="A4", print_background=True, display_header_footer=True,
                            header_template="<span></span>", footer_template=footer,
                            margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
