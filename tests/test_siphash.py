"""The numpy SipHash-2-4 against an independent implementation (the ``siphash24`` C binding) and the paper."""

import numpy as np
import siphash24 as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.controls.siphash import WORDS_PER_PASS, _siphash24, siphash24

WORD = st.integers(min_value=0, max_value=2**64 - 1)


def words(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def reference_digest(message: int, key: bytes) -> int:
    return int.from_bytes(reference.siphash24(message.to_bytes(8, "little"), key=key).digest(), "little")


def test_paper_test_vector_for_an_eight_byte_message():
    # Aumasson and Bernstein's reference vectors (vectors.h): key 00..0f, message 00..07 -> 62 24 93 9a 79 f5 f5 93.
    key = words(bytes(range(16)))
    digest = siphash24(words(bytes(range(8))), key[0], key[1])
    assert digest.astype("<u8").tobytes() == bytes.fromhex("6224939a79f5f593")


@settings(max_examples=200, deadline=None)
@given(messages=st.lists(WORD, min_size=1, max_size=40), key=st.binary(min_size=16, max_size=16))
def test_equals_the_reference_implementation_under_one_key(messages, key):
    expected = [reference_digest(m, key) for m in messages]
    k = words(key)
    assert siphash24(np.array(messages, dtype=np.uint64), k[0], k[1]).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(WORD, st.binary(min_size=16, max_size=16)), min_size=1, max_size=30))
def test_each_message_hashed_under_its_own_key(pairs):
    messages = np.array([m for m, _ in pairs], dtype=np.uint64)
    keys = words(b"".join(k for _, k in pairs)).reshape(-1, 2)
    assert siphash24(messages, keys[:, 0], keys[:, 1]).tolist() == [reference_digest(m, k) for m, k in pairs]


def test_inputs_are_left_unchanged():
    messages = np.arange(5, dtype=np.uint64)
    k0, k1 = np.full(5, 3, np.uint64), np.full(5, 9, np.uint64)
    siphash24(messages, k0, k1)
    assert messages.tolist() == list(range(5)) and k0.tolist() == [3] * 5 and k1.tolist() == [9] * 5


def test_long_inputs_hashed_slice_by_slice_equal_one_pass():
    rng = np.random.default_rng(4)
    n = 3 * WORDS_PER_PASS + 17
    messages = rng.integers(0, 2**63, n).astype(np.uint64)
    k0, k1 = rng.integers(0, 2**63, n).astype(np.uint64), np.uint64(12345)
    whole = _siphash24(messages, k0, np.broadcast_to(k1, messages.shape))
    assert np.array_equal(siphash24(messages, k0, k1), whole)
