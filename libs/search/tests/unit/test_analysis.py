"""The synonym data, the analysis settings and the query builders, without a server."""

from __future__ import annotations

import pytest

from hrss.search import ARCHIVES, PUBLIC_RECORDS, archive_filter, load_synonyms, public_query


def test_domain_synonyms_have_at_least_fifteen_groups_of_two_or_more_terms() -> None:
    rules = load_synonyms()
    assert len(rules) >= 15
    assert "欠薪, 拖欠工资, 欠付工资, 拖欠农民工工资" in rules
    assert all(len(rule.split(", ")) >= 2 for rule in rules)


def test_a_synonym_line_with_one_term_is_refused() -> None:
    with pytest.raises(ValueError, match="two or more"):
        load_synonyms("社保\n")


def test_comments_and_blank_lines_are_not_rules() -> None:
    assert load_synonyms("# a comment\n\n社保,社会保险  # inline\n") == ["社保, 社会保险"]


def test_synonyms_are_in_the_search_analyzer_only() -> None:
    analysis = PUBLIC_RECORDS.template("x-*")["template"]["settings"]["analysis"]
    assert "hrss_synonyms" in analysis["analyzer"]["zh_search"]["filter"]
    assert "hrss_synonyms" not in analysis["analyzer"]["zh_index"]["filter"]


def test_archive_mapping_adds_grantees_to_the_public_fields() -> None:
    assert set(PUBLIC_RECORDS.properties) < set(ARCHIVES.properties)
    assert ARCHIVES.properties["grantees"] == {"type": "keyword"}


def test_an_unknown_filter_is_refused() -> None:
    with pytest.raises(ValueError, match=r"search\.filter_unknown\.colour"):
        public_query("社保", filters={"colour": "red"})


def test_a_uscc_typed_as_words_is_also_an_exact_term() -> None:
    should = public_query("91130102MA0A1B2C3D")["query"]["bool"]["must"][0]["bool"]["should"]
    assert {"term": {"uscc": {"value": "91130102MA0A1B2C3D", "boost": 20.0}}} in should


def test_archive_filter_needs_the_subtree_and_a_grant() -> None:
    assert archive_filter("130102", ["user:7", "grant:9", "user:7"]) == [
        {"term": {"node_path": "130102"}},
        {"terms": {"grantees": ["grant:9", "user:7"]}},
    ]
