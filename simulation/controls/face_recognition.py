"""Face-match threshold (at capture): which faces live facial recognition reports as watchlist matches.

A ``cctv`` record with a match score (``value`` not NaN: the camera runs live facial recognition) is a match when
``value >= match_threshold``. A match raises an alert and keeps its face token: the alert names the watchlist
person it matched (``named`` is True, rightly or, for a false alert, wrongly). Every other face template is
deleted at once (token -1), as the Metropolitan Police's LFR policy requires; the record stays as an anonymous
sighting. Records without a score (no face recognition) are left as they are. The default threshold 0.6 is the
Met/NEC setting; NPL found demographic bias at 0.56 and none significant at 0.6 and above.
"""

from __future__ import annotations

import numpy as np

from simulation.controls.base import Control, ControlContext, ReleaseState, audit_row, n_rows


class FaceRecognition(Control):
    """Matches at or above the threshold keep their face; other templates are deleted."""

    name = "face_recognition"
    stage = "capture"

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Mark matches as named, delete non-matching templates and count the alerts."""
        if "cctv" not in state.records:
            return state, []
        threshold = context.config.controls.face_recognition.match_threshold
        table = state.records["cctv"]
        scored = ~np.isnan(table["value"])
        match = scored & (table["value"] >= np.float32(threshold)) & (table["token"] >= 0)
        deleted = scored & ~match & (table["token"] >= 0)
        token = np.where(deleted, np.int64(-1), table["token"])
        named = table["named"] | match
        person = np.where(deleted, np.int64(-1), table["person"])
        records = {**state.records, "cctv": {**table, "token": token, "named": named, "person": person}}
        row = audit_row(self, "cctv", n_rows(table), n_rows(table),
                        f"{int(match.sum())} alerts at threshold {threshold:g} out of {int(scored.sum())} faces "
                        f"matched; {int(deleted.sum())} non-matching templates deleted")
        return state.evolve(records=records), [row]
