"""Print every preset's headline and per-attack shares of residents (the table of the risk issue's notes).

Run: ``.venv/bin/python bench/risk_table.py [--seed 42]``. Each preset at its own scale (5,000 residents x 7 days).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.pipeline import run  # noqa: E402
from simulation.presets import list_presets, load_preset  # noqa: E402

COLUMNS = {
    "risk_overall": "overall", "risk_unicity": "singled", "risk_reidentification": "reid", "risk_tracking": "tracked",
    "risk_identified": "named", "risk_linkage": "linked", "risk_linkage_precision": "link prec",
    "risk_sensitive_inference": "sensitive", "risk_trajectory_recovery": "recovered",
    "risk_dp_epsilon_total": "eps total", "risk_exposure": "exposure", "utility_overall": "utility",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="override every preset's seed")
    args = parser.parse_args()
    print(f"{'preset':<26}" + "".join(f"{label:>10}" for label in COLUMNS.values()))
    for preset in list_presets():
        config = load_preset(preset.name)
        if args.seed is not None:
            config = config.with_seed(args.seed)
        outcomes = run(config).outcomes
        print(f"{preset.name:<26}" + "".join(f"{outcomes.get(name, float('nan')):>10.3f}" for name in COLUMNS),
              flush=True)


if __name__ == "__main__":
    main()
