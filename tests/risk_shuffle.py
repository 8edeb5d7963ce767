"""A release whose truth is shuffled: what the attacker infers must not change, only the score."""

from __future__ import annotations

import dataclasses

import numpy as np

from simulation.release import Release


def shuffled_truth(release: Release, seed: int) -> Release:
    """Return a copy of the release whose record_truth is shuffled across the rows of each dataset."""
    rng = np.random.default_rng(seed)
    truth = {kind: rng.permutation(residents) for kind, residents in release.record_truth.items()}
    return dataclasses.replace(release, record_truth=truth, records_key=None)
