"""Keyed pseudonyms: the SipHash-2-4 of a token under a key derived from the seed, the key epoch and the key scope.

The primitives of :mod:`simulation.controls.pseudonymisation` (which documents the scheme), kept apart from the
control so that the release state (:mod:`simulation.controls.base`) can hold the pending pseudonyms without
importing the control that makes them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from simulation.controls.siphash import siphash24


def derive_key(seed: int, epoch: int, scope: str) -> bytes:
    """Return the 16-byte SipHash key of one (epoch, scope)."""
    return hashlib.blake2b(f"pseudonym-key|{seed}|{epoch}|{scope}".encode(), digest_size=16).digest()


def keyed_hash(tokens: np.ndarray, key: bytes) -> np.ndarray:
    """Return the keyed pseudonyms (non-negative int64) of int64 tokens under one 16-byte key.

    Args:
        tokens: Token values (int64).
        key: The SipHash key.

    Returns:
        One pseudonym per token.
    """
    return keyed_hashes(tokens, [key])[0]


def keyed_hashes(tokens: np.ndarray, keys: list[bytes]) -> np.ndarray:
    """Return the keyed pseudonyms of int64 tokens under each of several keys, in one vectorised pass.

    Args:
        tokens: Token values (int64).
        keys: 16-byte SipHash keys.

    Returns:
        Array (len(keys), len(tokens)): row ``i`` equals ``keyed_hash(tokens, keys[i])``.
    """
    tokens = np.asarray(tokens, np.int64)
    if not keys:
        return np.empty((0, len(tokens)), dtype=np.int64)
    hashed = _hash_groups(np.tile(tokens, len(keys)), np.arange(len(keys)) * len(tokens), keys)
    return hashed.reshape(len(keys), len(tokens))


def _hash_groups(tokens: np.ndarray, starts: np.ndarray, keys: list[bytes]) -> np.ndarray:
    """Hash consecutive groups of tokens, group g (from ``starts[g]``) with ``keys[g]``."""
    words = np.frombuffer(b"".join(keys), dtype="<u8").astype(np.uint64, copy=False).reshape(-1, 2)
    sizes = np.diff(np.r_[starts, len(tokens)])
    k0, k1 = np.repeat(words[:, 0], sizes), np.repeat(words[:, 1], sizes)
    hashed = siphash24(np.ascontiguousarray(tokens, dtype=np.int64).view(np.uint64), k0, k1)  # token mod 2**64
    return hashed.view(np.int64) & np.int64(0x7FFFFFFFFFFFFFFF)


def hash_triples(epoch: np.ndarray, scope: np.ndarray, token: np.ndarray, seed: int, scope_names: list[str],
                  ) -> np.ndarray:
    """Return the pseudonym of each distinct (epoch, scope, token) triple, sorted by (epoch, scope)."""
    starts = np.flatnonzero(np.r_[True, (epoch[1:] != epoch[:-1]) | (scope[1:] != scope[:-1])])
    keys = [derive_key(seed, int(epoch[i]), scope_names[int(scope[i])]) for i in starts]
    return _hash_groups(token, starts, keys)


@dataclass(frozen=True, eq=False)
class PendingPseudonyms:
    """The distinct (epoch, scope, token) triples of one dataset, sorted, whose keyed hashes are the pseudonyms.

    Record ``i`` with code ``c = person[i]`` has the pseudonym ``SipHash(token[c], key=K(seed, epoch[c],
    scope_names[scope[c]]))``. The hashes are computed by :meth:`pseudonyms` for the codes asked for only.
    """

    epoch: np.ndarray
    scope: np.ndarray
    token: np.ndarray
    scope_names: tuple[str, ...]
    seed: int

    def pseudonyms(self, codes: np.ndarray) -> np.ndarray:
        """Return the pseudonym of each code (-1 for a negative code)."""
        has = codes >= 0
        if not has.any():
            return np.full(len(codes), -1, dtype=np.int64)
        every = bool(has.all())  # every record has an identifier (the usual case): no masked copies
        wanted = codes if every else codes[has]
        needed = np.flatnonzero(np.bincount(wanted, minlength=len(self.token)))
        lookup = np.full(len(self.token), -1, dtype=np.int64)
        lookup[needed] = hash_triples(self.epoch[needed], self.scope[needed], self.token[needed], self.seed,
                                       list(self.scope_names))
        if every:
            return lookup[codes]
        out = np.full(len(codes), -1, dtype=np.int64)
        out[has] = lookup[wanted]
        return out
