"""Time the DPIA-style report of a preset, part by part (default: the default preset, 5,000 x 7 days).

Run: ``.venv/bin/python bench/bench_report.py [--preset gdpr_baseline] [--workers 2] [--out out/report.pdf]``.
Times the analysis (recommendations and the scenario without each measure, on a local pool), the scenario's run,
the charts (kaleido on the system Chromium, one browser for all four), the HTML and the PDF (Playwright's
``page.pdf()``); the command line's ``report`` does the same steps.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.dpia import report  # noqa: E402
from simulation.engine import start_fork_server  # noqa: E402
from simulation.pipeline import run  # noqa: E402
from simulation.presets import DEFAULT_PRESET, load_preset  # noqa: E402


def main() -> None:
    """Print the seconds of each part and the total."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default=DEFAULT_PRESET)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    config = load_preset(args.preset)
    times = {}
    started = time.perf_counter()
    if args.workers > 1:
        start_fork_server(config)  # as the command line does
    analysis = report.analyse(config, workers=args.workers)
    times[f"analysis ({1 + len(analysis.found.singles) + len(analysis.found.combinations)} + "
          f"{len(analysis.found.extra)} runs)"] = time.perf_counter() - started
    mark = time.perf_counter()
    result = run(config)
    times["run of the scenario"] = time.perf_counter() - mark
    mark = time.perf_counter()
    context = report.report_context(result, analysis, charts=False)
    times["sections and flags"] = time.perf_counter() - mark
    mark = time.perf_counter()
    context = report.report_context(result, analysis)
    times["charts (4 PNG, includes the sections again)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    html = report.render_html(context)
    times["HTML"] = time.perf_counter() - mark
    mark = time.perf_counter()
    pdf = report.render_pdf(html)
    times["PDF"] = time.perf_counter() - mark
    total = time.perf_counter() - started - times["sections and flags"]
    for name, seconds in times.items():
        print(f"{name:<50}{seconds:8.2f} s")
    print(f"{'total (as the report command)':<50}{total:8.2f} s; HTML {len(html) / 1e6:.2f} MB, PDF "
          f"{len(pdf) / 1e6:.2f} MB")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_bytes(pdf)


if __name__ == "__main__":
    main()
