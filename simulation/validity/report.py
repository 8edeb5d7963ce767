"""What ``check-model`` prints and writes: a text table of the facts, the CSV table and the charts."""

from __future__ import annotations

from pathlib import Path

import plotly.io as pio

from simulation.validity.fact import Fact, facts_table
from simulation.validity.plots import fact_figure
from simulation.validity.sources import SOURCES


def _number(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.3g}"


def format_facts(facts: list[Fact]) -> str:
    """Return the facts as a plain-text table: fact, published, source, tolerance, ours, verdict."""
    header = ("fact", "published", "source", "tolerance", "ours", "verdict")
    rows = [(f.key, f.published, f.source, f.tolerance, _number(f.value), f.verdict) for f in facts]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for fact, row in zip(facts, rows, strict=True):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        if fact.detail:
            lines.append(f"    {fact.detail}")
    outside = [f.key for f in facts if f.verdict == "outside"]
    lines.append("")
    lines.append(f"{len(facts) - len(outside)} of {len(facts)} facts within tolerance or reported"
                 + (f"; outside: {', '.join(outside)}" if outside else ""))
    return "\n".join(lines)


def write_facts(facts: list[Fact], out: str | Path, png: bool = True) -> list[Path]:
    """Write ``facts.csv``, ``plots.html`` (every chart, with the references) and, if asked, one PNG per fact.

    Args:
        facts: The measured facts.
        out: Folder (created if needed).
        png: Also write ``<fact>.png`` files (plotly static export through kaleido and a Chromium browser).

    Returns:
        The files written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "facts.csv"]
    facts_table(facts).to_csv(written[0], index=False)
    figures = [fact_figure(fact) for fact in facts]
    cited = sorted({name.strip() for fact in facts for name in fact.source.split(";")})
    references = "".join(f"<li>{SOURCES.get(name, name)}</li>" for name in cited)
    body = [pio.to_html(fig, full_html=False, include_plotlyjs="inline" if i == 0 else False)
            for i, fig in enumerate(figures)]
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Is the model realistic?</title></head><body>"
            "<h1>Is the model realistic?</h1>" + "".join(body) + f"<h2>References</h2><ul>{references}</ul>"
            "</body></html>")
    (out / "plots.html").write_text(html, encoding="utf-8")
    written.append(out / "plots.html")
    if png:
        paths = [out / f"{fact.key}.png" for fact in facts]
        pio.write_images(figures, paths, width=900, height=None)
        written.extend(paths)
    return written
