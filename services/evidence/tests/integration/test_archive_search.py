"""The archive index on the real Elasticsearch (hrss-analysis): a filed archive with a scanned page is found by a
phrase of that page; the access filter inside the query (same county finds it, a sibling county does not, the city
above does, a grant holder finds the granted version, an expired grant or one for another version does not, and no
total or highlight counts what the caller may not see); an older version is stale; a rebuild gives the same
documents. The fake index is held to the same write semantics."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from evidence.adapters.search_index import ArchiveIndex
from evidence.domain.access import Grant
from evidence.domain.records import AccessRequest
from evidence.service_layer.commands import IndexArchive, SearchArchives
from evidence_fakes import FakeArchiveIndex
from evidence_office import KEEPER, NOW, SERVICE, Office
from evidence_testkit import COUNTY

from hrss.auth import Principal, Role
from hrss.testing.scans import scanned_page

pytestmark = pytest.mark.integration

PHRASE = "用人单位未按时足额支付劳动者工资"
SIBLING, CITY = "130104", "130100"


def keeper(node: str, name: str = "keeper") -> Principal:
    return Principal(f"{name}@{node}", "档案员", node, frozenset({Role.ARCHIVE_KEEPER}))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def page() -> bytes:
    return scanned_page(("劳动保障监察检查记录", "被检查单位：石家庄测试制造有限公司", f"检查发现：{PHRASE}"))


@pytest.fixture
def index(es_url: str) -> Iterator[ArchiveIndex]:
    index = ArchiveIndex(es_url, f"test-{uuid.uuid4().hex[:8]}")
    yield index
    index.index.delete_all()
    index.close()


@pytest.fixture
def office(index: ArchiveIndex, page: bytes) -> Office:
    office = Office()
    office.components.search = index
    office.call(KEEPER, office.upload(page, filename="检查记录扫描件.png"))
    return office


def filed(office: Office) -> str:
    archive_id = office.file()
    assert archive_id is not None
    assert office.call(SERVICE, IndexArchive(archive_id, 1)) is True
    return archive_id


def sibling_archive(index: ArchiveIndex, body: dict[str, Any]) -> str:
    """The same words in an archive of the sibling county (written straight to the index)."""
    other = {**body, "archive_id": str(uuid.uuid4()), "node_code": SIBLING, "node_path": ["130000", CITY, SIBLING]}
    index.write([other], refresh=True)
    return str(other["archive_id"])


def search(office: Office, who: Principal, words: str = PHRASE) -> dict[str, Any]:
    assert office.components.search is not None
    office.components.search.index.refresh()
    return office.call(who, SearchArchives(words))  # type: ignore[no-any-return]


def ids(answer: dict[str, Any]) -> set[str]:
    return {h["archive_id"] for h in answer["hits"]}


def grant(office: Office, archive_id: str, who: Principal, versions: tuple[int, ...], hours: int = 1) -> None:
    request = AccessRequest(str(uuid.uuid4()), archive_id, COUNTY, versions, "read", "复查", NOW, who.account_id, NOW)
    until = NOW + timedelta(hours=hours)
    office.repo.add_grant(Grant(str(uuid.uuid4()), archive_id, versions, "read", who.account_id, NOW, until), request)


def test_a_phrase_of_a_scanned_page_finds_the_archive_with_a_highlight(office: Office) -> None:
    archive_id = filed(office)
    answer = search(office, KEEPER)
    assert ids(answer) == {archive_id} and answer["total"] == 1
    [hit] = answer["hits"]
    assert hit["version"] == 1 and hit["document_names"] == ["检查记录扫描件.png"] and hit["extraction"] == ["ok"]
    assert any("<em>" in fragment for fragment in hit["highlights"]["text"])
    assert "用人单位" in "".join(hit["highlights"]["text"]).replace("<em>", "").replace("</em>", "")
    assert ids(search(office, KEEPER, "石家庄测试制造")) == {archive_id}  # by the entity's name
    assert search(office, KEEPER, "童工")["total"] == 0


def test_the_sibling_county_does_not_find_it_and_the_city_above_finds_both(office: Office) -> None:
    archive_id = filed(office)
    assert office.components.search is not None
    office.components.search.index.refresh()
    body = office.components.search.index.search({"query": {"term": {"archive_id": archive_id}}})
    theirs = sibling_archive(office.components.search, body["hits"]["hits"][0]["_source"])
    mine, sibling, city = search(office, KEEPER), search(office, keeper(SIBLING)), search(office, keeper(CITY))
    assert (ids(mine), mine["total"]) == ({archive_id}, 1)  # the total counts only what the caller may see
    assert (ids(sibling), sibling["total"]) == ({theirs}, 1)
    assert ids(city) == {archive_id, theirs}
    assert all(PHRASE not in str(h) or h["archive_id"] == theirs for h in sibling["hits"])


def test_a_grant_holder_finds_the_granted_version_and_an_expired_or_other_grant_does_not(office: Office) -> None:
    archive_id = filed(office)
    reader, other_version, expired = keeper(SIBLING, "reader"), keeper(SIBLING, "second"), keeper(SIBLING, "late")
    grant(office, archive_id, reader, (1,))
    grant(office, archive_id, other_version, (2,))  # a grant for a version the index does not hold
    grant(office, archive_id, expired, (1,), hours=-1)
    assert archive_id in ids(search(office, reader))
    assert archive_id not in ids(search(office, other_version))
    assert archive_id not in ids(search(office, expired))


def test_an_older_version_arriving_late_is_stale_and_a_rebuild_gives_the_same_documents(office: Office) -> None:
    archive_id = filed(office)
    office.file(version=2)
    assert office.call(SERVICE, IndexArchive(archive_id, 2)) is True
    assert office.call(SERVICE, IndexArchive(archive_id, 1)) is False
    index = office.components.search
    assert isinstance(index, ArchiveIndex)
    before = index.client.get(index=index.index.alias, id=archive_id)
    assert before["_version"] == 2 and before["_source"]["archive_version"] == 2
    generation = index.index.current_generation()
    from evidence.service_layer import indexing
    from evidence.service_layer.context import Context

    from hrss.testing.fakes import FakeUnitOfWork

    ctx = Context(FakeUnitOfWork(service="evidence", nodes=("130000",)), office.components, SERVICE, "trace")
    rebuilt = indexing.rebuild(ctx)
    assert rebuilt != generation and index.index.current_generation() == rebuilt
    after = index.client.get(index=index.index.alias, id=archive_id)
    assert (after["_version"], after["_source"]) == (2, before["_source"])
    assert len(office.repo.document_texts) == 1  # the rebuild read the kept text, no second OCR
    assert ids(search(office, KEEPER)) == {archive_id}


@pytest.mark.parametrize("kind", ["fake", "elasticsearch"])
def test_the_fake_and_the_real_index_reject_the_same_stale_writes(kind: str, es_url: str) -> None:
    index: FakeArchiveIndex | ArchiveIndex = (
        FakeArchiveIndex() if kind == "fake" else ArchiveIndex(es_url, f"test-{uuid.uuid4().hex[:8]}")
    )
    body = {"archive_id": str(uuid.uuid4()), "archive_version": 2, "text": "工资", "node_path": ["130000"]}
    try:
        first = index.write([body])
        again = index.write([body, replace_version(body, 1)])
        newer = index.write([replace_version(body, 3)])
        assert (first.applied, first.stale, again.applied, again.stale, newer.applied) == (1, 0, 0, 2, 1)
    finally:
        if isinstance(index, ArchiveIndex):
            index.index.delete_all()
            index.close()


def replace_version(body: dict[str, Any], version: int) -> dict[str, Any]:
    return {**body, "archive_version": version}


def test_pages_follow_each_other_by_cursor_and_a_foreign_cursor_is_refused(office: Office) -> None:
    archive_id = filed(office)
    index = office.components.search
    assert isinstance(index, ArchiveIndex)
    index.index.refresh()
    body = index.index.search({"query": {"term": {"archive_id": archive_id}}})["hits"]["hits"][0]["_source"]
    # four more archives of the county with the same words and the same score: ties broken by archive id
    index.write([{**body, "archive_id": str(uuid.uuid4())} for _ in range(4)], refresh=True)
    first = office.call(KEEPER, SearchArchives(PHRASE, size=2))
    second = office.call(KEEPER, SearchArchives(PHRASE, first["next_cursor"], size=2))
    third = office.call(KEEPER, SearchArchives(PHRASE, second["next_cursor"], size=2))
    pages = [ids(first), ids(second), ids(third)]
    assert first["total"] == 5 and [len(p) for p in pages] == [2, 2, 1] and len(set().union(*pages)) == 5
    assert third["next_cursor"] is None
    refused = office.refusal(KEEPER, SearchArchives(PHRASE, "bm90IG91cnM"))
    assert refused == "search.cursor_invalid"
