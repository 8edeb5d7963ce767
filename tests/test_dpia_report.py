"""The DPIA-style report: risk map levels, measures, and the report rendered to HTML and PDF, checked per section."""

import io
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from simulation.cli import main
from simulation.dpia.measures import measures, without
from simulation.dpia.report import analyse, render_html, render_pdf, report_context
from simulation.dpia.risk_map import LEVELS, likelihood_level, overall_level, risk_points
from simulation.pipeline import run
from simulation.presets import load_preset
from simulation.sweep import apply_settings

SECTIONS = ("1. The need for a DPIA: screening flags", "2. Description of the processing",
            "3. Necessity and proportionality", "4. Risks to residents", "5. Measures and residual risk",
            "6. Recommendations", "Appendix: methods and sources")


def test_likelihood_levels_follow_the_measured_share():
    assert [LEVELS[likelihood_level(s)] for s in (0.0, 0.0099, 0.01, 0.099, 0.10, 0.499, 0.5, 1.0)] == [
        "negligible", "negligible", "limited", "limited", "significant", "significant", "maximum", "maximum"]


def test_overall_level_is_symmetric_and_grows_with_either_axis():
    for severity in range(4):
        for likelihood in range(4):
            level = overall_level(severity, likelihood)
            assert level == overall_level(likelihood, severity)
            if severity < 3:
                order = ["low", "medium", "high"]
                assert order.index(overall_level(severity + 1, likelihood)) >= order.index(level)
    assert overall_level(1, 1) == "low" and overall_level(3, 0) == "medium" and overall_level(2, 2) == "high"
    assert overall_level(1, 3) == "medium" and overall_level(3, 2) == "high"


def test_risk_points_read_the_per_resident_table_and_tolerate_new_or_missing_attacks():
    residents = pd.DataFrame({"resident": range(4), "singled_out": [True, True, False, False],
                              "tracked": [True, False, False, False], "membership_inferred": [True] * 4,
                              "any_attack": [True, True, False, True], "records": [3, 2, 0, 1]})
    found = {p.event.column: p for p in risk_points(residents)}
    assert set(found) == {"singled_out", "tracked", "membership_inferred"}
    assert found["singled_out"].share == 0.5 and LEVELS[found["singled_out"].likelihood] == "maximum"
    assert found["membership_inferred"].event.severity == 2  # an attack this version does not know yet


def test_each_measure_is_undone_alone_and_all_together():
    config = load_preset("data_commons")
    found = measures(config)
    assert {"pseudonymisation", "differential_privacy", "k_suppression", "release"} <= {m.control for m in found}
    before = config.controls.model_dump()
    for measure in found:
        after = without(config, [measure]).controls.model_dump()
        assert [name for name in before if before[name] != after[name]] == [measure.control]
    bare = without(config, found)
    assert measures(bare) == [] and bare.sensors == config.sensors


@pytest.fixture(scope="module")
def face_recognition_report():
    """The live-face-recognition preset at a small scale, analysed, rendered to HTML and PDF."""
    config = apply_settings(load_preset("public_safety"), {"population.residents": 200, "world.days": 2})
    result = run(config)
    analysis = analyse(config, workers=2)
    html = render_html(report_context(result, analysis))
    return result, analysis, html, render_pdf(html)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def section_texts(text: str) -> dict[str, str]:
    starts = [text.index(title) for title in SECTIONS]
    assert starts == sorted(starts), "the sections are in DPIA order"
    return {title: text[start:end] for title, start, end in zip(SECTIONS, starts, [*starts[1:], len(text)],
                                                                 strict=True)}


def test_the_html_is_one_self_contained_page_with_its_charts(face_recognition_report):
    _, _, html, _ = face_recognition_report
    assert html.count('src="data:image/png;base64,') == 4
    assert not re.search(r'(src|href)="https?://', html)


def test_the_pdf_has_every_section_with_its_measured_content(face_recognition_report):
    result, analysis, _, pdf = face_recognition_report
    assert pdf.startswith(b"%PDF")
    text = section_texts(pdf_text(pdf))
    outcomes = result.outcomes
    assert "not legal advice" in text[SECTIONS[0]]
    for sensor in result.config.sensors:
        assert sensor.name in text[SECTIONS[1]]
    assert "Crowd levels" in text[SECTIONS[2]] and f"{outcomes['utility_overall']:.1%}" in text[SECTIONS[2]]
    singled = result.assessment.breakdowns["resident_outcomes"]["singled_out"].mean()
    assert "Singled out by a few known points" in text[SECTIONS[3]] and f"{singled:.1%}" in text[SECTIONS[3]]
    assert f"Residual risk: {outcomes['risk_overall']:.1%}" in text[SECTIONS[4]]
    first = analysis.found.sentences(1)
    expected = first[0][:30] if first else "No alternative lowers"
    assert expected in text[SECTIONS[5]]
    assert "Manifest" in text[SECTIONS[6]] and f"seed {result.config.seed}" in text[SECTIONS[6]]


def test_the_pdf_flags_live_face_recognition_under_the_gdpr_and_the_ai_act(face_recognition_report):
    _, _, _, pdf = face_recognition_report
    section = section_texts(pdf_text(pdf))[SECTIONS[0]]
    flags = section[section.index("status rule what it says"):]  # the table: raised rows first
    first_not_raised = flags.index("not raised") if "not raised" in flags else len(flags)
    for rule in ("Prohibited: live face recognition for law enforcement", "High-risk AI system",
                 "Innovative technology", "Sensitive or highly personal data", "A DPIA is likely required"):
        assert rule in flags[:first_not_raised], f"{rule} is not among the raised flags"
    assert "Art. 5(1)(h)" in flags and "Annex III" in flags and "WP248" in flags


def test_report_command_writes_html_and_refuses_other_formats(tmp_path, capsys):
    assert main(["report", "gdpr_baseline", "--out", str(tmp_path / "r.docx")]) != 0
    assert ".html or .pdf" in capsys.readouterr().err
    out = tmp_path / "r.html"
    assert main(["report", "edge_only", "--residents", "100", "--days", "1", "--out", str(out), "--workers", "1",
                 "--quiet"]) == 0
    html = out.read_text(encoding="utf-8")
    assert all(title in html for title in SECTIONS)
