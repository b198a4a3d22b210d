"""What may be uploaded: extensions, the bytes behind them, ZIP expansion; and the digests taken while streaming."""

from __future__ import annotations

import hashlib
import io

import pytest
from evidence.adapters.sniffing import detect, zip_entries
from evidence.domain.content import ZipLimits, check_content, check_zip, extension_of
from evidence.domain.errors import Rejected, TooLarge, UnsupportedContent
from evidence.domain.hashing import HashingReader, check_declared, digest_of, new_hash
from evidence_fakes import InMemoryEvidenceStore
from evidence_testkit import PNG, pdf, zip_bytes

LIMITS = ZipLimits(max_expanded=1_000_000, max_ratio=100, max_entries=10)


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("账簿.PDF", pdf(), "application/pdf"),
        ("现场.png", PNG, "image/png"),
        ("笔录.txt", "现场笔录：企业负责人在场".encode(), "text/plain; charset=utf-8"),
        ("材料.zip", zip_bytes({"a.txt": b"a"}), "application/zip"),
    ],
)
def test_bytes_that_match_their_extension_are_accepted(filename: str, data: bytes, content_type: str) -> None:
    assert check_content(extension_of(filename), detect(data[:8192])) == content_type


@pytest.mark.parametrize(
    ("filename", "data"),
    [("账簿.pdf", PNG), ("照片.jpg", pdf()), ("说明.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 100), ("表.xlsx", pdf())],
)
def test_bytes_that_do_not_match_their_extension_are_refused_naming_what_they_are(filename: str, data: bytes) -> None:
    with pytest.raises(UnsupportedContent) as refused:
        check_content(extension_of(filename), detect(data))
    assert refused.value.code == "evidence.content_mismatch" and "不符" in refused.value.message


@pytest.mark.parametrize(
    ("filename", "code"),
    [
        ("a.exe", "evidence.type_not_allowed"),
        ("noext", "evidence.extension_missing"),
        ("../a.pdf", "evidence.filename_invalid"),
    ],
)
def test_file_names_are_checked_before_the_bytes(filename: str, code: str) -> None:
    with pytest.raises(Rejected) as refused:
        extension_of(filename)
    assert refused.value.code == code


def test_text_cut_inside_a_multibyte_character_at_the_end_of_the_head_is_still_text() -> None:
    text = ("检" * 3000).encode()
    assert detect(text[:8192]).kind == "text"  # 8192 is not a multiple of 3


def test_a_zip_is_judged_by_what_it_expands_to() -> None:
    check_zip([("a.txt", 1000, 50_000)], LIMITS)
    for entries in ([("a.txt", 100_000, 2_000_000)], [("a.txt", 1000, 200_000)], [(f"{n}", 1, 1) for n in range(11)]):
        with pytest.raises(Rejected):
            check_zip(entries, LIMITS)
    with pytest.raises(Rejected) as nested:
        check_zip([("inner.ZIP", 10, 10)], LIMITS)
    assert nested.value.code == "evidence.zip_nested"


def test_zip_entries_are_read_from_the_stored_version_by_ranges() -> None:
    store = InMemoryEvidenceStore()
    data = zip_bytes({"a.txt": b"a" * 1000, "b/c.txt": b"c"})
    stored = store.put("k", io.BytesIO(data), len(data), "application/zip", {})
    assert [(n, u) for n, _, u in zip_entries(store, "k", stored.version_id, stored.size)] == [
        ("a.txt", 1000),
        ("b/c.txt", 1),
    ]
    broken = store.put("j", io.BytesIO(b"PK\x03\x04broken"), 10, "application/zip", {})
    with pytest.raises(Rejected) as refused:
        zip_entries(store, "j", broken.version_id, broken.size)
    assert refused.value.code == "evidence.zip_invalid"


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_the_streaming_digest_equals_the_digest_of_the_whole(algorithm: str) -> None:
    data = bytes(range(256)) * 4000
    reader = HashingReader(data[:8192], io.BytesIO(data[8192:]), algorithm, limit=len(data))
    out = b""
    while chunk := reader.read(7777):
        out += chunk
    assert out == data and reader.size == len(data)
    assert reader.hexdigest == digest_of(algorithm, data) == hashlib.new(algorithm, data).hexdigest()


def test_reading_past_the_limit_raises_too_large_during_the_read() -> None:
    reader = HashingReader(b"x" * 10, io.BytesIO(b"y" * 100), "sha256", limit=50)
    with pytest.raises(TooLarge):
        reader.read(-1)


def test_declared_checksums_and_algorithms_are_checked() -> None:
    assert check_declared("AB" * 32) == "ab" * 32 and check_declared(None) is None
    with pytest.raises(Rejected):
        check_declared("xyz")
    with pytest.raises(Rejected) as unknown:
        new_hash("md5")
    assert unknown.value.code == "evidence.algorithm_unknown"


def test_a_rehash_tells_an_altered_version_from_a_missing_one() -> None:
    from evidence.service_layer.integrity import Filed, rehash

    store = InMemoryEvidenceStore()
    data = pdf(5000)
    stored = store.put("evidence/k", io.BytesIO(data), len(data), "application/pdf", {})
    item = Filed("evidence", "e1", "evidence/k", stored.version_id, "sha256", hashlib.sha256(data).hexdigest())
    assert rehash(store, item) == ("ok", item.digest)
    store.tamper("evidence/k", stored.version_id)
    status, actual = rehash(store, item)
    assert status == "mismatch" and actual != item.digest
    assert rehash(store, Filed("evidence", "e2", "evidence/k", "gone", "sha256", item.digest)) == ("missing", None)


def test_stored_bytes_are_answered_as_a_download_never_sniffed_typed_from_the_checked_kind() -> None:
    from types import SimpleNamespace

    from evidence.views import file_response

    row = SimpleNamespace(
        filename='现场 "照片";.png',
        algorithm="sha256",
        digest="ab" * 32,
        version_id="v1",
        size=3,
        content_type="image/png",
    )
    answer = file_response(row, iter([b"abc"]))
    assert answer.headers["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%22%E7%85%A7%E7%89%87%22%3B.png"
    )
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Type"] == "image/png"
    assert "sandbox" in answer.headers["Content-Security-Policy"]
