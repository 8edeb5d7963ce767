"""Control-change latency: server-side time from a submitted control change to the updated page.

Also times edits that are not run yet (the sidebar's run bar lists them; no stage runs).

Runs the whole app in Streamlit's AppTest (the same script run a browser triggers, without the network) at the
default scale (the default preset: 5,000 residents x 7 days), then submits a series of control changes and times
each rerun. Only stages 3 (release) and 4 (assess) should rerun; the stage counters show it.

Run: /work/venv/bin/python bench/bench_dashboard_latency.py [--preset NAME] (default: the default preset; another
preset is picked in the page's preset box first, as a planner would).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard import stages  # noqa: E402

CHANGES: list[tuple[str, object]] = [
    (".controls.k_suppression.k", 5),
    (".controls.pseudonymisation.rotation", "hourly"),
    (".controls.generalisation.spatial_block_zones", 2),
    (".controls.differential_privacy.enabled", True),
    (".controls.release.level", "aggregates"),
    (".controls.opt_out.device_share", 0.3),
    (".adversary.known_points", 2),
    (".controls.generalisation.temporal_bin_minutes", 120),
]
EDITS: list[tuple[str, object]] = [
    (".controls.k_suppression.k", 20),
    (".adversary.known_points", 6),
    (".controls.opt_out.meter_share", 0.9),
    (".controls.generalisation.spatial_block_zones", 3),
]
"""Edits left pending (not run), one after the other."""


def widget(at: AppTest, suffix: str):
    """Return the form widget whose key ends with ``suffix``."""
    for kind in ("selectbox", "toggle", "slider", "number_input"):
        for item in at.get(kind):
            if (item.key or "").endswith(suffix):
                return item
    raise KeyError(suffix)


def timed_run(at: AppTest) -> float:
    """Run the script once and return its wall time in seconds."""
    start = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(at.exception)
    return time.perf_counter() - start


def main() -> None:
    """Time the first load, an unchanged rerun and each control change."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default=None, help="start from this preset instead of the default one")
    args = parser.parse_args()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    cold = timed_run(at)
    if args.preset:
        at.selectbox(key="preset_picker").set_value(args.preset)
        print(f"preset {args.preset} picked: {timed_run(at):.2f} s")
    config = at.session_state["scenario"]
    print(f"scenario {config.name}: {config.population.residents} residents x {config.world.days} days, "
          f"{len(config.sensors)} sensor deployments")
    print(f"first load (cold: every preset's stages 1-4): {cold:.1f} s; stage runs {dict(stages.STAGE_CALLS)}")
    print(f"rerun with nothing changed: {timed_run(at):.2f} s")
    times, pipeline_times = [], []
    for suffix, value in CHANGES:
        before, spent = dict(stages.STAGE_CALLS), dict(stages.STAGE_SECONDS)
        widget(at, suffix).set_value(value)
        [b for b in at.get("button") if b.label == "Run scenario"][-1].click()
        seconds = timed_run(at)
        ran = {stage: stages.STAGE_CALLS[stage] - before.get(stage, 0) for stage in ("world", "observe", "release",
                                                                                   "assess")}
        stage_s = {name: stages.STAGE_SECONDS[name] - spent.get(name, 0.0) for name in ("release", "assess")}
        stage_seconds = sum(stage_s.values())
        times.append(seconds)
        pipeline_times.append(stage_seconds)
        print(f"  {suffix.lstrip('.')} = {value!r}: {seconds:.2f} s (release {stage_s['release']:.2f} s, assess "
              f"{stage_s['assess']:.2f} s, page {seconds - stage_seconds:.2f} s); stages rerun {ran}; "
              f"metrics {[m.value for m in at.metric]}")
    print(f"control change (server side, whole page): median {statistics.median(times):.2f} s, "
          f"max {max(times):.2f} s over {len(times)} changes (target <= 1 s); of which stages 3-4: median "
          f"{statistics.median(pipeline_times):.2f} s, max {max(pipeline_times):.2f} s")
    edits = []
    for suffix, value in EDITS:  # an edit not yet run: the page reruns, the pipeline does not
        before = dict(stages.STAGE_CALLS)
        widget(at, suffix).set_value(value)
        edits.append(timed_run(at))
        assert dict(stages.STAGE_CALLS) == before, "an edit that is not run must not run a stage"
    print(f"edit not yet run (page only, the run bar updated): median {statistics.median(edits):.2f} s, "
          f"max {max(edits):.2f} s over {len(edits)} edits")


if __name__ == "__main__":
    main()
