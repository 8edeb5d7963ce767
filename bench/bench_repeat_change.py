"""A heavy control change done several times in one process: first in memory new to it, then in memory it holds.

From the heaviest preset, a control change takes longer in the dashboard than the same work repeated (see
bench/README.md, Dashboard). This bench shows the difference without a server: it runs every preset's four stages
on the shared world and keeps their outputs, as the dashboard's first load and caches do, then applies one control
change to a preset and times its release and assessment ``--repeat`` times. Before each repeat the remembered
stage-3 states and attack results are forgotten, so every repeat redoes the same work on a new release. Each new
release is kept, as the dashboard's stage cache keeps it, so every repeat grows into memory the process has not used
yet; with ``--drop`` it is let go, and the repeats after the first reuse the memory of the one before. The minor page
faults of each repeat are printed beside it.

Run: ``/work/venv/bin/python bench/bench_repeat_change.py [--preset unregulated_surveillance] [--change hourly]
[--repeat 3] [--drop]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.controls.state_memo import clear_remembered_states  # noqa: E402
from simulation.metrics.assess import clear_remembered_attacks  # noqa: E402
from simulation.pipeline import apply_controls, assess, build_world, observe  # noqa: E402
from simulation.presets import load_preset, preset_names  # noqa: E402
from simulation.sweep import apply_settings  # noqa: E402

CHANGES: dict[str, dict[str, object]] = {
    "hourly": {"controls.pseudonymisation.rotation": "hourly"},
    "blocks": {"controls.pseudonymisation.rotation": "hourly", "controls.generalisation.spatial_block_zones": 2},
    "dp": {"controls.differential_privacy.enabled": True},
}
"""The control changes this bench can make (the dashboard latency bench's heaviest ones), as sweep settings."""


def minor_faults() -> int:
    """Return this process's minor page faults so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def main() -> None:
    """Print the release and assessment time and the page faults of each repeat."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="unregulated_surveillance")
    parser.add_argument("--change", choices=sorted(CHANGES), default="hourly")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--drop", action="store_true", help="let each repeat's release go instead of keeping it")
    args = parser.parse_args()
    kept, world, logs = [], None, {}
    for name in preset_names():  # the dashboard's first load: every preset's stages, outputs kept
        config = load_preset(name)
        world = world or build_world(config)
        logs[name] = observe(world, config)
        release = apply_controls(world, logs[name], config)
        kept.append((release, assess(world, logs[name], release, config)))
    config = apply_settings(load_preset(args.preset), CHANGES[args.change])
    print(f"{args.preset} + {args.change}: {world.n_residents} residents, every preset's outputs kept, each repeat's "
          f"release {'let go' if args.drop else 'kept'}")
    for repeat in range(1, args.repeat + 1):
        clear_remembered_states()
        clear_remembered_attacks()
        faults, start = minor_faults(), time.perf_counter()
        release = apply_controls(world, logs[args.preset], config)
        middle = time.perf_counter()
        assess(world, logs[args.preset], release, config)
        end = time.perf_counter()
        print(f"repeat {repeat}: release {middle - start:.2f} s + assess {end - middle:.2f} s = {end - start:.2f} s; "
              f"{minor_faults() - faults:,} minor page faults")
        if not args.drop:
            kept.append(release)  # as the dashboard's stage cache keeps it
        del release


if __name__ == "__main__":
    main()
