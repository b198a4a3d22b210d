"""Query builders: words against the Chinese fields (segmented words with synonyms, bigrams for recall, bigram
phrases for closeness), public filters and facets, and the archive visibility filter."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.IGNORECASE)

# (field, boost) of the word fields; each has a .cjk bigram subfield
WORD_FIELDS = (("entity_name", 4.0), ("items", 2.0), ("inspecting_body", 1.5), ("text", 1.0))

# facet name -> keyword field (region tree: one terms aggregation over node_path, read level by level)
FACETS = {
    "region": "node_path",
    "year": "year",
    "item": "items.raw",
    "line": "line",
    "result_category": "result_category",
    "inspecting_body": "inspecting_body.raw",
}


def words_query(words: str, fields: Iterable[tuple[str, float]] = WORD_FIELDS) -> dict[str, Any]:
    """Relevance for free words: smartcn words (with synonyms) or bigrams must match; bigram phrases score more."""
    fields = list(fields)
    should: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": words,
                "type": "best_fields",
                "tie_breaker": 0.3,
                "fields": [f"{name}^{boost}" for name, boost in fields],
                "minimum_should_match": "3<60%",
            }
        },
        {
            "multi_match": {
                "query": words,
                "type": "best_fields",
                "tie_breaker": 0.3,
                "fields": [f"{name}.cjk^{boost * 0.5}" for name, boost in fields],
                "minimum_should_match": "2<40%",
            }
        },
        {
            "multi_match": {
                "query": words,
                "type": "phrase",
                "slop": 1,
                "fields": [f"{name}.cjk^{boost * 2}" for name, boost in fields],
            }
        },
    ]
    compact = words.strip()
    if USCC.match(compact):
        should.append({"term": {"uscc": {"value": compact, "boost": 20.0}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def public_query(
    words: str = "",
    *,
    filters: Mapping[str, str | int | list[str]] | None = None,
    facets: bool = False,
    highlight: bool = False,
    size: int = 10,
) -> dict[str, Any]:
    """A search body over public records: words, exact filters by facet name, optional facets and highlights."""
    query: dict[str, Any] = {"bool": {"filter": _filters(filters or {})}}
    if words.strip():
        query["bool"]["must"] = [words_query(words)]
    body: dict[str, Any] = {"query": query, "size": size}
    if facets:
        body["aggs"] = {name: {"terms": {"field": field, "size": 50}} for name, field in FACETS.items()}
    if highlight:
        body["highlight"] = {
            "fields": {"text": {"matched_fields": ["text", "text.cjk"], "type": "unified"}, "entity_name": {}},
            "pre_tags": ["<em>"],
            "post_tags": ["</em>"],
        }
    return body


def archive_filter(node_code: str, principals: Iterable[str]) -> list[dict[str, Any]]:
    """What a staff member may find among archives: their node's subtree, and only archives granted to them."""
    return [{"term": {"node_path": node_code}}, {"terms": {"grantees": sorted(set(principals))}}]


def _filters(filters: Mapping[str, str | int | list[str]]) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for name, value in filters.items():
        if name not in FACETS:
            raise ValueError(f"search: unknown filter {name!r} (one of {', '.join(FACETS)})")
        values = value if isinstance(value, list) else [value]
        clauses.append({"terms": {FACETS[name]: values}})
    return clauses
