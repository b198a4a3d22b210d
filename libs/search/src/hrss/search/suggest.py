"""Suggestions as you type and "no results" help, as pure builders.

The integ-test Elasticsearch has no edge n-gram tokenizer (no analysis-common), and Chinese names are not typed
from their start (华建 for 石家庄华建建筑工程有限公司), so a suggestion is a phrase on the .cjk bigram subfield (the
typed characters, adjacent, anywhere in the name) plus a prefix on the exact name, which ranks names that start
with them first. Entity names are collapsed to one hit per name; item names come from a terms aggregation
restricted to the values containing the typed text.

"No results" help is computed: candidate queries (the words without the filters, a synonym in place of a term,
fewer words) that the caller counts, offering only those that find something."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hrss.search.queries import Filters, public_query

MAX_PREFIX = 40
LUCENE_REGEX_SPECIAL = set('.?+*|{}[]()"\\#@&<>~^$')


def entity_suggestion_body(prefix: str, size: int = 8) -> dict[str, Any]:
    """Entity names containing the typed characters (names starting with them first), one hit per name."""
    typed = prefix.strip()[:MAX_PREFIX]
    return {
        "query": {
            "bool": {
                "should": [
                    {"match_phrase": {"entity_name.cjk": {"query": typed}}},
                    {"prefix": {"entity_name.raw": {"value": typed, "boost": 3.0}}},
                    {"term": {"uscc": {"value": typed, "boost": 5.0}}},
                ],
                "minimum_should_match": 1,
            }
        },
        "collapse": {"field": "entity_name.raw"},
        "sort": [{"_score": "desc"}, {"entity_name.raw": "asc"}],
        "_source": ["entity_name", "uscc"],
        "size": size,
    }


def item_suggestion_body(prefix: str, size: int = 8) -> dict[str, Any]:
    """Checklist item names containing the typed text, most used first."""
    typed = prefix.strip()[:MAX_PREFIX]
    return {
        "query": {"match_phrase": {"items.cjk": {"query": typed}}},
        "size": 0,
        "aggs": {"items": {"terms": {"field": "items.raw", "size": size, "include": f".*{lucene_regex(typed)}.*"}}},
    }


def lucene_regex(text: str) -> str:
    """text as a literal inside a Lucene regular expression."""
    return "".join(f"\\{c}" if c in LUCENE_REGEX_SPECIAL else c for c in text)


@dataclass(frozen=True)
class Candidate:
    """A query to try instead of one that found nothing."""

    kind: str  # without_filters, synonym, fewer_words
    words: str
    filters: Mapping[str, Any]


def candidates(words: str, filters: Filters, tokens: Sequence[str], synonym_rules: Sequence[str]) -> list[Candidate]:
    """What to try, in the order to offer it: the words without the filters, each synonym in place of a term the
    words contain, then fewer words (each word left out; with three or more, each word alone). tokens are the
    words as the index segments them (zh_index)."""
    words = words.strip()
    found: list[Candidate] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, text: str, kept: Mapping[str, Any]) -> None:
        key = (text, repr(sorted(kept.items())))
        if text and key not in seen and (text, repr(sorted(filters.items()))) != (words, repr(sorted(kept.items()))):
            seen.add(key)
            found.append(Candidate(kind, text, dict(kept)))

    if filters and words:
        add("without_filters", words, {})
    for rule in synonym_rules:
        group = [term.strip() for term in rule.split(",")]
        for term in sorted(group, key=len, reverse=True):
            if term in words:
                for other in group:
                    if other != term and other not in words:
                        add("synonym", words.replace(term, other), filters)
                break
    unique = list(dict.fromkeys(t for t in tokens if t.strip()))
    if len(unique) >= 2:
        for i in range(len(unique)):
            add("fewer_words", " ".join(unique[:i] + unique[i + 1 :]), filters)
    if len(unique) >= 3:
        for token in unique:
            if len(token) >= 2:
                add("fewer_words", token, filters)
    return found


def count_body(candidate: Candidate) -> dict[str, Any]:
    """A body that only counts what a candidate finds."""
    body = public_query(candidate.words, filters=candidate.filters, size=0)
    body.pop("sort", None)
    return body
