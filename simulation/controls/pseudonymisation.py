"""Pseudonymisation (at capture): every identifier replaced by a keyed hash (SipHash-2-4), the key rotating by epoch.

The pseudonym of a token is ``SipHash-2-4(token as 8 little-endian bytes, key=K)`` read as a little-endian
integer with the sign bit cleared (so it is a non-negative int64 and -1 keeps meaning "none"). SipHash is a
pseudorandom function made for keyed hashing of short inputs (:mod:`simulation.controls.siphash`; the keys and
hashes are computed in :mod:`simulation.controls.keyed_hash`). The 16-byte key
``K = BLAKE2b("pseudonym-key|<seed>|<epoch>|<scope>")`` is derived from the scenario seed, the key epoch and the
key scope:

- epoch: 0 for ``rotation="never"``, the day index for ``"daily"``, the hour index for ``"hourly"`` (counted
  from the start of the horizon); written to the ``epoch`` column.
- scope: ``"city"`` for ``scope="city_wide"`` (one key at every sensor: Enschede's "counting became following"),
  or the device's deployment name and index for ``"per_sensor"`` (the same phone gets unrelated pseudonyms at two
  sensors).

In this simulation the secret behind every key is the scenario seed (so runs are reproducible); no attack of stage 4
uses it, exactly as an outside party never holds the operator's key. The same token in the same (epoch, scope)
always gets the same pseudonym; in two epochs or scopes, unrelated ones.
Without the key nobody can invert or recompute it (unlike an unkeyed hash of a MAC, which can be reversed by
enumeration). Python's ``hash()`` is never used: it is salted per process. Only the distinct (epoch, scope, token)
triples are hashed (all at once, about 0.1 us each), and only for the records that are finally released: until then
each record carries the dense code of its pseudonym (``token`` and ``person`` columns, with the triples in
``ReleaseState.pending``), which is all that aggregation, bounding and the other controls need; the pipeline turns
the codes of the released rows into their keyed hashes at the end. A record's pseudonym is the same as if it had
been hashed at capture, and no control after this one reads a raw token.

With pseudonymisation disabled, tokens are released raw and the epoch is 0. Plates released raw name their keeper
(``named``); registered cards released raw name their holder. A pseudonymised plate or card names nobody.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.blockwise import dense_ranks
from simulation.controls.base import Control, ControlContext, ReleaseState, Table, audit_row, n_rows
from simulation.controls.keyed_hash import PendingPseudonyms
from simulation.memo import ArrayMemo
from simulation.scenario import PseudonymisationControl

EPOCH_MINUTES: dict[str, int | None] = {"never": None, "daily": 1440, "hourly": 60}
"""Length of a key epoch for each rotation setting (None: one epoch for the whole horizon)."""
NAMED_WHEN_RAW: tuple[str, ...] = ("anpr",)
"""Kinds whose raw identifier always names a person (a plate names its registered keeper)."""


def epoch_of(time: np.ndarray, rotation: str) -> np.ndarray:
    """Return the key epoch of each time (minutes from the start of the horizon)."""
    minutes = EPOCH_MINUTES[rotation]
    if minutes is None:
        return np.zeros(len(time), dtype=np.int32)
    return (time // minutes).astype(np.int32, copy=False)


def assign_codes(table: Table, seed: int, rotation: str, scope: str, sensor_scopes: np.ndarray,
                 ) -> tuple[np.ndarray, np.ndarray, PendingPseudonyms]:
    """Return each record's key epoch, the code of its pseudonym (-1 if no token) and the triples to hash.

    Args:
        table: Working records of one kind.
        seed: Scenario seed (the key derivation's secret).
        rotation: "never", "daily" or "hourly".
        scope: "city_wide" or "per_sensor".
        sensor_scopes: The key scope name of every device (index = device index), used when per_sensor.
    """
    epoch = epoch_of(table["time"], rotation)
    token = table["token"]
    code = np.full(len(token), -1, dtype=np.int64)
    has, token_code, token_values = _token_codes(token)
    scope_names = [str(s) for s in sensor_scopes] if scope == "per_sensor" else ["city"]
    empty = np.empty(0, np.int64)
    if not len(token_code):
        return epoch, code, PendingPseudonyms(empty, empty, empty, tuple(scope_names), seed)
    per_sensor = scope == "per_sensor"
    scope_id = table["sensor"][has].astype(np.int64) if per_sensor else np.zeros(len(token_code), np.int64)
    if int(epoch.max()) >= 1 << 11 or len(scope_names) >= 1 << 21:
        raise ValueError("pseudonymisation supports at most 2048 key epochs and 2 million devices")
    n_scopes = len(scope_names) if per_sensor else 1
    code[has], (triple_epoch, triple_scope, triple_token) = rank_triples(
        epoch[has].astype(np.int64), scope_id, token_code.astype(np.int64), n_scopes, len(token_values))
    pending = PendingPseudonyms(epoch=triple_epoch, scope=triple_scope,
                                token=token_values[triple_token],
                                scope_names=tuple(scope_names), seed=seed)
    return epoch, code, pending


def _factorized_tokens(token: np.ndarray) -> tuple[np.ndarray | slice, np.ndarray, np.ndarray]:
    """Return the rows holding a token, the dense code of each one's token and the distinct tokens.

    Kept small, as they are remembered beside the capture states: every row (the usual case) as a slice rather
    than a list of rows, and the codes as int32 where they fit.
    """
    has = np.flatnonzero(token >= 0)
    has = slice(None) if has.size == token.size else has
    token_code, token_values = pd.factorize(token[has])
    narrow = np.int32 if len(token_values) <= np.iinfo(np.int32).max else np.int64
    return has, token_code.astype(narrow), np.asarray(token_values, dtype=np.int64)


_token_codes = ArrayMemo(_factorized_tokens)
"""The raw tokens of a kind do not depend on the rotation or scope: a control change that moves those (the tokens
coming from a remembered capture state, read-only) reuses their codes instead of hashing every row again."""


DENSE_TRIPLES = 1 << 22
"""Largest (epoch, scope, token) space numbered through a dense presence table; larger ones are hashed."""


def rank_triples(epoch: np.ndarray, scope: np.ndarray, token: np.ndarray, n_scopes: int, n_tokens: int,
                 dense_limit: int = DENSE_TRIPLES) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Number the distinct (epoch, scope, token) triples in sorted order.

    Args:
        epoch: Non-negative key epoch of each record (below 2048).
        scope: Scope index of each record (below ``n_scopes``).
        token: Dense token code of each record (below ``n_tokens``).
        n_scopes: Number of scopes.
        n_tokens: Number of distinct tokens.
        dense_limit: Largest triple space numbered with a presence table (a hash table beyond it).

    Returns:
        ``(code, (epoch, scope, token))``: each record's triple code (its rank among the sorted distinct triples;
        int32 when the dense table is used) and the distinct triples in that order.
    """
    n_epochs = int(epoch.max()) + 1 if epoch.size else 1
    space = n_epochs * n_scopes * n_tokens
    if space <= dense_limit:
        key = (epoch * n_scopes + scope) * n_tokens + token  # ordered as the triples are
        distinct, rank = dense_ranks(key, space, np.int32 if space < 1 << 31 else np.int64)
        return rank, (distinct // (n_scopes * n_tokens), distinct // n_tokens % n_scopes, distinct % n_tokens)
    packed = (epoch << 52) | (scope << 31) | token
    triple_code, triples = pd.factorize(packed)
    order = np.argsort(triples, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    ordered = np.asarray(triples)[order]
    return rank[triple_code], (ordered >> 52, (ordered >> 31) & ((1 << 21) - 1), ordered & ((1 << 31) - 1))


def pseudonymise(table: Table, seed: int, rotation: str, scope: str, sensor_scopes: np.ndarray) -> Table:
    """Return a record table whose tokens are replaced by their keyed hashes and whose epochs are set.

    The eager form of what the control does lazily (the pseudonyms are the same); ``person`` holds the dense code
    of each record's pseudonym. The arguments are those of :func:`assign_codes`.
    """
    epoch, code, pending = assign_codes(table, seed, rotation, scope, sensor_scopes)
    return {**table, "token": pending.pseudonyms(code), "epoch": epoch, "person": code}


def raw_person_codes(token: np.ndarray) -> np.ndarray:
    """Return the dense code of each raw token (-1 where there is none)."""
    person = np.full(len(token), -1, dtype=np.int64)
    has = token >= 0
    person[has] = pd.factorize(token[has])[0]
    return person


class Pseudonymisation(Control):
    """Identifiers replaced by keyed hashes (SipHash-2-4) with a rotating key."""

    name = "pseudonymisation"
    stage = "capture"

    def _pseudonymise(self, kind: str, table: Table, settings: PseudonymisationControl, seed: int,
                      sensor_scopes: np.ndarray) -> tuple[Table, PendingPseudonyms | None, dict]:
        """Return one kind's records with pseudonym codes (or raw identifiers), their pending triples, and audit."""
        if settings.enabled:
            epoch, code, pending = assign_codes(table, seed, settings.rotation, settings.scope, sensor_scopes)
            new = {**table, "token": code, "epoch": epoch, "person": code,
                   "named": np.zeros(n_rows(table), dtype=bool)}
            note = (f"keyed SipHash-2-4, rotation={settings.rotation}, scope={settings.scope}; "
                    f"{len(pending.token)} distinct pseudonyms")
            return new, pending, audit_row(self, kind, n_rows(table), n_rows(new), note)
        named = table.get("named", np.zeros(n_rows(table), dtype=bool))
        if kind in NAMED_WHEN_RAW:
            named = table["token"] >= 0
        new = {**table, "person": raw_person_codes(table["token"]), "named": named,
               "epoch": np.zeros(n_rows(table), dtype=np.int32)}
        return new, None, audit_row(self, kind, n_rows(table), n_rows(new), "disabled: identifiers released raw")

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Hash every token; set the epoch column; mark raw plates as named when disabled."""
        settings = context.config.controls.pseudonymisation
        sensor_scopes = np.array([f"sensor:{i}:{name}" for i, name in enumerate(context.sensor_names)],
                                 dtype=object)
        kinds = list(state.records)
        done = [self._pseudonymise(kind, state.records[kind], settings, context.seed, sensor_scopes) for kind in kinds]
        records = {kind: table for kind, (table, _, _) in zip(kinds, done, strict=True)}
        pending = {kind: codes for kind, (_, codes, _) in zip(kinds, done, strict=True) if codes is not None}
        rows = [row for _, _, row in done]
        return state.evolve(records=records, pending=pending), rows
