"""Records, canonical JSON and the RFC 6962 tree, checked against reference implementations written here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrss.drawkit import merkle
from hrss.drawkit.encoding import (
    SHA256,
    SHA256_AES,
    SM3,
    Profile,
    available,
    canonical_json,
    field_bytes,
    lp,
    profile,
    record,
)

Hash = Callable[[bytes], bytes]


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def decode_record(data: bytes) -> list[bytes]:
    """The fields of a record, tag first: the inverse of `record` (so `record` is injective)."""
    fields, at = [], 0
    while at < len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        assert at + 4 + size <= len(data), "a length runs past the end"
        fields.append(data[at + 4 : at + 4 + size])
        at += 4 + size
    return fields


def mth(h: Hash, leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, recursively, exactly as the RFC states it."""
    n = len(leaves)
    if n == 0:
        return h(b"")
    if n == 1:
        return h(b"\x00" + leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return h(b"\x01" + mth(h, leaves[:k]) + mth(h, leaves[k:]))


def rfc_path(h: Hash, m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(m, D[n]), bottom-up."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*rfc_path(h, m, leaves[:k]), mth(h, leaves[k:])]
    return [*rfc_path(h, m - k, leaves[k:]), mth(h, leaves[:k])]


def leaves_of(size: int) -> list[bytes]:
    return [f"leaf-{i}".encode() for i in range(size)]


# --- records -------------------------------------------------------------------------------------------------


def test_a_field_is_prefixed_with_its_length_as_four_big_endian_bytes() -> None:
    assert lp(b"ab") == b"\x00\x00\x00\x02ab"
    assert lp(b"") == b"\x00\x00\x00\x00"
    assert lp(b"x" * 300)[:4] == b"\x00\x00\x01\x2c"


def test_moving_a_boundary_between_fields_changes_the_record() -> None:
    assert record("t", "ab", "c") != record("t", "a", "bc")
    assert record("t", "a", "") != record("t", "a")
    assert record("t", "", "a") != record("t", "a", "")
    assert record("ta", "b") != record("t", "ab")


def test_a_record_is_the_tag_then_every_field_length_prefixed() -> None:
    assert record("t", "ab", b"\x00", 7) == b"\x00\x00\x00\x01t" + lp(b"ab") + lp(b"\x00") + lp(b"7")


@given(st.lists(st.binary(max_size=12), max_size=6), st.lists(st.binary(max_size=12), max_size=6))
def test_records_of_different_fields_differ(first: list[bytes], second: list[bytes]) -> None:
    assert decode_record(record("t", *first)) == [b"t", *first]
    assert (record("t", *first) == record("t", *second)) == (first == second)


def test_integers_are_decimal_ascii_and_booleans_are_refused() -> None:
    assert field_bytes(12) == b"12"
    assert field_bytes(-3) == b"-3"
    assert record("t", 12) == record("t", "12")
    with pytest.raises(TypeError):
        field_bytes(True)
    with pytest.raises(TypeError):
        field_bytes(1.5)  # type: ignore[arg-type]


def test_text_is_encoded_in_its_nfc_form() -> None:
    assert field_bytes("e\u0301") == "\u00e9".encode() == b"\xc3\xa9"
    assert record("t", "Cafe\u0301") == record("t", "Caf\u00e9")
    assert field_bytes("\u1100\u1161") == "\uac00".encode()  # Hangul jamo compose to one syllable
    assert field_bytes("浙江") == "浙江".encode()


# --- canonical JSON ------------------------------------------------------------------------------------------


def test_canonical_json_sorts_keys_and_has_no_white_space() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": None, "c": True}]}) == b'{"a":[1,{"c":true,"d":null}],"b":1}'


def test_canonical_json_writes_utf8_in_nfc_without_escapes() -> None:
    assert canonical_json({"名称": "e\u0301"}) == '{"名称":"\u00e9"}'.encode()


@pytest.mark.parametrize("value", [1.0, [1, 2.5], {"a": {"b": [0.1]}}, (float("nan"),)])
def test_canonical_json_refuses_floats_wherever_they_are(value: object) -> None:
    with pytest.raises(TypeError, match="floats"):
        canonical_json(value)


def test_canonical_json_refuses_keys_that_are_not_text() -> None:
    with pytest.raises(TypeError):
        canonical_json({1: "a"})


def test_canonical_json_keys_are_sorted_after_normalisation() -> None:
    assert canonical_json({"e\u0301": 1, "f": 2}) == '{"f":2,"\u00e9":1}'.encode()


# --- the Merkle tree -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(34))
def test_the_root_is_rfc_6962_mth(size: int) -> None:
    leaves = leaves_of(size)
    assert merkle.root(SHA256, leaves) == mth(sha256, leaves)
    hashes = [merkle.leaf_hash(SHA256, leaf) for leaf in leaves]
    assert merkle.root_of_hashes(SHA256, hashes) == mth(sha256, leaves)


def test_the_root_of_no_leaves_is_the_hash_of_nothing() -> None:
    assert merkle.root(SHA256, []).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_the_root_depends_on_the_order_of_the_leaves() -> None:
    assert merkle.root(SHA256, [b"a", b"b"]) != merkle.root(SHA256, [b"b", b"a"])


@pytest.mark.parametrize("size", range(1, 34))
def test_every_leaf_has_an_rfc_6962_proof_that_verifies(size: int) -> None:
    leaves = leaves_of(size)
    hashes = [merkle.leaf_hash(SHA256, leaf) for leaf in leaves]
    root = mth(sha256, leaves)
    for index, leaf in enumerate(leaves):
        proof = merkle.inclusion_proof(SHA256, hashes, index)
        assert proof == rfc_path(sha256, index, leaves)
        assert merkle.verify_inclusion(SHA256, leaf, index, size, proof, root)


@pytest.mark.parametrize("size", range(1, 34))
def test_a_proof_fails_for_a_wrong_leaf_index_size_or_root(size: int) -> None:
    leaves = leaves_of(size)
    hashes = [merkle.leaf_hash(SHA256, leaf) for leaf in leaves]
    root = mth(sha256, leaves)
    for index, leaf in enumerate(leaves):
        proof = merkle.inclusion_proof(SHA256, hashes, index)
        assert not merkle.verify_inclusion(SHA256, leaf + b"!", index, size, proof, root)
        assert not merkle.verify_inclusion(SHA256, leaf, index, size, proof, sha256(root))
        for other in (index - 1, index + 1, size, -1):
            assert not merkle.verify_inclusion(SHA256, leaf, other, size, proof, root)
        assert not merkle.verify_inclusion(SHA256, leaf, index, size + 1, proof, mth(sha256, [*leaves, b"x"]))
        if proof:
            assert not merkle.verify_inclusion(SHA256, leaf, index, size, proof[:-1], root)
            flipped = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
            assert not merkle.verify_inclusion(SHA256, leaf, index, size, flipped, root)
        assert not merkle.verify_inclusion(SHA256, leaf, index, size, [*proof, root], root)


def test_a_proof_is_refused_for_an_index_outside_the_tree() -> None:
    hashes = [merkle.leaf_hash(SHA256, leaf) for leaf in leaves_of(3)]
    with pytest.raises(IndexError):
        merkle.inclusion_proof(SHA256, hashes, 3)


# --- profiles ------------------------------------------------------------------------------------------------


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown draw profile"):
        profile("hrss-draw/md5/v1")


@pytest.mark.skipif(not available(SM3.name), reason="this Python's OpenSSL provides no SM3 (hashlib.new('sm3') fails)")
def test_the_sm3_profile_hashes_with_sm3_and_builds_rfc_6962_trees() -> None:
    chosen = profile("hrss-draw/sm3/v1")
    assert chosen is SM3
    # GB/T 32905-2016, example 1: SM3("abc").
    assert chosen.hash(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"

    def sm3(data: bytes) -> bytes:
        return hashlib.new("sm3", data).digest()

    for size in range(12):
        leaves = leaves_of(size)
        assert merkle.root(SM3, leaves) == mth(sm3, leaves)
        hashes = [merkle.leaf_hash(SM3, leaf) for leaf in leaves]
        for index, leaf in enumerate(leaves):
            proof = merkle.inclusion_proof(SM3, hashes, index)
            assert merkle.verify_inclusion(SM3, leaf, index, size, proof, mth(sm3, leaves))
    assert merkle.root(SM3, leaves_of(5)) != merkle.root(SHA256, leaves_of(5))


@pytest.mark.parametrize("chosen", [SHA256, SHA256_AES], ids=lambda p: p.name)
def test_the_short_message_hash_is_the_same_sha_256(chosen: Profile) -> None:
    """`new_short` (CPython's own SHA-256 where it exists) gives OpenSSL's digests, at every message length around
    the block boundaries, and is not OpenSSL's constructor on this Python (else nothing would be gained)."""
    messages = [bytes(range(n % 256)) * (1 + n // 256) for n in range(0, 200)]
    assert (
        chosen.hash_each_short(messages) == chosen.hash_each(messages) == [hashlib.sha256(m).digest() for m in messages]
    )
    assert chosen.new_short is not hashlib.sha256


def test_a_profile_without_a_short_constructor_uses_its_own() -> None:
    assert SM3.new_short is SM3.new
