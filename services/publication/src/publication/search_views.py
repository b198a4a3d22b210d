"""Public search over the public index (hrss.search's PublicSearch): words, facets as filters, highlights, a
search_after cursor, suggestions and "no results" help. Reads only; every answer built from masked documents."""

from __future__ import annotations

from typing import Any, cast

from hrss.contracts.masking import mask_value
from hrss.search import Page, PublicSearch, SearchInputError
from hrss.search.queries import Sort
from publication.domain.errors import invalid
from publication.views import check_int, check_node

SORTS = ("relevance", "newest", "oldest")
# query parameter -> PublicSearch facet name
FILTERS = {"node": "region", "year": "year", "item": "item", "category": "result_category", "body": "inspecting_body"}
SHOWN = ("kind", "record_id", "source_version", "node_code", "year", "entity_name", "uscc", "items",
         "result_category", "inspecting_body", "published_at")  # fmt: skip
PATHS = {
    "result": "/results/",
    "task": "/tasks/",
    "plan": "/plans/",
    "checklist": "/checklists/",
    "drawn_list": "/drawn-lists/",
}
MAX_WORDS = 200


def _field_of(code: str) -> str:
    """The query parameter a search.* code names."""
    if code.startswith("search.filter_unknown."):
        return code.rsplit(".", 1)[-1]
    return {"search.region_invalid": "node", "search.cursor_invalid": "cursor", "search.size_invalid": "size"}.get(
        code, "q"
    )


def _filters(args: Any) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    node = check_node(args.get("node"))
    if node:
        filters["region"] = node
    year = check_int(args.get("year"), "year", 2000, 2100, None)
    if year is not None:
        filters["year"] = year
    for name in ("item", "category", "body"):
        value = (args.get(name) or "").strip()
        if len(value) > MAX_WORDS:
            raise invalid(name, f"request.invalid_{name}", f"{name} 不能超过 {MAX_WORDS} 个字符")
        if value:
            filters[FILTERS[name]] = value
    return filters


def _words(args: Any) -> str:
    words = args.get("q") or ""
    if len(words) > MAX_WORDS:
        raise invalid("q", "request.invalid_q", f"检索词不能超过 {MAX_WORDS} 个字符")
    return words


def _page(page: Page) -> dict[str, Any]:
    return {
        "total": page.total,
        "total_is_exact": page.total_is_exact,
        "hits": [
            {
                **{k: hit.source[k] for k in SHOWN if k in hit.source},
                "path": PATHS.get(str(hit.source.get("kind")), "/") + str(hit.source.get("record_id")),
                "score": hit.score,
                "highlights": {name: list(parts) for name, parts in hit.highlights.items()},
            }
            for hit in page.hits
        ],
        "facets": {name: [{"key": b.key, "count": b.count} for b in buckets] for name, buckets in page.facets.items()},
        # false beyond 50,000 matches: the counts are estimates from a sample (show them as "约")
        "facets_are_exact": page.facets_are_exact,
        "next_cursor": page.next_cursor,
    }


def search(public: PublicSearch, args: Any) -> dict[str, Any]:
    """One page of public records for the words and filters; when nothing is found, nearby queries that find some."""
    words, filters = _words(args), _filters(args)
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise invalid("sort", "request.invalid_sort", "sort 应为 relevance、newest 或 oldest")
    size = check_int(args.get("size"), "size", 1, 50, 10) or 10
    try:
        page = public.search(
            words, filters=filters, sort=cast(Sort, sort), cursor=args.get("cursor") or None, size=size
        )
        answer = {"q": words, "filters": filters, "sort": sort, **_page(page)}
        if page.total == 0 and args.get("cursor") is None and (words.strip() or filters):
            answer["help"] = [
                {"kind": a.kind, "q": a.words, "filters": dict(a.filters), "total": a.total}
                for a in public.no_results_help(words, filters)
            ]
        return _masked(answer)
    except SearchInputError as bad:
        raise invalid(_field_of(bad.code), bad.code, bad.message) from None


def suggest(public: PublicSearch, args: Any) -> dict[str, Any]:
    """Entity and checklist item names for what has been typed so far."""
    typed = _words(args)
    found = public.suggest(typed)
    return _masked(
        {
            "q": typed,
            "entities": [{"name": e.name, "uscc": e.uscc} for e in found.entities],
            "items": list(found.items),
        }
    )


def _masked(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer masked once more: the documents were, but the caller's own words are echoed (an ID number typed
    into the search box is not answered back in clear either)."""
    masked = mask_value(answer)
    assert isinstance(masked, dict)
    return masked
