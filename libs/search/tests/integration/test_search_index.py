"""Chinese analysis, external versions and alias swaps against the local Elasticsearch (with hrss-analysis)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from hrss.search import ARCHIVES, PUBLIC_RECORDS, ElasticsearchIndex, VersionedDocument, archive_filter, public_query

pytestmark = pytest.mark.integration

DOCS = {
    "wages": ("石家庄华建建筑工程有限公司", "经检查发现，该单位拖欠工资共计12000元，已责令限期改正。"),
    "insurance": ("唐山恒通物流有限公司", "经检查发现，该单位未依法为12名职工缴纳社会保险费。"),
    "apart": ("保定瑞丰纺织有限公司", "该单位缴纳了部分费用，社会各界关注其保险安排。"),
    "clean": ("保定嘉禾商贸有限公司", "经检查，未发现问题。"),
}


def body(record_id: str, entity: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "record_id": record_id,
        "entity_name": entity,
        "text": text,
        "node_path": ["130000", "130100", "130102"],
        "year": 2025,
        "items": ["工资支付情况检查"],
        "published_at": "2025-03-01",
        **extra,
    }


@pytest.fixture
def client(es_url: str) -> Elasticsearch:
    return Elasticsearch(es_url, request_timeout=60)


@pytest.fixture
def index(client: Elasticsearch) -> Iterator[ElasticsearchIndex]:
    index = ElasticsearchIndex(client, PUBLIC_RECORDS, prefix=f"test-{uuid.uuid4().hex[:8]}")
    index.start()
    index.write_many(VersionedDocument(key, 1, body(key, *value)) for key, value in DOCS.items())
    index.refresh()
    yield index
    index.delete_all()


def found(index: ElasticsearchIndex, query: dict[str, Any]) -> list[str]:
    return [hit["_id"] for hit in index.search(query)["hits"]["hits"]]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("拖欠工资", "wages"),  # segmented words
        ("欠薪", "wages"),  # a synonym of 拖欠工资
        ("拖欠工資", "wages"),  # traditional characters
        ("社保", "insurance"),  # a synonym of 社会保险(费)
        ("华建建筑", "wages"),  # part of a company name
        ("ＨＵＡ 社會保險費", "insurance"),  # full-width letters and traditional characters together
    ],
)
def test_chinese_words_find_their_result_first(index: ElasticsearchIndex, words: str, expected: str) -> None:
    assert found(index, public_query(words))[:1] == [expected]


def test_a_phrase_matches_adjacent_characters_only(index: ElasticsearchIndex) -> None:
    phrase = {"query": {"match_phrase": {"text.cjk": "缴纳社会保险费"}}}
    assert found(index, phrase) == ["insurance"]
    assert "apart" in found(index, {"query": {"match": {"text.cjk": "缴纳社会保险费"}}})


def test_words_found_nowhere_find_nothing(index: ElasticsearchIndex) -> None:
    assert found(index, public_query("童工")) == []


def test_a_stale_version_is_rejected_and_the_newer_document_stays(index: ElasticsearchIndex) -> None:
    assert index.write(VersionedDocument("wages", 3, body("wages", "石家庄华建建筑工程有限公司", "已整改完毕。")))
    assert not index.write(VersionedDocument("wages", 2, body("wages", "过期", "过期的版本。")), refresh=True)
    outcome = index.write_many(
        [
            VersionedDocument("wages", 3, body("wages", "重放", "同一版本重放。")),
            VersionedDocument("clean", 2, body("clean", "保定嘉禾商贸有限公司", "复查未发现问题。")),
        ]
    )
    assert (outcome.applied, outcome.stale, outcome.stale_ids) == (1, 1, ["wages"])
    document = index.client.get(index=index.alias, id="wages")
    assert (document["_version"], document["_source"]["text"]) == (3, "已整改完毕。")


def test_start_again_keeps_the_generation_and_its_documents(index: ElasticsearchIndex) -> None:
    generation = index.current_generation()
    index.start()
    assert index.current_generation() == generation
    assert index.client.count(index=index.alias)["count"] == len(DOCS)


def test_queries_keep_answering_while_a_rebuild_swaps_the_alias(index: ElasticsearchIndex) -> None:
    old = index.current_generation()
    answers: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                answers.append(index.search(public_query("拖欠工资"))["hits"]["total"]["value"])
            except BaseException as error:  # every failure counts against the swap
                errors.append(error)

    documents = [VersionedDocument(key, 1, body(key, *value)) for key, value in DOCS.items()]
    documents += [
        VersionedDocument(f"more-{i}", 1, body(f"more-{i}", f"企业{i}", "经检查，未发现问题。")) for i in range(5000)
    ]
    between: list[int] = []  # asked between the rebuild's chunks, whatever the machine's load: not left to timing
    intervals: list[str] = []  # the generation being filled refreshes never

    def source() -> Iterator[VersionedDocument]:
        for n, document in enumerate(documents):
            if n % 500 == 0:
                between.append(index.search(public_query("拖欠工资"))["hits"]["total"]["value"])
            if n == 1000:
                building = index.client.indices.get_settings(index=f"{index.alias}-*")
                intervals.extend(
                    s["settings"]["index"].get("refresh_interval", "") for name, s in building.items() if name != old
                )
            yield document

    asker = threading.Thread(target=ask)  # and one asking all along, across the swap itself
    asker.start()
    try:
        new = index.rebuild(source(), chunk_size=500)
    finally:
        stop.set()
        asker.join()
    assert errors == []
    assert len(between) >= 10 and all(total >= 1 for total in between + answers)
    assert new != old and index.current_generation() == new
    assert not index.client.indices.exists(index=old)
    assert index.client.count(index=index.alias)["count"] == len(DOCS) + 5000
    assert intervals == ["-1"]
    swapped = index.client.indices.get_settings(index=new)[new]["settings"]["index"]
    assert "refresh_interval" not in swapped  # the template's (default) interval again once swapped in


def test_archives_are_found_in_the_callers_subtree_with_a_grant_only(client: Elasticsearch) -> None:
    archives = ElasticsearchIndex(client, ARCHIVES, prefix=f"test-{uuid.uuid4().hex[:8]}")
    archives.start()
    try:
        scanned = "劳动保障监察询问笔录：被询问人称公司拖欠工资三个月。"
        archives.write_many(
            [
                VersionedDocument("a-130102", 1, body("a-130102", "甲公司", scanned, grantees=["user:county-a"])),
                VersionedDocument(
                    "a-130104",
                    1,
                    body(
                        "a-130104",
                        "乙公司",
                        scanned,
                        grantees=["user:county-b"],
                        node_path=["130000", "130100", "130104"],
                    ),
                ),
            ]
        )
        archives.refresh()

        def visible(node: str, principals: list[str]) -> list[str]:
            query = {
                "bool": {
                    "must": [{"match_phrase": {"text.cjk": "拖欠工资三个月"}}],
                    "filter": archive_filter(node, principals),
                }
            }
            return sorted(found(archives, {"query": query}))

        assert visible("130102", ["user:county-a"]) == ["a-130102"]
        assert visible("130104", ["user:county-a"]) == []  # a sibling county's staff
        assert visible("130100", ["user:county-a", "user:county-b"]) == ["a-130102", "a-130104"]
    finally:
        archives.delete_all()


def test_processes_starting_at_once_on_an_empty_cluster_share_one_first_generation(client: Elasticsearch) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    starters = [
        ElasticsearchIndex(Elasticsearch(client.transport.node_pool.get().base_url), PUBLIC_RECORDS, prefix=prefix)
        for _ in range(6)
    ]
    failures: list[BaseException] = []
    gate = threading.Barrier(len(starters))

    def start(index: ElasticsearchIndex) -> None:
        gate.wait()
        try:
            index.start()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=start, args=(s,)) for s in starters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert not failures
        generations = client.indices.get_alias(name=starters[0].alias)
        assert len(generations) == 1  # one index behind the alias: writes have a write index
        assert starters[0].write(VersionedDocument("r-1", 1, body("r-1", "甲公司", "拖欠工资")), refresh=True)
    finally:
        starters[0].delete_all()
