"""The analysis chain every Chinese text field uses, as index settings for the hrss-analysis plugin.

zh_index / zh_search: ICU NFKC case folding and traditional→simplified conversion before smartcn word
segmentation; the search side adds the domain synonyms (synonyms.txt) as a synonym graph.
cjk_index / cjk_search: the same normalisation, one token per Han character from the standard tokenizer, then
bigrams (the index also keeps unigrams, so a one-character query still matches); for recall on words the
segmenter splits differently (partial company names) and for phrase queries.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

CHAR_FILTERS = ["hrss_icu_normalizer", "hrss_t2s"]


def load_synonyms(text: str | None = None) -> list[str]:
    """The synonym groups of synonyms.txt (or of the given text): one Solr rule per group, comments dropped."""
    if text is None:
        text = resources.files("hrss.search").joinpath("synonyms.txt").read_text(encoding="utf-8")
    rules = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        terms = [term.strip() for term in line.split(",")]
        if len(terms) < 2 or any(not term for term in terms):
            raise ValueError(f"synonyms: a group needs two or more non-empty terms: {line!r}")
        rules.append(", ".join(terms))
    return rules


def analysis_settings(synonyms: list[str] | None = None) -> dict[str, Any]:
    """The index.analysis settings: analyzers zh_index, zh_search, cjk_index, cjk_search."""
    return {
        "filter": {
            "hrss_synonyms": {
                "type": "hrss_synonym_graph",
                "synonyms": load_synonyms() if synonyms is None else synonyms,
            },
            "hrss_bigrams_and_unigrams": {"type": "hrss_cjk_bigram", "output_unigrams": True},
            "hrss_bigrams": {"type": "hrss_cjk_bigram", "output_unigrams": False},
        },
        "analyzer": {
            "zh_index": {
                "type": "custom",
                "char_filter": CHAR_FILTERS,
                "tokenizer": "hrss_smartcn",
                "filter": ["hrss_smartcn_stop"],
            },
            "zh_search": {
                "type": "custom",
                "char_filter": CHAR_FILTERS,
                "tokenizer": "hrss_smartcn",
                "filter": ["hrss_smartcn_stop", "hrss_synonyms"],
            },
            "cjk_index": {
                "type": "custom",
                "char_filter": CHAR_FILTERS,
                "tokenizer": "standard",
                "filter": ["hrss_bigrams_and_unigrams"],
            },
            "cjk_search": {
                "type": "custom",
                "char_filter": CHAR_FILTERS,
                "tokenizer": "standard",
                "filter": ["hrss_bigrams"],
            },
        },
        "normalizer": {
            # keyword fields compared without case: a USCC typed in lower case
            "folded": {"type": "custom", "filter": ["lowercase"]},
        },
    }
