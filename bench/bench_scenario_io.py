"""How fast scenario files are read, and how fast hostile ones are refused.

Prints the median wall time of parsing each preset, of dumping one, and of refusing each kind of hostile input
(1 MB files at the size limit). Run: /work/venv/bin/python bench/bench_scenario_io.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation.presets import PRESETS_DIR, load_preset, preset_names  # noqa: E402
from simulation.scenario_io import MAX_BYTES, ScenarioError, dump_scenario, parse_scenario  # noqa: E402

REPEATS = 5


def median_ms(action) -> tuple[float, str]:
    times, outcome = [], ""
    for _ in range(REPEATS):
        started = time.perf_counter()
        try:
            action()
            outcome = "accepted"
        except ScenarioError as error:
            outcome = error.problems[0][:70]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, outcome


def hostile_inputs() -> dict[str, str | bytes]:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9))
    return {
        "alias bomb (9^10 expansion)": bomb,
        "1 MB of '[' (deep nesting)": "a: " + "[" * (MAX_BYTES - 10),
        "1 MB flat list (too many values)": "sensors: [" + "1," * (MAX_BYTES // 2 - 10) + "]",
        "1 MB binary junk": bytes(range(256)) * (MAX_BYTES // 256),
        "1 MB + 1 byte": "#" * (MAX_BYTES + 1),
        "1 MB description (too long field)": "description: '" + "x" * (MAX_BYTES - 20) + "'\n",
        "malformed YAML": "name: [a,\nworld: x\n",
    }


def main() -> None:
    print(f"median of {REPEATS} runs, wall time")
    for name in preset_names():
        text = (PRESETS_DIR / f"{name}.yaml").read_text(encoding="utf-8")
        ms, outcome = median_ms(lambda text=text: parse_scenario(text))
        print(f"  parse preset {name:<26} {ms:8.2f} ms  {outcome}")
    config = load_preset("gdpr_baseline")
    ms, _ = median_ms(lambda: dump_scenario(config))
    print(f"  dump gdpr_baseline{'':<21} {ms:8.2f} ms")
    for label, data in hostile_inputs().items():
        ms, outcome = median_ms(lambda data=data: parse_scenario(data))
        print(f"  refuse {label:<34} {ms:8.2f} ms  {outcome}")


if __name__ == "__main__":
    main()
