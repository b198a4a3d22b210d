"""Index templates: the mappings of public records and of archive documents, one template per alias."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hrss.search.analysis import analysis_settings


def chinese_text(*, keyword: bool = False, facet: bool = False) -> dict[str, Any]:
    """A text field segmented by smartcn, with a bigram subfield (.cjk) and optionally the exact value (.raw, a facet's
    field if facet)."""
    # offsets in the postings: the highlighter reads them instead of running smartcn again over every hit
    fields: dict[str, Any] = {
        "cjk": {"type": "text", "analyzer": "cjk_index", "search_analyzer": "cjk_search", "index_options": "offsets"}
    }
    if keyword:
        fields["raw"] = {"type": "keyword", "ignore_above": 256, **({"eager_global_ordinals": True} if facet else {})}
    return {
        "type": "text",
        "analyzer": "zh_index",
        "search_analyzer": "zh_search",
        "index_options": "offsets",
        "fields": fields,
    }


KEYWORD = {"type": "keyword"}
# the fields facets count: their global ordinals are built when a refresh opens new segments, not by the first
# faceted search after it
FACET_KEYWORD = {"type": "keyword", "eager_global_ordinals": True}

# Fields every published record and archive document shares.
COMMON_PROPERTIES: dict[str, Any] = {
    "record_id": KEYWORD,
    "source_version": {"type": "long"},
    "kind": KEYWORD,  # result, task, plan, drawn_list (public); archive document kinds (archives)
    # region codes from the province down to the node that owns the record: a term on any of them selects
    # that node's subtree, and a terms aggregation per level gives the region-tree facet
    "node_path": FACET_KEYWORD,
    "node_code": KEYWORD,
    "year": {"type": "short"},
    "items": chinese_text(keyword=True, facet=True),
    "item_codes": KEYWORD,
    "line": FACET_KEYWORD,
    "result_category": FACET_KEYWORD,
    "inspecting_body": chinese_text(keyword=True, facet=True),
    "entity_name": chinese_text(keyword=True),
    "uscc": {"type": "keyword", "normalizer": "folded"},
    "text": chinese_text(),
    "published_at": {"type": "date"},
}

ARCHIVE_PROPERTIES: dict[str, Any] = {
    **COMMON_PROPERTIES,
    "archive_id": KEYWORD,
    "archive_version": {"type": "integer"},
    "document_name": chinese_text(keyword=True),
    "document_kind": KEYWORD,  # pdf, docx, scan (OCR text)
    "filed_at": {"type": "date"},
    # who may read the text beyond the subtree rule: principals of the archive access grants in force
    # ("grant:<id>", "user:<id>"); archive_filter() requires one of the caller's
    "grantees": KEYWORD,
}


@dataclass(frozen=True)
class IndexSpec:
    """One searchable projection: its alias name (without prefix) and its mappings."""

    name: str
    properties: dict[str, Any]
    shards: int = 1
    replicas: int = 0
    extra_settings: dict[str, Any] = field(default_factory=dict)

    def template(self, pattern: str, synonyms: list[str] | None = None) -> dict[str, Any]:
        """The body of the composable index template for indexes matching pattern."""
        return {
            "index_patterns": [pattern],
            "priority": 100,
            "template": {
                "settings": {
                    "number_of_shards": self.shards,
                    "number_of_replicas": self.replicas,
                    "analysis": analysis_settings(synonyms),
                    **self.extra_settings,
                },
                "mappings": {"dynamic": "strict", "properties": self.properties},
            },
        }


PUBLIC_RECORDS = IndexSpec("public-records", COMMON_PROPERTIES)
ARCHIVES = IndexSpec("archives", ARCHIVE_PROPERTIES)
