"""The archive search body: the caller's access is a filter inside the query (subtree, own team, grants in force),
never applied afterwards; a caller with neither scope nor grant matches nothing."""

from __future__ import annotations

import pytest

from hrss.search import SearchInputError
from hrss.search.archive_search import ArchiveAccess, archive_query


def access_filter(access: ArchiveAccess) -> dict:  # type: ignore[type-arg]
    body = archive_query("拖欠工资", access)
    return body["query"]["bool"]["filter"][0]  # type: ignore[no-any-return]


def test_a_reader_finds_their_subtree() -> None:
    assert access_filter(ArchiveAccess("130102")) == {
        "bool": {"should": [{"bool": {"filter": [{"term": {"node_path": "130102"}}]}}], "minimum_should_match": 1}
    }


def test_an_inspector_with_no_other_role_finds_only_their_teams_visits() -> None:
    scope = access_filter(ArchiveAccess("130102", team_member="insp-1"))["bool"]["should"][0]
    assert scope == {"bool": {"filter": [{"term": {"node_path": "130102"}}, {"term": {"team": "insp-1"}}]}}


def test_grants_add_exactly_the_granted_archive_versions() -> None:
    clause = access_filter(ArchiveAccess(None, grants={"a2": (2, 1, 1), "a1": (1,)}))
    assert clause["bool"]["should"] == [
        {"bool": {"filter": [{"term": {"archive_id": "a1"}}, {"terms": {"archive_version": [1]}}]}},
        {"bool": {"filter": [{"term": {"archive_id": "a2"}}, {"terms": {"archive_version": [1, 2]}}]}},
    ]


def test_no_scope_and_no_grant_matches_nothing() -> None:
    assert access_filter(ArchiveAccess(None)) == {"bool": {"must_not": [{"match_all": {}}]}}


def test_words_and_page_size_are_checked() -> None:
    with pytest.raises(SearchInputError) as missing:
        archive_query("  ", ArchiveAccess("130102"))
    with pytest.raises(SearchInputError) as size:
        archive_query("工资", ArchiveAccess("130102"), size=101)
    assert (missing.value.code, size.value.code) == ("search.words_missing", "search.size_invalid")


def test_highlights_and_search_after_are_asked_for() -> None:
    body = archive_query("工资", ArchiveAccess("130102"), after=[1.5, "2027-01-01", "a1"], size=5)
    assert body["search_after"] == [1.5, "2027-01-01", "a1"] and body["size"] == 5
    assert set(body["highlight"]["fields"]) == {"text", "entity_name.cjk", "document_names.cjk", "items.cjk"}
