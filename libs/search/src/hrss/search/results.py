"""Typed answers read from Elasticsearch responses: a page of hits with highlights, facets and an opaque cursor to
the next page (the last hit's sort values), and suggestions."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hrss.search.errors import SearchInputError


@dataclass(frozen=True)
class Hit:
    """One public record found: its fields, its score (None when sorted by date) and highlighted fragments."""

    record_id: str
    score: float | None
    source: Mapping[str, Any]
    highlights: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Bucket:
    """One value of a facet and how many records hold it."""

    key: str
    count: int


@dataclass(frozen=True)
class Page:
    """One page of results; next_cursor is None on the last page; took is Elasticsearch's own time (ms).

    total is exact when total_is_exact, else a lower bound (say "more than"). The facet counts are exact when
    facets_are_exact, else estimates from a sample, rounded to two significant digits (say "about"; a value held
    by very few of the matches may be missing from the list)."""

    total: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, tuple[Bucket, ...]] = field(default_factory=dict)
    next_cursor: str | None = None
    took: int = 0
    total_is_exact: bool = True
    facets_are_exact: bool = True


@dataclass(frozen=True)
class EntitySuggestion:
    name: str
    uscc: str


@dataclass(frozen=True)
class Suggestions:
    """What to offer while a person types: entity names and checklist item names."""

    entities: tuple[EntitySuggestion, ...] = ()
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """A query worth trying when one found nothing, and how many records it finds (computed, never canned).

    kind: without_filters, synonym or fewer_words; total is a lower bound beyond 10,000 (TOTAL_EXACT_UP_TO)."""

    kind: str
    words: str
    filters: Mapping[str, Any]
    total: int


def read_page(response: Mapping[str, Any], size: int, order: str) -> Page:
    """The typed page of a search response built by public_query or entity_query in that order."""
    raw_hits = response["hits"]["hits"]
    hits = tuple(
        Hit(
            record_id=str(hit["_id"]),
            score=hit.get("_score"),
            source=hit.get("_source", {}),
            highlights={name.removesuffix(".cjk"): tuple(parts) for name, parts in hit.get("highlight", {}).items()},
        )
        for hit in raw_hits
    )
    facets = {
        name: tuple(Bucket(str(b.get("key_as_string", b["key"])), int(b["doc_count"])) for b in agg["buckets"])
        for name, agg in response.get("aggregations", {}).items()
        if "buckets" in agg
    }
    cursor = encode_cursor(order, raw_hits[-1]["sort"]) if size and len(raw_hits) == size else None
    total = response["hits"]["total"]
    return Page(int(total["value"]), hits, facets, cursor, int(response.get("took", 0)), total["relation"] == "eq")


def estimated(aggregations: Mapping[str, Any]) -> dict[str, Any]:
    """Terms aggregations whose counts are estimates (a sample's, scaled to the whole): each count rounded to two
    significant digits, so that no figure claims a precision the sample does not have; buckets of 0 dropped."""
    rounded: dict[str, Any] = {}
    for name, agg in aggregations.items():
        if not isinstance(agg, Mapping) or "buckets" not in agg:
            continue
        buckets = [{**b, "doc_count": significant(int(b["doc_count"]))} for b in agg["buckets"]]
        rounded[name] = {**agg, "buckets": [b for b in buckets if b["doc_count"] > 0]}
    return rounded


def significant(count: int, digits: int = 2) -> int:
    """count rounded to `digits` significant digits (12,345 -> 12,000; 87 -> 87)."""
    if count <= 0:
        return 0
    step = 10 ** max(0, len(str(count)) - digits)
    return int(round(count / step) * step)


def encode_cursor(order: str, sort_values: Sequence[Any]) -> str:
    """An opaque, URL-safe token for search_after: the order and the last hit's sort values."""
    payload = json.dumps([order, *sort_values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> list[Any]:
    """The sort values a cursor of this order carries; a token that is not one of ours (or of another order) is
    refused with search.cursor_invalid."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise SearchInputError("search.cursor_invalid", "翻页参数无效，请从第一页重新开始") from error
    if (
        not isinstance(values, list)
        or len(values) < 2
        or values[0] != order
        or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values[1:])
    ):
        raise SearchInputError("search.cursor_invalid", "翻页参数无效，请从第一页重新开始")
    return values[1:]
