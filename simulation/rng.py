"""Named random streams: every component draws from its own generator derived from the seed and its name.

Adding a sensor therefore never changes anyone's movements, and the same scenario and seed give the same
numbers in any process (no Python ``hash()``, which is salted per process, and no global random state).
"""

from __future__ import annotations

import hashlib

import numpy as np


def stable_int(text: str) -> int:
    """Return a 64-bit integer derived from ``text`` that is the same in every process and platform.

    Args:
        text: Any string, e.g. a component name.

    Returns:
        An unsigned 64-bit integer (BLAKE2b digest of the UTF-8 text).
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """Return the random generator of one named component.

    Args:
        seed: The scenario seed.
        *names: The component's path, e.g. ``("sensor", "wifi_bt_centre")``. Integers are used as they are.

    Returns:
        A numpy Generator (PCG64) seeded from the seed and the names.
    """
    entropy = [int(seed) & 0xFFFFFFFFFFFFFFFF]
    entropy += [n if isinstance(n, int) else stable_int(n) for n in names]
    return np.random.default_rng(entropy)
