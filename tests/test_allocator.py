"""The one-shot process's malloc tuning: freed big arrays stay in the process and are reused."""

import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import psutil
    from simulation.allocator import keep_freed_memory
    tuned = keep_freed_memory() if sys.argv[1] == "tuned" else False
    process = psutil.Process()
    before = process.memory_info().rss
    block = np.ones(40_000_000)  # 320 MB, above any mmap threshold
    del block
    print(tuned, (process.memory_info().rss - before) / 2**20)
""")


def _held_after_free(mode: str) -> tuple[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True)
    tuned, held_mib = out.stdout.split()
    return tuned, float(held_mib)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_a_tuned_process_keeps_a_freed_block_and_an_untuned_one_gives_it_back():
    tuned, held_tuned = _held_after_free("tuned")
    plain, held_plain = _held_after_free("plain")
    assert tuned == "True" and plain == "False"
    assert held_tuned > 250  # the 320 MB block stays, to be reused by the next array
    assert held_plain < 50  # glibc unmapped it at once
