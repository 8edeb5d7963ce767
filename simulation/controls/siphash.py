"""SipHash-2-4 of 8-byte messages, vectorised with numpy: the keyed PRF behind the pseudonyms.

SipHash (Aumasson and Bernstein, "SipHash: a fast short-input PRF", INDOCRYPT 2012) is a pseudorandom function
with a 128-bit key and a 64-bit output, designed for exactly this job: keyed hashing of short inputs, so that
whoever lacks the key can neither recompute nor invert the mapping (it keys Python's own ``str`` hash and the
Linux kernel's hash tables). A token is one 8-byte block, so a hash is a fixed sequence of 2 + 4 SipRounds plus
the length block; written on numpy uint64 arrays (additions wrap modulo 2**64), it hashes every token of a
dataset at once instead of one hashlib call per token. :func:`siphash24` equals the reference implementation
(checked against the ``siphash24`` C binding and the paper's test vector in ``tests/test_siphash.py``).
"""

from __future__ import annotations

import numpy as np

_INIT = tuple(np.uint64(c) for c in (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261,
                                     0x7465646279746573))
_LENGTH_BLOCK = np.uint64(8 << 56)
"""Last block of an 8-byte message: the length in its top byte, no remaining message bytes."""
_FINAL_XOR = np.uint64(0xFF)


def _rotl(x: np.ndarray, bits: int, scratch: np.ndarray) -> None:
    """Rotate every word of ``x`` left by ``bits``, in place (``scratch`` has x's shape)."""
    np.right_shift(x, np.uint64(64 - bits), out=scratch)
    np.left_shift(x, np.uint64(bits), out=x)
    np.bitwise_or(x, scratch, out=x)


def _sip_rounds(v0: np.ndarray, v1: np.ndarray, v2: np.ndarray, v3: np.ndarray, rounds: int,
                scratch: np.ndarray) -> None:
    """Apply ``rounds`` SipRounds to the state words, in place."""
    for _ in range(rounds):
        v0 += v1
        _rotl(v1, 13, scratch)
        v1 ^= v0
        _rotl(v0, 32, scratch)
        v2 += v3
        _rotl(v3, 16, scratch)
        v3 ^= v2
        v0 += v3
        _rotl(v3, 21, scratch)
        v3 ^= v0
        v2 += v1
        _rotl(v1, 17, scratch)
        v1 ^= v2
        _rotl(v2, 32, scratch)


def siphash24(messages: np.ndarray, k0: np.ndarray, k1: np.ndarray) -> np.ndarray:
    """Return SipHash-2-4 of each 8-byte message under its own key.

    Args:
        messages: The messages as uint64 words (the 8 message bytes read little-endian).
        k0: First key word of each message (key bytes 0-7, little-endian), or one word for all.
        k1: Second key word (key bytes 8-15), same shape rules as ``k0``.

    Returns:
        The 64-bit hash of each message (uint64; its little-endian bytes are the reference digest).
    """
    message = np.asarray(messages, dtype=np.uint64)
    k0 = np.broadcast_to(np.asarray(k0, dtype=np.uint64), message.shape)
    k1 = np.broadcast_to(np.asarray(k1, dtype=np.uint64), message.shape)
    if message.ndim == 1 and message.size > WORDS_PER_PASS:  # the state of a slice stays in the processor's cache
        return np.concatenate([_siphash24(message[a:a + WORDS_PER_PASS], k0[a:a + WORDS_PER_PASS],
                                          k1[a:a + WORDS_PER_PASS]) for a in range(0, message.size, WORDS_PER_PASS)])
    return _siphash24(message, k0, k1)


WORDS_PER_PASS = 1 << 15
"""Messages hashed at once by :func:`siphash24` (five uint64 arrays of this length fit in a core's cache)."""


def _siphash24(message: np.ndarray, k0: np.ndarray, k1: np.ndarray) -> np.ndarray:
    """Return SipHash-2-4 of each message (arrays of one shape)."""
    shape = message.shape
    v0, v1, v2, v3 = k0 ^ _INIT[0], k1 ^ _INIT[1], k0 ^ _INIT[2], k1 ^ _INIT[3]
    scratch = np.empty(shape, dtype=np.uint64)
    v3 ^= message
    _sip_rounds(v0, v1, v2, v3, 2, scratch)
    v0 ^= message
    v3 ^= _LENGTH_BLOCK
    _sip_rounds(v0, v1, v2, v3, 2, scratch)
    v0 ^= _LENGTH_BLOCK
    v2 ^= _FINAL_XOR
    _sip_rounds(v0, v1, v2, v3, 4, scratch)
    return v0 ^ v1 ^ v2 ^ v3
