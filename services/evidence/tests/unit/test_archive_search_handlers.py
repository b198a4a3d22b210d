"""The archive index and the staff search on fakes: a filed archive is indexed from our own event with the text of
its documents (a scanned page through OCR), each document extracted once and kept; an older version is stale; who
may find what is handed to the search as its access (subtree, own team, grants in force)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from evidence.domain.access import Grant
from evidence.domain.records import AccessRequest
from evidence.service_layer.commands import IndexArchive, SearchArchives
from evidence_fakes import FakeArchiveIndex
from evidence_office import INSPECTOR, KEEPER, NOW, SERVICE, Office
from evidence_testkit import COUNTY, INSPECTOR_1

from hrss.auth import Principal, Role
from hrss.contracts.events.evidence import ArchiveFiled, ArchiveVersionRef
from hrss.testing.scans import scanned_page

PHRASE = "用人单位未按时足额支付劳动者工资"
SIBLING = "130104"
STRANGER = Principal("keeper@130104", "档案员", SIBLING, frozenset({Role.ARCHIVE_KEEPER}))  # type: ignore[arg-type]
OTHER_INSPECTOR = Principal(
    "inspector2@130102", "检查员", COUNTY, frozenset({Role.INSPECTOR}), inspector_id=str(uuid.uuid4()),
    credential_no="c9",
)  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture(scope="module")
def page() -> bytes:
    return scanned_page(("劳动保障监察检查记录", f"检查发现：{PHRASE}"))


@pytest.fixture
def office(page: bytes) -> Office:
    office = Office()
    office.components.search = FakeArchiveIndex()
    office.call(INSPECTOR, office.upload(page, filename="检查记录扫描件.png"))
    return office


def index(office: Office) -> FakeArchiveIndex:
    assert isinstance(office.components.search, FakeArchiveIndex)
    return office.components.search


def filed_event(archive_id: str, version: int) -> ArchiveFiled:
    ref = ArchiveVersionRef(
        archive_id=uuid.UUID(archive_id), version=version, manifest_key="k", manifest_version_id="v",
        algorithm="sha256", manifest_digest="0" * 64, evidence_ids=[],
    )  # fmt: skip
    return ArchiveFiled(
        archive=ref, visit_id=uuid.uuid4(), result_id=uuid.uuid4(), node=COUNTY, uscc="91130102MA0000001X",
        filed_at=NOW,
    )  # type: ignore[arg-type]  # fmt: skip


def test_a_filed_archive_is_indexed_with_the_text_of_its_scanned_page(office: Office) -> None:
    archive_id = office.file()
    assert archive_id is not None
    assert office.call(SERVICE, filed_event(archive_id, 1), event_id=str(uuid.uuid4())) is True
    body = index(office).documents[archive_id]
    assert (body["archive_version"], body["node_path"], body["document_names"]) == (
        1,
        ["130000", "130100", COUNTY],
        ["检查记录扫描件.png"],
    )
    assert PHRASE in body["text"] and body["extraction"] == ["ok"]
    assert body["documents"][0]["method"] == "ocr" and INSPECTOR_1 in body["team"]
    [kept] = office.repo.document_texts.values()
    assert (kept.method, kept.status) == ("ocr", "ok") and PHRASE in kept.text


def test_each_document_is_extracted_once_and_an_older_version_is_stale(office: Office) -> None:
    archive_id = office.file()
    assert archive_id is not None
    office.file(version=2)
    assert office.call(SERVICE, IndexArchive(archive_id, 2)) is True
    assert office.call(SERVICE, IndexArchive(archive_id, 1)) is False  # arrived late: the index keeps version 2
    assert index(office).documents[archive_id]["archive_version"] == 2
    assert len(office.repo.document_texts) == 1  # the scan was read once, for both versions


def test_a_failed_ocr_is_recorded_and_the_archive_still_indexed(office: Office) -> None:
    from hrss.search.extract import Extractor, OcrSettings

    office.components.extractor = Extractor(OcrSettings(page_timeout=0.01))
    archive_id = office.file()
    assert archive_id is not None and office.call(SERVICE, IndexArchive(archive_id, 1)) is True
    body = index(office).documents[archive_id]
    assert body["extraction"] == ["failed"] and body["documents"][0]["failures"] == ["第1页：识别超时（0.01 秒）"]
    assert body["entity_name"] == "石家庄测试制造有限公司"  # found by its metadata still
    [kept] = office.repo.document_texts.values()
    assert (kept.status, kept.failures) == ("failed", ("第1页：识别超时（0.01 秒）",))


def test_the_search_is_given_the_callers_subtree_team_and_grants(office: Office) -> None:
    archive_id = office.file()
    assert archive_id is not None
    office.call(SERVICE, IndexArchive(archive_id, 1))
    found = office.call(KEEPER, SearchArchives(PHRASE))
    assert [h["archive_id"] for h in found["hits"]] == [archive_id]
    assert office.call(INSPECTOR, SearchArchives(PHRASE))["total"] == 1  # on the visit's team
    assert office.call(OTHER_INSPECTOR, SearchArchives(PHRASE))["total"] == 0  # not on it
    assert office.call(STRANGER, SearchArchives(PHRASE))["total"] == 0  # a sibling county
    asked = [access for _, access in index(office).search.asked]
    assert [(a.subtree, a.team_member, dict(a.grants)) for a in asked] == [
        (COUNTY, None, {}),
        (COUNTY, INSPECTOR_1, {}),
        (COUNTY, OTHER_INSPECTOR.inspector_id, {}),
        (SIBLING, None, {}),
    ]


def test_a_grant_in_force_lets_its_holder_find_the_granted_version_only(office: Office) -> None:
    archive_id = office.file()
    assert archive_id is not None
    office.call(SERVICE, IndexArchive(archive_id, 1))
    request = AccessRequest(str(uuid.uuid4()), archive_id, COUNTY, (1,), "read", "复查", NOW, STRANGER.account_id, NOW)
    office.repo.add_grant(
        Grant(str(uuid.uuid4()), archive_id, (1,), "read", STRANGER.account_id, NOW, NOW + timedelta(hours=1)), request
    )
    assert office.call(STRANGER, SearchArchives(PHRASE))["total"] == 1
    assert index(office).search.asked[-1][1].grants == {archive_id: (1,)}
    office.components.clock = lambda: NOW + timedelta(hours=2)  # the grant has expired
    assert office.call(STRANGER, SearchArchives(PHRASE))["total"] == 0


def test_a_caller_with_no_reading_role_and_no_grant_is_refused() -> None:
    office = Office()
    office.components.search = FakeArchiveIndex()
    planner = Principal("planner@130102", "计划员", COUNTY, frozenset({Role.PLANNER}))  # type: ignore[arg-type]
    assert office.refusal(planner, SearchArchives("工资")).startswith("access.")


def test_without_an_index_the_search_is_unavailable() -> None:
    assert Office().refusal(KEEPER, SearchArchives("工资")) == "search.unavailable"


def test_another_deployments_archive_event_is_skipped(office: Office) -> None:
    """evidence.archive_filed is one topic for every evidence deployment: a federated county's archive is not
    ours (not in our schema), and a node outside what we serve is not either; neither is an error."""
    elsewhere = filed_event(str(uuid.uuid4()), 1)
    assert office.call(SERVICE, elsewhere, event_id=str(uuid.uuid4())) is False
    other_province = elsewhere.model_copy(update={"node": "330102"})
    assert office.call(SERVICE, other_province, event_id=str(uuid.uuid4())) is False
    assert index(office).documents == {}
