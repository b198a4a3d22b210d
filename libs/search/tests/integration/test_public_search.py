"""The features of public search against the local Elasticsearch (with hrss-analysis): ranking, highlights,
facets over the region tree, filters, date order, search_after pages, suggestions, "no results" help and the
entity page."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from hrss.search import PUBLIC_RECORDS, ElasticsearchIndex, PublicSearch, SearchInputError, VersionedDocument
from hrss.search.results import significant

pytestmark = pytest.mark.integration

HUAJIAN = ("石家庄华建建筑工程有限公司", "91130102MA0A1B2C3X")
HENGTONG = ("唐山恒通物流有限公司", "91130202MA0B2C3D4Y")
DISTRICTS = {"130102": "130100", "130104": "130100", "130202": "130200"}


def doc(n: int, entity: tuple[str, str], text: str, district: str, year: int, **extra: Any) -> VersionedDocument:
    body = {
        "record_id": f"r{n:03d}",
        "kind": "result",
        "entity_name": entity[0],
        "uscc": entity[1],
        "text": text,
        "node_path": ["130000", DISTRICTS[district], district],
        "node_code": district,
        "year": year,
        "items": ["工资支付情况检查"],
        "line": "labour_inspection",
        "result_category": "发现问题已责令改正",
        "inspecting_body": "长安区劳动保障监察大队",
        "published_at": f"{year}-{(n % 12) + 1:02d}-{(n % 27) + 1:02d}",
        **extra,
    }
    return VersionedDocument(body["record_id"], 1, body)


def documents() -> list[VersionedDocument]:
    docs = [
        doc(1, HUAJIAN, "经检查发现，该单位拖欠12名职工工资共计12000元，<已责令>限期改正。", "130102", 2024),
        doc(2, HUAJIAN, "经检查，未发现问题。", "130102", 2025, result_category="未发现问题"),
        doc(3, HUAJIAN, "未依法为职工缴纳社会保险费。", "130102", 2023, items=["养老保险稽核"]),
        doc(4, HENGTONG, "经检查发现，该单位欠付劳动者工资8000元。", "130202", 2024),
        doc(5, HENGTONG, "使用2名未满十六周岁的童工。", "130202", 2025, items=["劳务派遣业务和派遣用工情况监督检查"]),
        doc(6, ("保定华建商贸有限公司", "91130602MA0C3D4E5Z"), "用工合同条款不全。", "130104", 2024),
        doc(7, ("华建劳务派遣有限公司", "91130104MA0D4E5F6W"), "劳务派遣用工超比例。", "130104", 2025),
        # the same entity announced in a task: on the public index, not on the entity's page of results
        doc(8, HUAJIAN, "抽查任务公示。", "130102", 2025, kind="task"),
    ]
    # thirty results that tie on every score: pages must still be stable
    docs += [
        doc(
            100 + i,
            (f"石家庄企业{i:02d}有限公司", f"9113010{i % 10}MA0E{i:04d}0X"),
            "经检查，未发现问题。",
            "130104",
            year=2023,
        )
        for i in range(30)
    ]
    return docs


@pytest.fixture(scope="module")
def search(es_url: str) -> Iterator[PublicSearch]:
    client = Elasticsearch(es_url, request_timeout=60)
    index = ElasticsearchIndex(client, PUBLIC_RECORDS, f"test-{uuid.uuid4().hex[:8]}")
    index.start()
    index.write_many(documents())
    index.refresh()
    yield PublicSearch(index)
    index.delete_all()


def ids(page: Any) -> list[str]:
    return [hit.record_id for hit in page.hits]


def test_the_entity_named_ranks_above_records_that_only_share_its_words(search: PublicSearch) -> None:
    page = search.search("华建建筑工程", facets=False)
    assert set(ids(page)[:4]) == {"r001", "r002", "r003", "r008"}


def test_a_uscc_in_lower_case_finds_that_entity_first(search: PublicSearch) -> None:
    assert search.search(HENGTONG[1].lower()).hits[0].source["entity_name"] == HENGTONG[0]


def test_highlights_mark_the_words_in_the_public_text_fields_and_escape_html(search: PublicSearch) -> None:
    hit = search.search("拖欠工资").hits[0]
    assert hit.record_id == "r001"
    assert set(hit.highlights) <= {"text", "entity_name", "items", "inspecting_body"}
    snippet = "".join(hit.highlights["text"])
    assert "<em>" in snippet and "&lt;已责令&gt;" in snippet and "<已责令>" not in snippet


def test_a_partial_name_is_highlighted_through_the_bigram_subfield(search: PublicSearch) -> None:
    hit = search.search("华建商贸").hits[0]
    assert hit.record_id == "r006"
    assert "<em>" in hit.highlights["entity_name"][0]


def test_the_region_facet_walks_the_tree_one_level_at_a_time(search: PublicSearch) -> None:
    def region(filters: dict[str, Any]) -> dict[str, int]:
        return {b.key: b.count for b in search.search("", filters=filters).facets["region"]}

    assert region({}) == {"130000": 38}
    assert region({"region": "130000"}) == {"130100": 36, "130200": 2}
    assert region({"region": "130100"}) == {"130102": 4, "130104": 32}
    assert region({"region": "130104"}) == {"130104": 32}


def test_facets_count_years_items_categories_and_bodies_within_the_filters(search: PublicSearch) -> None:
    facets = search.search("", filters={"region": "130200"}).facets
    assert {b.key: b.count for b in facets["year"]} == {"2024": 1, "2025": 1}
    assert {b.key for b in facets["item"]} == {"工资支付情况检查", "劳务派遣业务和派遣用工情况监督检查"}
    assert [(b.key, b.count) for b in facets["result_category"]] == [("发现问题已责令改正", 2)]
    assert [b.key for b in facets["inspecting_body"]] == ["长安区劳动保障监察大队"]
    assert [b.key for b in facets["line"]] == ["labour_inspection"]


def test_facets_beyond_the_exact_count_are_estimated_from_a_sample_and_say_so(search: PublicSearch) -> None:
    exact = search.search("", filters={"region": "130100"})
    assert exact.facets_are_exact and exact.total_is_exact and exact.total == 36
    # the same index counted exactly up to 10 matches only: 36 is beyond, so the counts are a sample's estimates
    bounded = PublicSearch(search.index, exact_up_to=10, facet_sample=0.4, facets_exact_up_to=10)
    broad = bounded.search("", filters={"region": "130100"})
    assert not broad.total_is_exact and not broad.facets_are_exact
    assert broad.total == 10  # a lower bound: "more than 10"
    counts = {b.key: b.count for b in broad.facets["region"]}
    assert counts and set(counts) <= {b.key for b in exact.facets["region"]}  # values the matches hold
    scaled = {significant(round(k / 0.4)) for k in range(1, 37)}  # k sampled matches stand for k / 0.4
    assert set(counts.values()) <= scaled
    narrow = bounded.search("童工")
    assert narrow.facets_are_exact and narrow.total == 1
    assert {b.key: b.count for b in narrow.facets["region"]} == {"130000": 1}


def test_facets_are_counted_exactly_when_the_sample_finds_few_matches_though_the_total_is_bounded(
    search: PublicSearch,
) -> None:
    exact = search.search("", filters={"region": "130100"})
    # the total stops at 10, but the sample estimates far fewer matches than 50,000: counting them is cheap
    page = PublicSearch(search.index, exact_up_to=10, facet_sample=0.4).search("", filters={"region": "130100"})
    assert not page.total_is_exact and page.facets_are_exact
    assert page.facets == exact.facets


def test_filters_keep_only_matching_records(search: PublicSearch) -> None:
    page = search.search("工资", filters={"year": 2024, "region": ["130202", "130102"]}, facets=False)
    assert sorted(ids(page)) == ["r001", "r004"]
    with pytest.raises(SearchInputError) as refused:
        search.search("工资", filters={"colour": "red"})
    assert refused.value.code == "search.filter_unknown.colour"


def test_sorting_by_date_gives_the_newest_or_the_oldest_first(search: PublicSearch) -> None:
    newest = [h.source["published_at"] for h in search.search("", sort="newest", size=50).hits]
    oldest = [h.source["published_at"] for h in search.search("", sort="oldest", size=50).hits]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest) and len(newest) == 38


@pytest.mark.parametrize(("words", "order"), [("未发现问题", "relevance"), ("", "newest"), ("", "oldest")])
def test_search_after_pages_through_ties_without_skipping_or_repeating(
    search: PublicSearch, words: str, order: Any
) -> None:
    whole = ids(search.search(words, sort=order, size=100, facets=False))
    seen: list[str] = []
    cursor = None
    while True:
        page = search.search(words, sort=order, cursor=cursor, size=4, facets=False, highlight=False)
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == whole and len(set(seen)) == len(seen) and len(seen) >= 30


def test_a_cursor_of_another_order_or_not_ours_is_refused(search: PublicSearch) -> None:
    cursor = search.search("", sort="newest", size=2).next_cursor
    assert cursor is not None
    for bad in (cursor + "x", "bm90LWpzb24", cursor):
        with pytest.raises(SearchInputError) as refused:
            search.search("", sort="oldest", cursor=bad)
        assert refused.value.code == "search.cursor_invalid"


def test_suggestions_offer_names_containing_the_typed_characters_those_starting_with_them_first(
    search: PublicSearch,
) -> None:
    suggestions = search.suggest("华建")
    names = [s.name for s in suggestions.entities]
    assert names[0] == "华建劳务派遣有限公司"
    assert set(names) == {HUAJIAN[0], "保定华建商贸有限公司", "华建劳务派遣有限公司"}
    assert search.suggest("劳务派遣").items == ("劳务派遣业务和派遣用工情况监督检查",)
    assert search.suggest("工资").items == ("工资支付情况检查",)
    assert search.suggest("  ") == type(suggestions)()


def test_no_results_help_offers_the_words_without_the_filters_first(search: PublicSearch) -> None:
    assert search.search("童工", filters={"year": 2023}).total == 0
    help_ = search.no_results_help("童工", {"year": 2023})
    assert (help_[0].kind, help_[0].words, dict(help_[0].filters), help_[0].total) == ("without_filters", "童工", {}, 1)


def test_no_results_help_offers_fewer_words_with_what_each_really_finds(search: PublicSearch) -> None:
    words = "童工火箭卫星飞船"  # one of four words is found, never together
    assert search.search(words).total == 0
    help_ = search.no_results_help(words)
    assert {a.kind for a in help_} == {"fewer_words"}
    assert ("童工", 1) in [(a.words, a.total) for a in help_]
    for alternative in help_:
        assert search.search(alternative.words, filters=alternative.filters).total == alternative.total > 0


def test_no_results_help_is_empty_when_nothing_near_finds_anything(search: PublicSearch) -> None:
    assert search.no_results_help("火箭发射") == ()


def test_the_entity_page_lists_every_result_of_the_uscc_newest_first(search: PublicSearch) -> None:
    page = search.entity_page(HUAJIAN[1].lower())
    assert ids(page) == ["r002", "r001", "r003"]  # 2025, 2024, 2023; the task announcement is not a result
    assert page.total == 3 and page.next_cursor is None
    first = search.entity_page(HUAJIAN[1], size=2)
    assert ids(first) == ["r002", "r001"]
    assert ids(search.entity_page(HUAJIAN[1], size=2, cursor=first.next_cursor)) == ["r003"]
    with pytest.raises(SearchInputError):
        search.entity_page("not-a-uscc")
