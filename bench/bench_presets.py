"""Time stages 3 and 4 (release plus assessment) of every preset at its own scale (default: 5,000 x 7 days).

Run: ``.venv/bin/python bench/bench_presets.py [--repeat 3] [--rotation hourly] [--one-after-the-other]``. Builds
each preset's world and observation log once (stages 1-2, untimed), then times stage 3 followed by ``assess`` on a
fresh release: best and median of ``--repeat`` cold runs (remembered capture states and attack results cleared
before each). Stage 3 is ``release_attacked_ahead`` (the attacks start while the aggregates are made), as the
dashboard and ``pipeline.run`` run it; ``--one-after-the-other`` times plain ``apply_controls`` instead. The truths
that depend only on the world and log are computed once per world, as when the dashboard or a sweep moves a
control: "first" is the assessment that computed them. ``--rotation`` also times each preset with its key
rotation changed (the dashboard's heaviest control change). Target: <= 1 s per preset.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.controls.state_memo import clear_remembered_states  # noqa: E402
from simulation.metrics.assess import clear_remembered_attacks  # noqa: E402
from simulation.metrics.utility.truth import clear_truth_grids  # noqa: E402
from simulation.pipeline import (  # noqa: E402
    apply_controls,
    assess,
    build_world,
    observe,
    release_attacked_ahead,
    stage_key,
)
from simulation.presets import load_preset, preset_names  # noqa: E402
from simulation.scenario import ScenarioConfig  # noqa: E402
from simulation.sweep import apply_settings  # noqa: E402


def with_rotation(config: ScenarioConfig, rotation: str) -> ScenarioConfig:
    """Return the scenario with its pseudonym key rotation replaced."""
    return apply_settings(config, {"controls.pseudonymisation.rotation": rotation})


def time_stages(world, log, config: ScenarioConfig, repeat: int, stage3=release_attacked_ahead,
                ) -> tuple[list[float], list[float]]:
    """Return the release and assessment times of ``repeat`` releases made by ``stage3``."""
    release_s, assess_s = [], []
    for _ in range(repeat):
        clear_remembered_states()
        clear_remembered_attacks()
        start = time.perf_counter()
        release = stage3(world, log, config)
        middle = time.perf_counter()
        assess(world, log, release, config)
        release_s.append(middle - start)
        assess_s.append(time.perf_counter() - middle)
    return release_s, assess_s


def main() -> None:
    """Print one line per preset (and per rotated variant)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rotation", choices=["never", "daily", "hourly"], default=None)
    parser.add_argument("--one-after-the-other", action="store_true", help="stage 3, then the attacks (no overlap)")
    args = parser.parse_args()
    stage3 = apply_controls if args.one_after_the_other else release_attacked_ahead
    worlds: dict[str, object] = {}
    totals = []
    print(f"{'scenario':40s} {'release':>8s} {'assess':>8s} {'best':>7s} {'median':>7s} {'first':>7s}  (seconds)")
    for name in preset_names():
        config = load_preset(name)
        key = stage_key(config, 1)
        if key not in worlds:
            worlds[key] = build_world(config)
        world = worlds[key]
        log = observe(world, config)
        clear_truth_grids()
        start = time.perf_counter()
        assess(world, log, stage3(world, log, config), config)
        first = time.perf_counter() - start
        variants = [(name, config)]
        if args.rotation and config.controls.pseudonymisation.rotation != args.rotation:
            variants.append((f"{name} + {args.rotation} keys", with_rotation(config, args.rotation)))
        for label, variant in variants:
            release_s, assess_s = time_stages(world, log, variant, args.repeat, stage3)
            total = [r + a for r, a in zip(release_s, assess_s, strict=True)]
            best = total.index(min(total))
            totals.append((label == name, min(total)))
            print(f"{label:40s} {release_s[best]:8.2f} {assess_s[best]:8.2f} {min(total):7.2f} "
                  f"{statistics.median(total):7.2f} {first if label == name else float('nan'):7.2f}")
    print(f"slowest preset (best of runs): {max(t for own, t in totals if own):.2f} s (target <= 1 s)")
    if any(not own for own, _ in totals):
        print(f"slowest with {args.rotation} keys: {max(t for own, t in totals if not own):.2f} s")


if __name__ == "__main__":
    main()
