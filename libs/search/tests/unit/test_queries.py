"""The pure builders of public search: region tree facets, orders and cursors, suggestions, "no results" candidates."""

from __future__ import annotations

import re

import pytest

from hrss.search import SearchInputError, facet_aggregations, public_query, region_children
from hrss.search.queries import FACET_SAMPLE_SEED, facet_query, words_query
from hrss.search.results import decode_cursor, encode_cursor, estimated, significant
from hrss.search.suggest import candidates, item_suggestion_body, lucene_regex


@pytest.mark.parametrize(
    ("parent", "children", "not_children"),
    [
        (None, ["130000", "110000", "650000"], ["000000", "130100", "130102"]),
        ("130000", ["130100", "131000", "139900"], ["130000", "130102", "140100"]),
        ("130100", ["130102", "130110", "130199"], ["130100", "130200", "130000"]),
        ("130102", ["130102"], ["130100", "130103"]),
    ],
)
def test_the_region_facet_lists_the_children_of_a_node_by_code_prefix(
    parent: str | None, children: list[str], not_children: list[str]
) -> None:
    pattern = re.compile(region_children(parent))  # Lucene's syntax here is a subset of Python's
    assert all(pattern.fullmatch(code) for code in children)
    assert not any(pattern.fullmatch(code) for code in not_children)


def test_a_region_that_is_not_six_digits_is_refused_with_a_code() -> None:
    with pytest.raises(SearchInputError) as refused:
        public_query("", filters={"region": "1301"})
    assert refused.value.code == "search.region_invalid"


def test_one_selected_region_makes_the_facet_list_its_children() -> None:
    body = public_query("社保", filters={"region": "130100"}, facets=True)
    assert body["aggs"]["region"] == facet_aggregations("130100")["region"]
    assert body["aggs"]["region"]["terms"]["include"] == region_children("130100")


def test_every_order_ends_with_the_record_id_so_search_after_is_stable() -> None:
    for sort in ("relevance", "newest", "oldest"):
        assert public_query("社保", sort=sort)["sort"][-1] == {"record_id": "asc"}  # type: ignore[arg-type]
    assert public_query("", sort="relevance")["sort"][0] == {"published_at": "desc"}  # no words: newest first


def test_a_cursor_round_trips_for_its_order_only() -> None:
    cursor = encode_cursor("newest", [1735689600000, "r001"])
    assert decode_cursor(cursor, "newest") == [1735689600000, "r001"]
    for bad, order in ((cursor, "oldest"), ("%%%", "newest"), (encode_cursor("newest", []), "newest")):
        with pytest.raises(SearchInputError, match=r"search\.cursor_invalid"):
            decode_cursor(bad, order)


def test_a_page_size_beyond_the_limit_or_an_unknown_order_is_refused() -> None:
    with pytest.raises(SearchInputError, match=r"search\.size_invalid"):
        public_query("社保", size=1000)
    with pytest.raises(SearchInputError, match=r"search\.sort_invalid"):
        public_query("社保", sort="cheapest")  # type: ignore[arg-type]


def test_highlights_come_from_the_public_text_fields_only_and_are_html_escaped() -> None:
    spec = public_query("社保", highlight=True)["highlight"]
    assert {name.removesuffix(".cjk") for name in spec["fields"]} == {"text", "entity_name", "items", "inspecting_body"}
    assert spec["fields"]["text"]["matched_fields"] == ["text", "text.cjk"]  # words matched by a synonym too
    assert spec["encoder"] == "html"


def test_typed_text_is_a_literal_in_the_item_regex() -> None:
    assert lucene_regex("a.b(c)") == "a\\.b\\(c\\)"
    assert item_suggestion_body("工资.*")["aggs"]["items"]["terms"]["include"] == ".*工资\\.\\*.*"


def test_candidates_drop_the_filters_then_swap_synonyms_then_drop_words() -> None:
    rules = ["欠薪, 拖欠工资, 欠付工资"]
    found = candidates("长安区欠薪童工", {"year": 2024}, ["长安区", "欠薪", "童工"], rules)
    assert [(c.kind, c.words, dict(c.filters)) for c in found[:3]] == [
        ("without_filters", "长安区欠薪童工", {}),
        ("synonym", "长安区拖欠工资童工", {"year": 2024}),
        ("synonym", "长安区欠付工资童工", {"year": 2024}),
    ]
    fewer = [c.words for c in found if c.kind == "fewer_words"]
    assert fewer == ["欠薪 童工", "长安区 童工", "长安区 欠薪", "长安区", "欠薪", "童工"]


def test_one_word_without_filters_or_synonyms_has_no_candidates() -> None:
    assert candidates("童工", {}, ["童工"], ["欠薪, 拖欠工资"]) == []


def test_a_long_question_also_matches_on_a_third_of_its_words() -> None:
    def loose(words: str) -> list[str]:
        should = public_query(words)["query"]["bool"]["must"][0]["bool"]["should"]
        return [
            c["multi_match"]["minimum_should_match"] for c in should if c["multi_match"].get("type") == "most_fields"
        ]

    assert loose("老板拖欠我们三个月工资不发去哪里投诉") == ["3<30%"]
    assert loose("拖欠工资") == []


def test_the_facets_are_counted_over_the_same_matches_in_filter_context_without_scores_or_hits() -> None:
    page = public_query("拖欠工资", filters={"year": 2024, "region": "130100"})
    counts = facet_query("拖欠工资", filters={"year": 2024, "region": "130100"})
    assert counts["query"]["bool"]["filter"] == [*page["query"]["bool"]["filter"], *page["query"]["bool"]["must"]]
    assert counts["query"]["bool"]["must_not"] == page["query"]["bool"]["must_not"]  # withdrawn left out there too
    assert counts["size"] == 0 and "sort" not in counts  # size 0: the shard request cache keeps it
    assert counts["aggs"] == facet_aggregations("130100")
    assert "must" not in facet_query("", filters={"year": 2024})["query"]["bool"]  # no words: the filters alone


def test_a_sampled_facet_request_counts_the_same_matches_in_a_random_sample_with_a_fixed_seed() -> None:
    exact = facet_query("拖欠工资", filters={"region": "130100"})
    sampled = facet_query("拖欠工资", filters={"region": "130100"}, sample=0.02)
    assert sampled["query"] == exact["query"] and sampled["size"] == 0
    sampler = sampled["aggs"]["sampled"]
    assert sampler["random_sampler"] == {"probability": 0.02, "seed": FACET_SAMPLE_SEED}  # the same sample each time
    assert sampler["aggs"] == exact["aggs"] == facet_aggregations("130100")


def test_estimated_counts_keep_two_significant_digits_and_drop_empty_values() -> None:
    assert [significant(n) for n in (0, 7, 87, 149, 12_345, 987_654)] == [0, 7, 87, 150, 12_000, 990_000]
    answer = {
        "doc_count": 340,  # the sampler's own bucket: not a facet
        "year": {"buckets": [{"key": 2024, "doc_count": 12_345}, {"key": 2023, "doc_count": 0}]},
    }
    assert estimated(answer) == {"year": {"buckets": [{"key": 2024, "doc_count": 12_000}]}}


def test_the_total_is_counted_exactly_up_to_the_bound_given() -> None:
    assert public_query("社保")["track_total_hits"] == 10_000
    assert public_query("社保", exact_up_to=10)["track_total_hits"] == 10


def test_each_field_is_highlighted_with_the_words_query_over_that_field_alone() -> None:
    fields = public_query("拖欠工资", highlight=True)["highlight"]["fields"]
    assert fields["text"]["highlight_query"] == words_query("拖欠工资", [("text", 1.0)])
    assert fields["entity_name.cjk"]["highlight_query"] == words_query("拖欠工资", [("entity_name", 1.0)])
    body = fields["inspecting_body.cjk"]["highlight_query"]["bool"]["should"]
    # inspecting_body has no bigram clause (RECALL_FIELDS): no multi_match with an empty field list (= every field)
    assert all(clause["multi_match"]["fields"] for clause in body if "multi_match" in clause)
    assert "highlight_query" not in public_query("", highlight=True)["highlight"]["fields"]["text"]
