"""Cameras: everyone in view; with live facial recognition, a face template and a watchlist match score.

Without face recognition a camera records that someone was in view (token NO_TOKEN): the footage is identifiable
but nothing is extracted from it. With it, every face passing gets the resident's face template as token and, as
value, its best similarity score against the watchlist. The threshold at which a score is reported as a match is a
privacy control (stage 3), so the scores here are raw.

Score model (calibrated on NPL, "Facial Recognition Technology in Law Enforcement", 2023, the Met/NEC setting):
- a watchlist member scores Normal(0.70, 0.08): 89 % are found at the default threshold 0.6 (NPL: 89 %);
- anyone else scores Normal(0.30, 0.07), except a small share of passes that resemble a watchlist face and score
  Normal(0.53, 0.02). That share is larger for demographic groups other than the most common one (the group a
  system is typically tuned on; NIST FRVT part 3 demographic effects). At 0.6 the lookalikes hardly ever cross the
  threshold, so false-alert rates by group stay close (NPL: no significant difference at >= 0.6); at 0.56 they
  dominate and the other groups bear 2-3x more false alerts (NPL: bias at 0.56).
"""

from __future__ import annotations

import numpy as np

from simulation.codes import NO_TOKEN
from simulation.rng import stream
from simulation.sensors.base import Detections, Sensor, present_in_covered
from simulation.world import World

MEMBER_SCORE = (0.70, 0.08)
"""Mean and standard deviation of a watchlist member's similarity score."""
NON_MEMBER_SCORE = (0.30, 0.07)
"""Mean and standard deviation of anyone else's similarity score."""
LOOKALIKE_SCORE = (0.53, 0.02)
"""Mean and standard deviation of a pass that resembles a watchlist face."""
LOOKALIKE_SHARE_MAJORITY = 0.003
"""Share of lookalike passes in the most common demographic group."""
LOOKALIKE_SHARE_OTHER = 0.010
"""Share of lookalike passes in every other demographic group."""


def watchlist_order(world: World, seed: int) -> np.ndarray:
    """Return every resident in watchlist order: a watchlist of size k is the first k of them.

    Drawn from the stream ``("watchlist",)``, so a larger watchlist keeps every member of a smaller one and the
    same seed gives the same list in every deployment.
    """
    return stream(seed, "watchlist").permutation(world.n_residents).astype(np.int32)


def watchlist(world: World, seed: int, size: int) -> np.ndarray:
    """Return the resident ids on a watchlist of ``size`` people (ascending)."""
    return np.sort(watchlist_order(world, seed)[: min(size, world.n_residents)])


def lookalike_shares(groups: np.ndarray) -> np.ndarray:
    """Return each resident's share of lookalike passes, from their demographic group.

    Args:
        groups: The ``group`` column of the residents table.

    Returns:
        float array: LOOKALIKE_SHARE_MAJORITY for the most common group (ties: the first name), else
        LOOKALIKE_SHARE_OTHER.
    """
    names, counts = np.unique(np.asarray(groups, dtype=str), return_counts=True)
    majority = names[np.argmax(counts)] if len(names) else ""
    return np.where(np.asarray(groups, dtype=str) == majority, LOOKALIKE_SHARE_MAJORITY, LOOKALIKE_SHARE_OTHER)


class CctvSensor(Sensor):
    """Cameras seeing everyone outdoors in their zone (people at home are inside, out of view)."""

    kind = "cctv"

    def detect(self, world: World, devices: np.ndarray, rng: np.random.Generator) -> Detections:
        """Record everyone in view; with face recognition, their face template and watchlist score."""
        slot, resident, device = present_in_covered(world, self, self.device_lookup(world, devices),
                                                    outdoors=True, rng=rng)
        if not self.config.face_recognition:
            return Detections.build(slot, device, NO_TOKEN, np.nan, resident)
        faces = world.residents["face"].to_numpy(np.int64)
        return Detections.build(slot, device, faces[resident], self.scores(world, resident, rng), resident)

    def scores(self, world: World, resident: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Return the similarity score against the watchlist of each face passing.

        Args:
            world: The simulated week.
            resident: The resident behind each face passing.
            rng: The deployment's stream.
        """
        member = np.zeros(world.n_residents, dtype=bool)
        member[watchlist(world, self.seed, self.config.watchlist_size)] = True
        is_member = member[resident]
        lookalike = ~is_member & (rng.random(len(resident)) < lookalike_shares(world.residents["group"])[resident])
        mean = np.where(is_member, MEMBER_SCORE[0], np.where(lookalike, LOOKALIKE_SCORE[0], NON_MEMBER_SCORE[0]))
        sd = np.where(is_member, MEMBER_SCORE[1], np.where(lookalike, LOOKALIKE_SCORE[1], NON_MEMBER_SCORE[1]))
        return np.clip(rng.normal(mean, sd), 0.0, 1.0).astype(np.float32)
