"""The thin search calls over the public-records index, each returning a typed answer (results.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hrss.search.analysis import load_synonyms
from hrss.search.index import ElasticsearchIndex
from hrss.search.queries import (
    FACET_SAMPLE,
    FACETS_EXACT_UP_TO,
    TOTAL_EXACT_UP_TO,
    Filters,
    Sort,
    entity_query,
    facet_query,
    public_query,
)
from hrss.search.results import (
    Alternative,
    EntitySuggestion,
    Page,
    Suggestions,
    decode_cursor,
    estimated,
    read_page,
)
from hrss.search.suggest import candidates, count_body, entity_suggestion_body, item_suggestion_body

ORDER = {"without_filters": 0, "synonym": 1, "fewer_words": 2}


class PublicSearch:
    """Anonymous search over published records: pages, the entity page, suggestions and "no results" help."""

    def __init__(
        self,
        index: ElasticsearchIndex,
        synonym_rules: list[str] | None = None,
        *,
        request_cache: bool = True,
        exact_up_to: int = TOTAL_EXACT_UP_TO,
        facet_sample: float | None = FACET_SAMPLE,
        facets_exact_up_to: int = FACETS_EXACT_UP_TO,
    ) -> None:
        self.index = index
        self._synonyms = load_synonyms() if synonym_rules is None else synonym_rules
        # Elasticsearch's shard request cache for pages too (it keeps only size-0 answers unless asked): a repeated
        # search is answered from it until the next refresh that changed the index; highlights are made anew
        self.request_cache = request_cache
        # the total is counted exactly up to exact_up_to matches (a lower bound beyond), the facets up to
        # facets_exact_up_to (estimated beyond: each document of the index is in their sample with probability
        # facet_sample; None: facets always counted exactly, every match, in the page's round trip)
        self.exact_up_to = exact_up_to
        self.facet_sample = facet_sample
        self.facets_exact_up_to = facets_exact_up_to

    def search(
        self,
        words: str = "",
        *,
        filters: Filters | None = None,
        sort: Sort = "relevance",
        cursor: str | None = None,
        facets: bool = True,
        highlight: bool = True,
        size: int = 10,
    ) -> Page:
        """One page of results; pass the previous page's next_cursor (same words, filters and order) for the next."""
        body = public_query(
            words, filters=filters, highlight=highlight, sort=sort, size=size, exact_up_to=self.exact_up_to
        )
        order = sort if words.strip() or sort != "relevance" else "newest"  # public_query's order without words
        if cursor is not None:
            body["search_after"] = decode_cursor(cursor, order)
        if not facets:
            return read_page(self._search(body), size, order)
        # the facets in a request of their own (facet_query), sent with the page's in one round trip: estimated from
        # a sample of the index, which is what a broad search shows; when the matches are few (the page's exact
        # total, else the sample's estimate, at most facets_exact_up_to) they are cheap to count, so a second
        # request counts them exactly
        if self.facet_sample is None:
            page, counted = self._msearch([body, facet_query(words, filters=filters)])
            page["aggregations"] = counted.get("aggregations", {})
            page["took"] = max(int(page.get("took", 0)), int(counted.get("took", 0)))
            return read_page(page, size, order)
        page, sampled = self._msearch([body, facet_query(words, filters=filters, sample=self.facet_sample)])
        took = max(int(page.get("took", 0)), int(sampled.get("took", 0)))
        matches = sampled.get("aggregations", {}).get("sampled", {}).get("doc_count", 0) / self.facet_sample
        facets_are_exact = page["hits"]["total"]["relation"] == "eq" or matches <= self.facets_exact_up_to
        if facets_are_exact:
            counted = self._search(facet_query(words, filters=filters))
            page["aggregations"] = counted.get("aggregations", {})
            took += int(counted.get("took", 0))
        else:
            page["aggregations"] = estimated(sampled.get("aggregations", {}).get("sampled", {}))
        page["took"] = took
        return replace(read_page(page, size, order), facets_are_exact=facets_are_exact)

    def entity_page(self, uscc: str, *, cursor: str | None = None, size: int = 20) -> Page:
        """Every published result of one entity, newest first."""
        body = entity_query(uscc, size=size)
        if cursor is not None:
            body["search_after"] = decode_cursor(cursor, "entity")
        return read_page(self.index.search(body), size, "entity")

    def suggest(self, prefix: str, size: int = 8) -> Suggestions:
        """Entity and item names for what has been typed so far."""
        if not prefix.strip():
            return Suggestions()
        entities, items = self._msearch([entity_suggestion_body(prefix, size), item_suggestion_body(prefix, size)])
        return Suggestions(
            entities=tuple(
                EntitySuggestion(hit["_source"]["entity_name"], hit["_source"].get("uscc", ""))
                for hit in entities["hits"]["hits"]
            ),
            items=tuple(bucket["key"] for bucket in items["aggregations"]["items"]["buckets"]),
        )

    def no_results_help(self, words: str, filters: Filters | None = None, limit: int = 5) -> tuple[Alternative, ...]:
        """Queries near this one that do find records, with their counts: the words without the filters, a
        synonym, fewer words. Empty when nothing near finds anything."""
        tokens = self._tokens(words) if words.strip() else []
        tried = candidates(words, filters or {}, tokens, self._synonyms)
        if not tried:
            return ()
        answers = self._msearch([count_body(c) for c in tried])
        found = [
            Alternative(c.kind, c.words, c.filters, int(a["hits"]["total"]["value"]))
            for c, a in zip(tried, answers, strict=True)
            if a["hits"]["total"]["value"] > 0
        ]
        found.sort(key=lambda a: (ORDER[a.kind], -len(a.words) if a.kind == "fewer_words" else 0, -a.total))
        return tuple(found[:limit])

    def _tokens(self, words: str) -> list[str]:
        answer = self.index.client.indices.analyze(index=self.index.alias, analyzer="zh_index", text=words)
        return [token["token"] for token in answer["tokens"]]

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.index.client.search(index=self.index.alias, request_cache=self.request_cache, **body))

    def _msearch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        searches: list[dict[str, Any]] = []
        for body in bodies:
            searches += [{"index": self.index.alias, "request_cache": self.request_cache}, body]
        responses = self.index.client.msearch(searches=searches)["responses"]
        for response in responses:
            if "error" in response:
                raise RuntimeError(f"search: {response['error']}")
        return [dict(r) for r in responses]
