"""Query builders: words against the Chinese fields (segmented words with synonyms, bigrams for recall, bigram
phrases for closeness), public filters, facets (the region tree by code prefix), highlights, sorting with a stable
tiebreaker for search_after, the entity page, and the archive visibility filter. Pure functions: bodies only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from hrss.search.errors import SearchInputError

USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.IGNORECASE)
REGION_CODE = re.compile(r"^\d{6}$")
SENTENCE = 10  # characters from which words are read as a sentence
# a withdrawn public record keeps its document, at the withdrawing version (external versions refuse older ones), as
# kind "withdrawn" with no searchable field: no public query finds it
NOT_WITHDRAWN = {"term": {"kind": "withdrawn"}}
# The bigram clause (recall where smartcn splits differently) leaves out inspecting_body: every body's name shares
# 人力资源和社会保障, so its bigrams matched nearly every record for any query holding 社会, 保障 or 人力 (scored, never
# skipped); the body is still matched by words and phrase. Phrases are exact runs of bigrams (slop 0): Lucene skips
# blocks of records for an exact phrase, not for a sloppy one. Neither changed the judged set (docs/search.md).
RECALL_FIELDS = ("entity_name", "items", "text")
RECALL_MSM = "2<40%"
PHRASE_SLOP = 0

# (field, boost) of the word fields; each has a .cjk bigram subfield
WORD_FIELDS = (("entity_name", 4.0), ("items", 2.0), ("inspecting_body", 1.5), ("text", 1.0))

# facet name -> keyword field; "region" is the region tree (node_path holds the codes province → owning node)
FACETS = {
    "region": "node_path",
    "year": "year",
    "item": "items.raw",
    "line": "line",
    "result_category": "result_category",
    "inspecting_body": "inspecting_body.raw",
}

# Highlights come from the public text fields only: they are masked before indexing (what is indexed is public).
# The snippet of `text` merges the word field's matches (synonyms too) with the bigram subfield's (phrases, partial
# words); the short fields are highlighted on their bigram subfield alone, which marks whole typed runs and costs
# half as much as merging (docs/search.md). read_page() reports "<field>.cjk" under "<field>".
HIGHLIGHT_FIELDS: dict[str, dict[str, Any]] = {
    "text": {"matched_fields": ["text", "text.cjk"], "fragment_size": 80, "number_of_fragments": 2},
    "entity_name.cjk": {"number_of_fragments": 0},
    "items.cjk": {"number_of_fragments": 0},
    "inspecting_body.cjk": {"number_of_fragments": 0},
}

Sort = Literal["relevance", "newest", "oldest"]
# record_id is unique per document and the last key of every order: search_after never skips or repeats a tie
SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}, {"published_at": "desc"}, {"record_id": "asc"}],
    "newest": [{"published_at": "desc"}, {"record_id": "asc"}],
    "oldest": [{"published_at": "asc"}, {"record_id": "asc"}],
}
MAX_PAGE_SIZE = 100
TOTAL_EXACT_UP_TO = 10_000
# Facets are counted exactly up to FACETS_EXACT_UP_TO matches (the page's total when exact, else the sample's
# estimate of the matches); beyond, counting every match costs a broad query hundreds of milliseconds at 1,000,000
# records (docs/search.md), so the counts are estimated from a random sample of the index (random_sampler: each
# document in with probability FACET_SAMPLE, the same documents every time for one seed; 1,000 sampled matches or
# more at 0.02) and the page says so
FACETS_EXACT_UP_TO = 50_000
FACET_SAMPLE = 0.02
FACET_SAMPLE_SEED = 18

Filters = Mapping[str, str | int | list[str] | list[int]]


def words_query(words: str, fields: Iterable[tuple[str, float]] = WORD_FIELDS) -> dict[str, Any]:
    """Relevance for free words: smartcn words (with synonyms) or bigrams must match; bigram phrases score more."""
    fields = list(fields)
    recall = [f"{name}.cjk^{boost * 0.5}" for name, boost in fields if name in RECALL_FIELDS]
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
                "fields": recall,
                "minimum_should_match": RECALL_MSM,
            }
        },
        {
            "multi_match": {
                "query": words,
                "type": "phrase",
                "slop": PHRASE_SLOP,
                "fields": [f"{name}.cjk^{boost * 2}" for name, boost in fields],
            }
        },
    ]
    if not recall:  # an empty field list would mean every field to Elasticsearch
        should.pop(1)
    compact = words.strip()
    if len(compact) >= SENTENCE:
        # a question in a full sentence carries filler words (我们, 哪里, 怎么办) that no record holds: a third of
        # its words suffice, and BM25's IDF ranks the records holding its rare words first
        should.append(
            {
                "multi_match": {
                    "query": words,
                    "type": "most_fields",
                    "fields": [f"{name}^{boost * 0.5}" for name, boost in fields],
                    "minimum_should_match": "3<30%",
                }
            }
        )
    if USCC.match(compact):
        should.append({"term": {"uscc": {"value": compact, "boost": 20.0}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def public_query(
    words: str = "",
    *,
    filters: Filters | None = None,
    facets: bool = False,
    highlight: bool = False,
    sort: Sort = "relevance",
    after: Sequence[Any] | None = None,
    size: int = 10,
    exact_up_to: int = TOTAL_EXACT_UP_TO,
) -> dict[str, Any]:
    """A search body over public records: words, exact filters by facet name, facets, highlights, an order and
    the sort values of the last hit of the previous page (search_after); the total is exact up to exact_up_to."""
    if sort not in SORTS:
        raise SearchInputError("search.sort_invalid", f"排序方式应为：{'、'.join(SORTS)}")
    filters = filters or {}
    query: dict[str, Any] = {"bool": {"filter": filter_clauses(filters), "must_not": [NOT_WITHDRAWN]}}
    if words.strip():
        query["bool"]["must"] = [words_query(words)]
    elif sort == "relevance":
        sort = "newest"  # nothing to rank by: the newest first
    # counts are exact up to TOTAL_EXACT_UP_TO ("more than" beyond): an exact count of a broad query visits every
    # match, while a bounded one lets Lucene skip the records that cannot reach the first page
    body: dict[str, Any] = {
        "query": query,
        "size": _size(size),
        "sort": SORTS[sort],
        "track_total_hits": exact_up_to,
    }
    if after is not None:
        body["search_after"] = list(after)
    if facets:
        body["aggs"] = facet_aggregations(_region_parent(filters.get("region")))
    if highlight:
        body["highlight"] = highlight_spec(words)
    return body


def facet_query(words: str = "", *, filters: Filters | None = None, sample: float | None = None) -> dict[str, Any]:
    """The facet counts of a search as a request of their own: the same matches as public_query's in filter context
    (nothing scored or sorted) and size 0, which Elasticsearch's shard request cache keeps until the next refresh;
    the page's own request then holds no aggregations, so Lucene may skip records that cannot reach it.

    sample: count a random sample of the index instead (random_sampler with that probability, below 0.5, and a
    fixed seed), under the aggregation "sampled"; its buckets' counts are scaled to estimate the whole."""
    filters = filters or {}
    query = public_query(words, filters=filters, size=0)["query"]["bool"]
    aggs = facet_aggregations(_region_parent(filters.get("region")))
    if sample is not None:
        aggs = {"sampled": {"random_sampler": {"probability": sample, "seed": FACET_SAMPLE_SEED}, "aggs": aggs}}
    return {
        "query": {"bool": {"filter": [*query["filter"], *query.get("must", [])], "must_not": query["must_not"]}},
        "size": 0,
        "track_total_hits": False,  # the page's request counts
        "aggs": aggs,
    }


def entity_query(uscc: str, *, after: Sequence[Any] | None = None, size: int = 20) -> dict[str, Any]:
    """The entity page: every published result of one USCC, newest first."""
    if not USCC.match(uscc.strip()):
        raise SearchInputError("search.uscc_invalid", "统一社会信用代码格式不正确")
    body: dict[str, Any] = {
        "query": {"bool": {"filter": [{"term": {"uscc": uscc.strip()}}, {"term": {"kind": "result"}}]}},
        "size": _size(size),
        "sort": SORTS["newest"],
        "track_total_hits": True,
    }
    if after is not None:
        body["search_after"] = list(after)
    return body


def facet_aggregations(region_parent: str | None = None) -> dict[str, Any]:
    """Terms aggregations for every facet; the region facet lists the children of region_parent (or provinces)."""
    aggs: dict[str, Any] = {
        name: {"terms": {"field": field, "size": 50}} for name, field in FACETS.items() if name != "region"
    }
    aggs["region"] = {"terms": {"field": "node_path", "size": 100, "include": region_children(region_parent)}}
    return aggs


def region_children(parent: str | None) -> str:
    """A regex over 6-digit region codes (GB/T 2260) matching the children of parent: provinces under None,
    cities under a province (pp0000), counties under a city (pppp00); a county is a leaf: itself."""
    other = "([0-9][1-9]|[1-9]0)"  # two digits that are not 00
    if parent is None:
        return f"{other}0000"
    if not REGION_CODE.match(parent):
        raise SearchInputError("search.region_invalid", "行政区划代码应为6位数字")
    if parent.endswith("0000"):
        return f"{parent[:2]}{other}00"
    if parent.endswith("00"):
        return f"{parent[:4]}{other}"
    return parent


def highlight_spec(words: str = "") -> dict[str, Any]:
    """Unified highlighter over the public text fields, HTML-escaped, matches wrapped in <em>.

    Each field is highlighted with the words query over that field alone (words_query for one field): the same
    terms match there as in the whole query (the highlighter only marks a field's own terms), but the highlighter
    builds a query of a quarter of the size for every hit and field; that halved the highlighting's cost with the
    same fragments over the judged queries (docs/search.md)."""
    fields = {}
    for name, options in HIGHLIGHT_FIELDS.items():
        fields[name] = dict(options)
        if words.strip():
            fields[name]["highlight_query"] = words_query(words, [(name.removesuffix(".cjk"), 1.0)])
    return {
        "type": "unified",
        "encoder": "html",
        "pre_tags": ["<em>"],
        "post_tags": ["</em>"],
        "fields": fields,
    }


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    """Exact filters by facet name (several values of one facet: any of them)."""
    clauses: list[dict[str, Any]] = []
    for name, value in filters.items():
        if name not in FACETS:
            raise SearchInputError(f"search.filter_unknown.{name}", f"不支持的筛选条件：{name}")
        values = value if isinstance(value, list) else [value]
        if name == "region" and not all(REGION_CODE.match(str(v)) for v in values):
            raise SearchInputError("search.region_invalid", "行政区划代码应为6位数字")
        clauses.append({"terms": {FACETS[name]: values}})
    return clauses


def archive_filter(node_code: str, principals: Iterable[str]) -> list[dict[str, Any]]:
    """What a staff member may find among archives: their node's subtree, and only archives granted to them."""
    return [{"term": {"node_path": node_code}}, {"terms": {"grantees": sorted(set(principals))}}]


def _region_parent(value: Any) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if len(value) == 1 else None
    return None if value is None else str(value)


def _size(size: int) -> int:
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise SearchInputError("search.size_invalid", f"每页条数应在0到{MAX_PAGE_SIZE}之间")
    return size
