"""Pseudonymisation (at capture): every identifier replaced by a keyed BLAKE2 hash, the key rotating by epoch.

The pseudonym of a token is the first 8 bytes of ``BLAKE2b(token as 8 little-endian bytes, key=K)``, read as a
little-endian integer with the sign bit cleared (so it is a non-negative int64 and -1 keeps meaning "none"). The
key ``K = BLAKE2b("pseudonym-key|<seed>|<epoch>|<scope>")`` (32 bytes) is derived from the scenario seed, the
key epoch and the key scope:

- epoch: 0 for ``rotation="never"``, the day index for ``"daily"``, the hour index for ``"hourly"`` (counted
  from the start of the horizon); written to the ``epoch`` column.
- scope: ``"city"`` for ``scope="city_wide"`` (one key at every sensor: Enschede's "counting became following"),
  or the device's deployment name and index for ``"per_sensor"`` (the same phone gets unrelated pseudonyms at two
  sensors).

The same token in the same (epoch, scope) always gets the same pseudonym; in two epochs or scopes, unrelated ones.
Without the key nobody can invert or recompute it (unlike an unkeyed hash of a MAC, which can be reversed by
enumeration). Python's ``hash()`` is never used: it is salted per process. Only the distinct (epoch, scope, token)
triples are hashed; records then take their pseudonym by index.

With pseudonymisation disabled, tokens are released raw and the epoch is 0. Plates released raw name their keeper
(``named``); registered cards released raw name their holder. A pseudonymised plate or card names nobody.
"""

from __future__ import annotations

import hashlib

import numpy as np

from simulation.controls.base import Control, ControlContext, ReleaseState, Table, audit_row, n_rows

EPOCH_MINUTES: dict[str, int | None] = {"never": None, "daily": 1440, "hourly": 60}
"""Length of a key epoch for each rotation setting (None: one epoch for the whole horizon)."""
NAMED_WHEN_RAW: tuple[str, ...] = ("anpr",)
"""Kinds whose raw identifier always names a person (a plate names its registered keeper)."""


def epoch_of(time: np.ndarray, rotation: str) -> np.ndarray:
    """Return the key epoch of each time (minutes from the start of the horizon)."""
    minutes = EPOCH_MINUTES[rotation]
    if minutes is None:
        return np.zeros(len(time), dtype=np.int32)
    return (time // minutes).astype(np.int32)


def derive_key(seed: int, epoch: int, scope: str) -> bytes:
    """Return the 32-byte BLAKE2 key of one (epoch, scope)."""
    return hashlib.blake2b(f"pseudonym-key|{seed}|{epoch}|{scope}".encode(), digest_size=32).digest()


def keyed_hash(tokens: np.ndarray, key: bytes) -> np.ndarray:
    """Return the keyed BLAKE2b pseudonyms (non-negative int64) of int64 tokens.

    Args:
        tokens: Token values (int64).
        key: The BLAKE2 key.

    Returns:
        One pseudonym per token.
    """
    data = memoryview(np.ascontiguousarray(tokens, dtype="<i8").tobytes())
    base = hashlib.blake2b(key=key, digest_size=8)
    digests = []
    append = digests.append
    for start in range(0, len(data), 8):
        hasher = base.copy()
        hasher.update(data[start:start + 8])
        append(hasher.digest())
    out = np.frombuffer(b"".join(digests), dtype="<i8").astype(np.int64)
    return out & np.int64(0x7FFFFFFFFFFFFFFF)


def pseudonymise(table: Table, seed: int, rotation: str, scope: str, sensor_scopes: np.ndarray) -> Table:
    """Return a record table whose tokens are replaced by their keyed hashes and whose epochs are set.

    Args:
        table: Working records of one kind.
        seed: Scenario seed (the key derivation's secret).
        rotation: "never", "daily" or "hourly".
        scope: "city_wide" or "per_sensor".
        sensor_scopes: The key scope name of every device (index = device index), used when per_sensor.
    """
    epoch = epoch_of(table["time"], rotation)
    token = table["token"]
    pseudonym = np.full(len(token), -1, dtype=np.int64)
    has = token >= 0
    if has.any():
        ep = epoch[has].astype(np.int64)
        sc = table["sensor"][has].astype(np.int64) if scope == "per_sensor" else np.zeros(len(ep), np.int64)
        tok = token[has]
        order = np.lexsort((tok, sc, ep))
        ep, sc, tok = ep[order], sc[order], tok[order]
        new_key = np.r_[True, (ep[1:] != ep[:-1]) | (sc[1:] != sc[:-1])]
        new_triple = new_key | np.r_[True, tok[1:] != tok[:-1]]
        firsts = np.flatnonzero(new_triple)
        unique_tok, key_of_unique = tok[firsts], new_key[firsts]
        hashed = np.empty(len(firsts), dtype=np.int64)
        key_starts = np.flatnonzero(key_of_unique)
        for start, stop in zip(key_starts, np.r_[key_starts[1:], len(firsts)], strict=True):
            first = firsts[start]
            scope_name = str(sensor_scopes[sc[first]]) if scope == "per_sensor" else "city"
            hashed[start:stop] = keyed_hash(unique_tok[start:stop], derive_key(seed, int(ep[first]), scope_name))
        sorted_pseudonyms = hashed[np.cumsum(new_triple) - 1]
        out = np.empty(len(tok), dtype=np.int64)
        out[order] = sorted_pseudonyms
        pseudonym[has] = out
    return {**table, "token": pseudonym, "epoch": epoch}


class Pseudonymisation(Control):
    """Identifiers replaced by keyed BLAKE2 hashes with a rotating key."""

    name = "pseudonymisation"
    stage = "capture"

    def apply(self, state: ReleaseState, context: ControlContext) -> tuple[ReleaseState, list[dict]]:
        """Hash every token; set the epoch column; mark raw plates as named when disabled."""
        settings = context.config.controls.pseudonymisation
        sensor_scopes = np.array([f"sensor:{i}:{name}" for i, name in enumerate(context.sensor_names)],
                                 dtype=object)
        records, rows = {}, []
        for kind, table in state.records.items():
            if settings.enabled:
                new = pseudonymise(table, context.seed, settings.rotation, settings.scope, sensor_scopes)
                new["named"] = np.zeros(n_rows(table), dtype=bool)
                n_ids = int(np.unique(new["token"][new["token"] >= 0]).size)
                note = (f"keyed BLAKE2b, rotation={settings.rotation}, scope={settings.scope}; "
                        f"{n_ids} distinct pseudonyms")
            else:
                new = dict(table)
                if kind in NAMED_WHEN_RAW:
                    new["named"] = table["token"] >= 0
                note = "disabled: identifiers released raw"
            records[kind] = new
            rows.append(audit_row(self, kind, n_rows(table), n_rows(new), note))
        return state.evolve(records=records), rows
