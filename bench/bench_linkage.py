"""Time the co-occurrence linkage and the profile attacks as the population grows (is the work linear?).

Run: ``.venv/bin/python bench/bench_linkage.py [--sizes 5000 20000 100000] [--scenario gdpr_baseline]``. For each
size, builds the preset's world and log at that many residents (untimed), releases it, tracks every readable
dataset, then times: making the datasets ready for linking, the cross-dataset linkage of every dataset pair, and
the per-resident attacks. Prints the chain-pair meetings walked (the work of the linkage), the links accepted and
their precision, and the CPU seconds of each step, with the ratios to the smallest size.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.metrics.base import AssessmentContext  # noqa: E402
from simulation.metrics.risk import co_occurrence  # noqa: E402
from simulation.metrics.risk.profiles import LinkableDataset, build_profiles  # noqa: E402
from simulation.metrics.risk.record_attacks import knowledge_of  # noqa: E402
from simulation.metrics.risk.resident_attacks import resident_outcomes  # noqa: E402
from simulation.metrics.risk.sensitive import remembered_visits, visit_key_spans  # noqa: E402
from simulation.metrics.risk.traces import readable_traces  # noqa: E402
from simulation.metrics.risk.tracking import tracking_parts  # noqa: E402
from simulation.pipeline import apply_controls, build_world, observe  # noqa: E402
from simulation.presets import load_preset  # noqa: E402
from simulation.sweep import apply_settings  # noqa: E402


def cpu(step):
    start = time.process_time()
    out = step()
    return out, time.process_time() - start


def measure(name: str, residents: int) -> dict:
    config = apply_settings(load_preset(name), {"population.residents": residents})
    world = build_world(config)
    log = observe(world, config)
    release = apply_controls(world, log, config)
    ctx = AssessmentContext(world=world, log=log, release=release, config=config)
    traces = readable_traces(release, config.adversary.role)
    chains = {piece.kind: piece()[2] for piece in tracking_parts(ctx)}
    prepared, prepare_s = cpu(lambda: {k: LinkableDataset.of(release, k, traces[k], chains[k]) for k in traces})
    walked = sum(len(co_occurrence.meetings(prepared[a].index, prepared[b].index)[0])
                 for a, b in combinations(sorted(prepared), 2))
    profiles, link_s = cpu(lambda: build_profiles(release, traces, chains, prepared=prepared))
    n_units, n_bins = visit_key_spans(ctx)
    _, attack_s = cpu(lambda: resident_outcomes(profiles, knowledge_of(ctx), world.n_residents,
                                                remembered_visits(ctx), n_units, n_bins, ctx.rng("bench")))
    rows = sum(len(t.trace) for t in traces.values())
    return {"residents": residents, "records": rows, "chains": sum(int(d.n_chains) for d in prepared.values()),
            "meetings": walked, "links": profiles.links_made,
            "precision": profiles.links_correct / max(profiles.links_made, 1),
            "prepare_s": prepare_s, "link_s": link_s, "attacks_s": attack_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 100000])
    parser.add_argument("--scenario", default="gdpr_baseline")
    args = parser.parse_args()
    print(f"{args.scenario}: CPU seconds; cap {co_occurrence.MAX_MEETINGS_PER_POINT} chain pairs per point")
    print(f"{'residents':>10} {'records':>10} {'chains':>8} {'meetings':>10} {'links':>7} {'prec':>5} "
          f"{'prepare':>8} {'link':>7} {'attacks':>8} {'link/rec us':>11}")
    for size in args.sizes:
        r = measure(args.scenario, size)
        print(f"{r['residents']:>10,} {r['records']:>10,} {r['chains']:>8,} {r['meetings']:>10,} {r['links']:>7,} "
              f"{r['precision']:>5.2f} {r['prepare_s']:>8.2f} {r['link_s']:>7.2f} {r['attacks_s']:>8.2f} "
              f"{1e6 * r['link_s'] / max(r['records'], 1):>11.3f}", flush=True)


if __name__ == "__main__":
    main()
