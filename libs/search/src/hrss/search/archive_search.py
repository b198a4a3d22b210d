"""The staff archive index: one document per archive at its latest filed version (metadata and the extracted text of
its documents, scanned pages through OCR), written with the archive version as external version, and the search
over it with the caller's access inside the query: the caller's node subtree (their own teams' visits only, for
an inspector with no wider role) or an archive version an access grant in force names. Never filtered after the
query, so no hit, total or highlight carries an archive the caller may not see. docs/search.md, "Archive search"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hrss.search.errors import SearchInputError
from hrss.search.index import ElasticsearchIndex
from hrss.search.queries import MAX_PAGE_SIZE, TOTAL_EXACT_UP_TO, words_query
from hrss.search.results import decode_cursor, encode_cursor
from hrss.search.templates import KEYWORD, IndexSpec, chinese_text

ARCHIVE_SEARCH_PROPERTIES: dict[str, Any] = {
    "archive_id": KEYWORD,
    "archive_version": {"type": "integer"},  # the latest filed version, also the document's external version
    "visit_id": KEYWORD,
    "result_id": KEYWORD,
    "node_code": KEYWORD,  # the node that filed the archive (the inspecting node)
    "node_path": KEYWORD,  # region codes province → node: a term selects a subtree
    "region_code": KEYWORD,  # the entity's region
    "team": KEYWORD,  # registry inspector ids of the visit's team (an inspector with no wider role sees these)
    "uscc": {"type": "keyword", "normalizer": "folded"},
    "entity_name": chinese_text(keyword=True),
    "task_ids": KEYWORD,
    "items": chinese_text(keyword=True),
    "item_ids": KEYWORD,
    "result_category": KEYWORD,
    "document_names": chinese_text(keyword=True),
    "text": chinese_text(),  # the result's findings, then each document's text under its name
    "extraction": KEYWORD,  # per document: ok, partial, failed, unsupported
    "documents": {"type": "object", "enabled": False},  # per document: id, name, method, status, failures
    "filed_at": {"type": "date"},
    "version_at": {"type": "date"},
}
ARCHIVE_SEARCH = IndexSpec("archive-search", ARCHIVE_SEARCH_PROPERTIES)

ARCHIVE_WORD_FIELDS = (("entity_name", 4.0), ("document_names", 2.0), ("items", 2.0), ("text", 1.0))
ARCHIVE_HIGHLIGHT: dict[str, Any] = {
    "type": "unified",
    "encoder": "html",
    "pre_tags": ["<em>"],
    "post_tags": ["</em>"],
    "fields": {
        "text": {"matched_fields": ["text", "text.cjk"], "fragment_size": 100, "number_of_fragments": 3},
        "entity_name.cjk": {"number_of_fragments": 0},
        "document_names.cjk": {"number_of_fragments": 0},
        "items.cjk": {"number_of_fragments": 0},
    },
}
ORDER = "archives"
SORT: list[dict[str, Any]] = [{"_score": "desc"}, {"version_at": "desc"}, {"archive_id": "asc"}]
SOURCE = [
    "archive_id", "archive_version", "node_code", "uscc", "entity_name", "items", "task_ids", "result_category",
    "document_names", "extraction", "filed_at", "version_at",
]  # fmt: skip


@dataclass(frozen=True)
class ArchiveAccess:
    """What one caller may find: archives filed in `subtree` (a node code; None: no node scope), of visits of
    `team_member` only when set (an inspector with no wider role), and the archive versions of their grants in
    force (archive id → versions), looked up by the caller when they ask."""

    subtree: str | None
    team_member: str | None = None
    grants: Mapping[str, Sequence[int]] = field(default_factory=dict)

    def clause(self) -> dict[str, Any]:
        """The filter clause: subtree (and team) OR one of the granted archive versions; matches nothing when the
        caller has neither."""
        should: list[dict[str, Any]] = []
        if self.subtree is not None:
            scope: list[dict[str, Any]] = [{"term": {"node_path": self.subtree}}]
            if self.team_member is not None:
                scope.append({"term": {"team": self.team_member}})
            should.append({"bool": {"filter": scope}})
        for archive_id, versions in sorted(self.grants.items()):
            granted = [{"term": {"archive_id": archive_id}}, {"terms": {"archive_version": sorted(set(versions))}}]
            should.append({"bool": {"filter": granted}})
        if not should:
            return {"bool": {"must_not": [{"match_all": {}}]}}
        return {"bool": {"should": should, "minimum_should_match": 1}}


def archive_query(
    words: str, access: ArchiveAccess, *, after: Sequence[Any] | None = None, size: int = 10
) -> dict[str, Any]:
    """A search body over the archive index: the words (smartcn words with synonyms, bigrams, bigram phrases), the
    caller's access as a filter, highlights, and the sort values of the previous page's last hit."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise SearchInputError("search.size_invalid", f"每页条数应在1到{MAX_PAGE_SIZE}之间")
    if not words.strip():
        raise SearchInputError("search.words_missing", "请输入要查找的词语（q）")
    body: dict[str, Any] = {
        "query": {"bool": {"must": [words_query(words, ARCHIVE_WORD_FIELDS)], "filter": [access.clause()]}},
        "size": size,
        "sort": SORT,
        "track_total_hits": TOTAL_EXACT_UP_TO,
        "highlight": ARCHIVE_HIGHLIGHT,
        "_source": SOURCE,
    }
    if after is not None:
        body["search_after"] = list(after)
    return body


@dataclass(frozen=True)
class ArchiveHit:
    """One archive found: its metadata at the indexed version and the highlighted snippets per field."""

    archive_id: str
    version: int
    score: float | None
    source: dict[str, Any]
    highlights: dict[str, list[str]]


@dataclass(frozen=True)
class ArchivePage:
    total: int
    total_is_exact: bool
    hits: list[ArchiveHit]
    next_cursor: str | None
    took_ms: int


class ArchiveSearch:
    """Staff search over the archive index (the caller's access computed by the caller, put into the query)."""

    def __init__(self, index: ElasticsearchIndex) -> None:
        self.index = index

    def search(self, words: str, access: ArchiveAccess, *, cursor: str | None = None, size: int = 10) -> ArchivePage:
        """A page of archives the caller may see, best first; `cursor` is the previous page's `next_cursor`."""
        after = decode_cursor(cursor, ORDER) if cursor else None
        response = self.index.search(archive_query(words, access, after=after, size=size))
        raw = response["hits"]["hits"]
        hits = [
            ArchiveHit(
                str(h["_source"]["archive_id"]),
                int(h["_source"]["archive_version"]),
                h.get("_score"),
                dict(h["_source"]),
                {name.removesuffix(".cjk"): list(parts) for name, parts in (h.get("highlight") or {}).items()},
            )
            for h in raw
        ]
        following = encode_cursor(ORDER, raw[-1]["sort"]) if len(raw) == size else None
        total = response["hits"]["total"]
        return ArchivePage(int(total["value"]), total["relation"] == "eq", hits, following, int(response["took"]))
